"""No network, ever: a whole day's work — the demo, editing a problem, the workflow to closing,
exporting the ledger, importing it into a second database, printing every sheet with the
report's charts, and the main window — runs with every way to resolve or connect a socket
replaced by a trap, and not one attempt is made.

What counts: connecting a socket of any internet family (IPv4, IPv6), name resolution
(getaddrinfo, gethostbyname …) and datagrams sent to an address. Local sockets (AF_UNIX, as
D-Bus or an input method would use) reach no other computer; they are allowed and listed, but
not counted. Qt's own network code is C++ that no Python trap sees: the test checks that
QtNetwork is never loaded and that the process holds no internet socket at the end.
"""

from __future__ import annotations

import datetime as dt
import socket
import sys
from pathlib import Path

import pytest

from desktop.core import auth, db, paths, workflow
from desktop.core.demo import build_demo
from desktop.core.ledger_data import LedgerScope
from desktop.core.models import Campaign, Problem, Role
from desktop.core.problems import (
    MeasureInput,
    ProblemInput,
    create_problem,
    live_measures,
    record_measure_done,
    update_problem,
)
from desktop.core.session import Session
from desktop.exchange.ledger_exchange import export_ledger, import_files, inspect_files
from desktop.exchange.sheets import print_sheets
from desktop.ui.context import AppContext
from desktop.ui.main_window import MainWindow
from desktop.ui.report_charts import report_chart_images
from desktop.ui.settings import Settings
from tests.conftest import PASSWORD, TODAY

SHEETS = ("problems", "plan", "signoff", "urge", "report")


class Trap:
    """Records each attempt and refuses it, as an unplugged network cable would."""

    def __init__(self) -> None:
        self.attempts: list[str] = []
        self.local: list[str] = []

    def refuse(self, what: str):
        self.attempts.append(what)
        raise OSError(f"network use in a test: {what}")


def _is_local(sock: socket.socket) -> bool:
    return getattr(socket, "AF_UNIX", None) is not None and sock.family == socket.AF_UNIX


@pytest.fixture
def no_network(monkeypatch) -> Trap:
    trap = Trap()
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(self, address):
        if _is_local(self):
            trap.local.append(f"connect {address!r}")
            return real_connect(self, address)
        return trap.refuse(f"connect {address!r}")

    def connect_ex(self, address):
        if _is_local(self):
            trap.local.append(f"connect_ex {address!r}")
            return real_connect_ex(self, address)
        return trap.refuse(f"connect_ex {address!r}")

    real_sendto = socket.socket.sendto

    def sendto(self, *args):
        if _is_local(self):
            return real_sendto(self, *args)
        return trap.refuse(f"sendto {args[-1]!r}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket.socket, "sendto", sendto)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
                 "gethostbyaddr", "getnameinfo", "getfqdn"):
        monkeypatch.setattr(socket, name,
                            lambda *args, _name=name, **kw: trap.refuse(f"{_name}{args!r}"))
    return trap


def _inet_sockets_held() -> list[str]:
    """Internet sockets this process has open now (Linux: /proc), whoever opened them."""
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        return []
    inodes = set()
    for fd in fd_dir.iterdir():
        try:
            target = fd.readlink().name if hasattr(fd, "readlink") else ""
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    held = []
    for table in ("tcp", "tcp6", "udp", "udp6"):
        path = Path("/proc/self/net") / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            if len(fields) > 9 and fields[9] in inodes:
                held.append(f"{table} {fields[1]} → {fields[2]}")
    return held


def test_the_trap_catches_a_connection_and_a_lookup(no_network):
    import urllib.request

    with pytest.raises(OSError):
        socket.create_connection(("example.com", 80))
    with pytest.raises(OSError):
        urllib.request.urlopen("http://example.com/", timeout=1)
    with pytest.raises(OSError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect(("127.0.0.1", 9))
    assert len(no_network.attempts) == 3
    assert no_network.attempts[0].startswith("create_connection(('example.com', 80)")


def _close_one(session: Session, campaign_id: int, unit_id: int) -> Problem:
    """A problem typed, edited while a draft, and taken through the workflow to 已销号."""
    deadline = TODAY + dt.timedelta(days=10)
    data = ProblemInput(campaign_id=campaign_id, unit_id=unit_id, description="会议多",
                        found_date=TODAY, deadline=deadline,
                        measures=[MeasureInput(text="精简会议", deadline=deadline)])
    problem = create_problem(session, data)
    data.description = "会议多、文件多，以会议落实会议"
    update_problem(session, problem.id, data)
    for action in ("submit", "approve"):
        workflow.apply(session, problem.id, action, opinion="同意")
    for measure in live_measures(problem.id):
        record_measure_done(session, measure.id, TODAY, "已合并会议")
    for action in ("request_close", "verify", "sign_close"):
        workflow.apply(session, problem.id, action, opinion="同意销号", password=PASSWORD)
    return Problem.get_by_id(problem.id)


def _print_all(folder: Path, campaign_id: int, kinds=SHEETS) -> list[Path]:
    written = []
    for kind in kinds:
        out = folder / f"{campaign_id}-{kind}.pdf"
        print_sheets(Session.system(), kind, campaign_id, out, chart_images=report_chart_images)
        written.append(out)
    return written


def test_a_whole_workflow_makes_no_connection(qtbot, office, tmp_path, no_network):
    solo = office.session("solo")
    demo = build_demo(problems=60, units=4, seed=3, today=TODAY)
    closed = _close_one(solo, office.campaign.id, office.unit.id)
    assert closed.state == "closed" and closed.description.startswith("会议多、文件多")

    usb = tmp_path / "usb"
    usb.mkdir()
    ledger = usb / "县民政局台账.xlsx"
    export_ledger(solo, LedgerScope(office.campaign.id), ledger)
    printed = _print_all(tmp_path, demo.campaign_id)

    db.close()
    second = tmp_path / "second" / "rectify.db"
    second.parent.mkdir()
    paths.set_data_dir(second.parent)
    db.open_database(second)
    reports = inspect_files([ledger])
    imported = import_files(Session.system(), reports)
    assert [r.status.value for r in imported] == ["imported"]
    campaign = Campaign.get(Campaign.uuid == office.campaign.uuid)
    assert Problem.get(Problem.uuid == closed.uuid).state == "closed"
    # nothing of the imported campaign is overdue: no urging notice to print there
    printed += _print_all(tmp_path, campaign.id, [k for k in SHEETS if k != "urge"])
    assert all(p.read_bytes().startswith(b"%PDF") for p in printed)

    chief = auth.create_user(Session.system(), "chief", "办公室主任", PASSWORD,
                             {Role.CLERK, Role.REVIEWER, Role.LEADER, Role.ADMIN})
    ctx = AppContext(Session(user=chief), str(second), Settings(tmp_path / "w.ini"))
    ctx.set_campaign(campaign.id)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.current_page() == "dashboard"
    qtbot.wait(50)
    window.close()

    assert no_network.attempts == []
    assert "PySide6.QtNetwork" not in sys.modules
    assert _inet_sockets_held() == []
