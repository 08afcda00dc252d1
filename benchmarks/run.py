"""The county-scale benchmark of issue 9: one table of timings against their targets.

    python benchmarks/run.py [--problems N] [--db PATH] [--runs K] [--only NAMES]

Builds (once, cached by N under the temporary folder) a demo database of N problems with
``rectify demo`` — about three measures each, transitions and a full audit trail — and two
small ones for the exchange measurements, then times what a county office waits for, each the
median of K runs. Baselines (bare openpyxl, bare reportlab, bare sqlite3 writing the same cells,
text or rows) turn the exchange timings into ratios that do not depend on the machine.

Run by hand, never by the test suite; the figures go in docs/performance.md. The cold start and
the peak memory run the app in a fresh process each time, so nothing is warm in Python; the
operating system's file cache is warm after the first run, as on an office PC used daily.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CACHE = Path(tempfile.gettempdir()) / "rectify-bench"
EXPORT_PROBLEMS = 10_000
PDF_PROBLEMS = 1_000
IMPORT_UNITS, IMPORT_PER_UNIT = 100, 100
SECTIONS = ("start", "dashboard", "list", "export", "pdf", "import", "memory")


@dataclass
class Line:
    name: str
    value: float | None  # ms, a ratio or MB
    unit: str
    target: float | None = None
    note: str = ""

    def cells(self) -> list[str]:
        if self.value is None:
            shown = "—"
        elif self.unit == "×":
            shown = f"{self.value:.2f}×"
        else:
            shown = f"{self.value:,.0f} {self.unit}"
        if self.target is None:
            aim, verdict = "", ""
        else:
            aim = f"≤ {self.target:g}{'×' if self.unit == '×' else ' ' + self.unit}"
            verdict = "pass" if self.value is not None and self.value <= self.target else "FAIL"
        return [self.name, shown, aim, verdict, self.note]


def median_ms(run: Callable[[], object], runs: int, warm: bool = False) -> float:
    """Median wall time of ``runs`` calls in ms; ``warm`` adds an uncounted first call."""
    if warm:
        run()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


# -- machine ----------------------------------------------------------------------------------


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        ram = f"{pages / 2**30:.1f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        pass
    import openpyxl
    import PySide6
    import reportlab
    from PySide6.QtCore import qVersion

    load = ""
    if hasattr(os, "getloadavg"):
        load = "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())
    return [
        f"date: {dt.datetime.now().isoformat(timespec='minutes')}",
        f"machine: {cpu}, {os.cpu_count()} cores, {ram}; {load}",
        f"system: {platform.platform()}",
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PySide6 {PySide6.__version__} (Qt {qVersion()}), openpyxl {openpyxl.__version__}, "
        f"reportlab {reportlab.Version}",
    ]


# -- databases --------------------------------------------------------------------------------


def fold_wal(path: Path) -> None:
    """Fold the write-ahead log into the file, so the file is whole by itself."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def demo_database(path: Path, problems: int, units: int) -> Path:
    """The demo database at ``path``, built by ``rectify demo`` unless it is there already
    (built under a temporary name first: an interrupted build is not taken for a cache)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".building")
    for leftover in path.parent.glob(partial.name + "*"):
        leftover.unlink()
    print(f"building {path.name}: {problems:,} problems, {units} units …", flush=True)
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "desktop", "demo", "--db", str(partial),
                    "--problems", str(problems), "--units", str(units)],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    fold_wal(partial)  # the copy under the final name needs no -wal beside it
    for extra in ("-wal", "-shm"):
        Path(str(partial) + extra).unlink(missing_ok=True)
    partial.rename(path)
    for leftover in path.parent.glob(partial.name + "*"):  # e.g. the app's lock file
        leftover.unlink()
    print(f"  built in {time.perf_counter() - began:.0f} s", flush=True)
    return path


def open_db(path: Path) -> None:
    from desktop.core import db

    db.close()
    db.open_database(path)


def campaign_id() -> int:
    from desktop.core.models import Campaign

    return Campaign.live().order_by(Campaign.id.desc()).first().id


# -- the app in a fresh process ---------------------------------------------------------------

CHILD = r"""
import os, sys, time
began = float(sys.argv[1])
os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, sys.argv[3])
import desktop.app as app
from pathlib import Path
from tempfile import TemporaryDirectory
from PySide6.QtCore import QEvent, QObject
from desktop.core import setup
from desktop.core.session import Session
from desktop.ui.context import AppContext
from desktop.ui.main_window import MainWindow
from desktop.ui.settings import Settings

target, mode = sys.argv[2], sys.argv[4]
app.prepare_database(target)
scratch = TemporaryDirectory()
settings = Settings(Path(scratch.name) / "bench.ini")
qt = app._application(app._language(settings, None))

class FirstPaint(QObject):
    painted = None
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and FirstPaint.painted is None:
            FirstPaint.painted = time.time()
        return False

window = MainWindow(AppContext(Session(user=setup.default_user()), target, settings))
window.resize(*app.SCREEN_SIZE)
spy = FirstPaint()
window.installEventFilter(spy)
window.show()
while FirstPaint.painted is None:
    qt.processEvents()
if mode == "start":
    print(f"RESULT {(FirstPaint.painted - began) * 1000:.1f}")
    sys.exit(0)
from PySide6.QtCore import QEventLoop, QTimer
import resource
for page in ("dashboard", "problems"):
    window.show_page(page)
    loaded = getattr(window.pages.get(page), "loaded", None)
    if loaded is not None:
        loop = QEventLoop()
        loaded.connect(loop.quit)
        QTimer.singleShot(60_000, loop.quit)
        loop.exec()
    for _ in range(3):
        qt.processEvents()
table = window.problem_list.table
table.scrollToBottom()
for _ in range(3):
    qt.processEvents()
window.show_page("dashboard")
for _ in range(3):
    qt.processEvents()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
try:  # ru_maxrss keeps the forking parent's peak on Linux; VmHWM is this program's own
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
except OSError:
    pass
print(f"RESULT {peak:.1f}")
"""


def run_child(target: Path, mode: str) -> float:
    began = time.time()
    done = subprocess.run([sys.executable, "-c", CHILD, repr(began), str(target), str(ROOT),
                           mode], capture_output=True, text=True, timeout=600)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return float(line.split()[1])
    raise RuntimeError(f"the app child failed ({mode}):\n{done.stdout}\n{done.stderr}")


def bench_start(db: Path, runs: int) -> list[Line]:
    run_child(db, "start")  # the first open may upgrade the schema: not counted
    times = [run_child(db, "start") for _ in range(runs)]
    return [Line("cold start to the first painted window", statistics.median(times), "ms",
                 2000, f"runs {min(times):,.0f}–{max(times):,.0f}")]


def bench_memory(db: Path, runs: int) -> list[Line]:
    peaks = [run_child(db, "memory") for _ in range(max(1, min(runs, 2)))]
    return [Line("peak memory: window, dashboard, whole list scrolled", max(peaks), "MB", 500)]


# -- dashboard and list -----------------------------------------------------------------------


def bench_dashboard(db: Path, runs: int) -> list[Line]:
    from desktop.core import setup, stats
    from desktop.core.session import Session

    open_db(db)
    cid = campaign_id()
    session = Session(user=setup.default_user())

    def first() -> None:
        stats.forget_figures()  # as after a change, or at start
        stats.campaign_figures(cid, session=session)

    def dashboard() -> None:  # the dashboard page's own steps, one after the other
        stats.timeline(cid)
        stats.next_filing(cid)
        stats.unit_rows(cid)
        stats.my_work(session, cid)
        stats.area_rows(cid)
        stats.burndown(cid)

    cold = median_ms(first, runs, warm=True)
    steps = median_ms(lambda: (stats.forget_figures(), dashboard()), runs)
    again = median_ms(dashboard, runs, warm=True)
    return [Line("dashboard figures, computed (campaign_figures)", cold, "ms", 200),
            Line("dashboard page's steps, computed", steps, "ms", 200),
            Line("dashboard page's steps, again (nothing changed)", again, "ms", 200)]


def bench_list(db: Path, runs: int) -> list[Line]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from desktop.core import problem_query as pq
    from desktop.core.models import Campaign, Unit
    from desktop.ui.problem_model import ProblemTableModel

    QApplication.instance() or QApplication([])
    open_db(db)
    cid = campaign_id()
    rules = pq.light_rules(Campaign.get_by_id(cid))
    unit = Unit.live().where(Unit.parent.is_null(False)).order_by(Unit.id.desc()).first()
    screen = 30  # rows on a 1366×768 screen

    def show(model: ProblemTableModel, first: int = 0) -> None:
        for row in range(first, min(first + screen, model.rowCount())):
            for column in range(model.columnCount()):
                index = model.index(row, column)
                model.data(index, Qt.ItemDataRole.DisplayRole)
                model.data(index, Qt.ItemDataRole.DecorationRole)

    def shown(problem_filter: pq.ProblemFilter) -> Callable[[], None]:
        def run() -> None:
            model = ProblemTableModel()
            model.set_filter(problem_filter, rules)
            show(model)
        return run

    lines = []
    cases = [
        ("problem list: open (first screen)", pq.ProblemFilter(cid)),
        (f"problem list: filter by unit ({unit.name})",
         pq.ProblemFilter(cid, unit_ids=frozenset({unit.id}))),
        ("problem list: search 会议 (2 characters)", pq.ProblemFilter(cid, text="会议")),
        ("problem list: search 一窗受理 (4 characters)", pq.ProblemFilter(cid, text="一窗受理")),
    ]
    for name, problem_filter in cases:
        lines.append(Line(name, median_ms(shown(problem_filter), runs, warm=True), "ms", 100))

    model = ProblemTableModel()
    model.set_filter(pq.ProblemFilter(cid), rules)

    def scroll() -> None:
        for first in range(0, model.rowCount(), screen):
            show(model, first)

    ms = median_ms(scroll, max(1, min(runs, 3)))
    per_page = ms / max(1, model.rowCount() / screen)
    lines.append(Line(f"problem list: scroll all {model.rowCount():,} rows", ms, "ms",
                      note=f"{per_page:.1f} ms per screen of {screen} rows"))
    return lines


# -- ledger workbook --------------------------------------------------------------------------


def workbook_cells(path: Path) -> list[tuple[str, list[list]]]:
    """Every sheet's rows of values, as the file holds them."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return [(ws.title, [list(row) for row in ws.iter_rows(values_only=True)])
                for ws in book.worksheets]
    finally:
        book.close()


def bare_workbook(sheets: list[tuple[str, list[list]]], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, rows in sheets:
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)


def bench_export(db: Path, runs: int, scratch: Path) -> list[Line]:
    from desktop.core import problem_query as pq
    from desktop.core.ledger_data import LedgerScope
    from desktop.core.session import Session
    from desktop.exchange.ledger_exchange import export_ledger

    open_db(db)
    cid = campaign_id()
    ids = pq.matching_ids(pq.ProblemFilter(cid), "code")[:EXPORT_PROBLEMS]
    scope = LedgerScope(cid, problem_ids=ids)
    out = scratch / "ledger.xlsx"
    product = median_ms(lambda: export_ledger(Session.system(), scope, out), runs)
    sheets = workbook_cells(out)
    cells = sum(len(row) for _t, rows in sheets for row in rows)
    bare = median_ms(lambda: bare_workbook(sheets, scratch / "bare.xlsx"), runs)
    return [
        Line(f"ledger export, {len(ids):,} problems (export_ledger)", product, "ms"),
        Line(f"  bare openpyxl write-only, same {cells:,} cells", bare, "ms"),
        Line("  export ÷ bare", product / bare, "×", 1.5),
    ]


# -- PDF ----------------------------------------------------------------------------------------


def bare_pdf(rows: list[list[str]], widths: list[float], font: str, size: float,
             leading: float) -> bytes:
    import io

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    style = ParagraphStyle("cell", fontName=font, fontSize=size, leading=leading)
    table = Table([[Paragraph(text, style) for text in row] for row in rows],
                  colWidths=widths, repeatRows=1)
    table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "TOP")])
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4)).build([table])
    return buffer.getvalue()


def bench_pdf(db: Path, runs: int) -> list[Line]:
    from reportlab.platypus import Paragraph, Table

    from desktop.core import sheet_data
    from desktop.exchange import sheets as sheet_pdf
    from desktop.exchange.fonts import sheet_fonts
    from desktop.exchange.sheet_layout import Styles

    open_db(db)
    cid = campaign_id()

    def product() -> bytes:
        return sheet_pdf.render_pdf(sheet_data.build_for("plan", cid))

    data = product()
    ms = median_ms(product, runs)
    # the same text in the same font, as a plain table
    styles = Styles.make(sheet_fonts())
    ctx = sheet_pdf.Context(styles, sheet_pdf.GEOMETRY[sheet_data.SheetKind.PLAN], {}, {}, None)
    [sheet] = sheet_data.build_for("plan", cid)
    table = next(f for f in sheet_pdf.plan_flowables(ctx, sheet)
                 if isinstance(f, Table) and len(f._cellvalues) > 10)
    rows = [[cell.text if isinstance(cell, Paragraph) else str(cell or "") for cell in row]
            for row in table._cellvalues]
    cell_style = styles.cell
    bare = median_ms(lambda: bare_pdf(rows, list(table._colWidths), styles.fonts.body,
                                      cell_style.fontSize, cell_style.leading), runs, warm=True)
    problems = len(sheet.of("problem"))
    return [
        Line(f"PDF 整改清单, {problems:,} problems ({len(data) // 1024:,} KB)", ms, "ms"),
        Line(f"  bare reportlab table, same {len(rows):,} rows of text", bare, "ms"),
        Line("  PDF ÷ bare", ms / bare, "×", 1.5),
    ]


# -- consolidation import -----------------------------------------------------------------------


def unit_workbooks(db: Path, folder: Path) -> list[Path]:
    """One ledger per unit of ``IMPORT_PER_UNIT`` of its problems, exported by the app."""
    from desktop.core.ledger_data import LedgerScope
    from desktop.core.models import Problem, State, Unit
    from desktop.core.session import Session
    from desktop.exchange.ledger_exchange import export_ledger

    files = sorted(folder.glob("*.xlsx"))
    if len(files) >= IMPORT_UNITS:
        return files[:IMPORT_UNITS]
    open_db(db)
    cid = campaign_id()
    folder.mkdir(parents=True, exist_ok=True)
    for unit in Unit.live().where(Unit.parent.is_null(False)).order_by(Unit.id):
        ids = [p.id for p in Problem.live().select(Problem.id)
               .where((Problem.campaign == cid) & (Problem.unit == unit)
                      & (Problem.state != State.DRAFT.value))
               .order_by(Problem.id).limit(IMPORT_PER_UNIT)]
        if len(ids) == IMPORT_PER_UNIT:
            export_ledger(Session.system(), LedgerScope(cid, unit_id=unit.id, problem_ids=ids),
                          folder / f"unit{unit.id:04d}.xlsx")
        files = sorted(folder.glob("*.xlsx"))
        if len(files) >= IMPORT_UNITS:
            break
    if len(files) < IMPORT_UNITS:
        raise RuntimeError(f"only {len(files)} units have {IMPORT_PER_UNIT} problems")
    return files


def entity_rows(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """The rows of the record tables in ``path`` (what an import writes, without its audit
    events and bookkeeping)."""
    from desktop.core.models import ENTITY_MODELS

    found = {}
    with closing(sqlite3.connect(path)) as connection:
        for table in ENTITY_MODELS:
            cursor = connection.execute(f'SELECT * FROM "{table}"')
            names = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
            if rows:
                found[table] = (names, rows)
    return found


def bare_insert(empty: Path, target: Path, rows: dict[str, tuple[list[str], list[tuple]]]
                ) -> None:
    shutil.copy(empty, target)
    connection = sqlite3.connect(target)
    connection.execute("PRAGMA foreign_keys = OFF")
    with connection:
        for table, (names, values) in rows.items():
            connection.execute(f'DELETE FROM "{table}"')
            columns = ", ".join(f'"{n}"' for n in names)
            marks = ", ".join("?" * len(names))
            connection.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})',
                                   values)
    connection.close()


def bench_import(source: Path, runs: int, scratch: Path) -> list[Line]:
    from desktop.core import db as core_db
    from desktop.core.session import Session
    from desktop.exchange.ledger_exchange import import_files, inspect_files

    files = unit_workbooks(source, CACHE / f"units-{IMPORT_UNITS}x{IMPORT_PER_UNIT}")
    empty = scratch / "empty.db"
    open_db(empty)
    core_db.close()
    read_ms, write_ms = [], []
    target = scratch / "target.db"
    for _ in range(runs):
        core_db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        shutil.copy(empty, target)
        open_db(target)
        began = time.perf_counter()
        reports = inspect_files(files)
        read = time.perf_counter()
        done = import_files(Session.system(), reports)
        read_ms.append((read - began) * 1000)
        write_ms.append((time.perf_counter() - read) * 1000)
        assert len(done) == len(files), [r.status for r in reports]
    core_db.close()
    fold_wal(target)
    rows = entity_rows(target)
    counted = sum(len(v) for _n, v in rows.values())
    bare = median_ms(lambda: bare_insert(empty, scratch / "bare.db", rows), runs)
    read, write = statistics.median(read_ms), statistics.median(write_ms)
    return [
        Line(f"consolidation: read and dry-run {len(files)} unit workbooks", read, "ms"),
        Line("consolidation: import (import_files)", write, "ms"),
        Line(f"  bare sqlite3 executemany, same {counted:,} rows", bare, "ms"),
        Line("  import ÷ bare", write / bare, "×", 3),
        Line("  read + import ÷ bare", (read + write) / bare, "×"),
    ]


# -- the table -----------------------------------------------------------------------------------


def width(text: str) -> int:
    """Columns a terminal gives ``text``: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def print_table(lines: list[Line]) -> None:
    rows = [["measurement", "median", "target", "", "note"]] + [line.cells() for line in lines]
    widths = [max(width(r[i]) for r in rows) for i in range(5)]
    for n, row in enumerate(rows):
        cells = []
        for i, (cell, w) in enumerate(zip(row, widths, strict=True)):
            pad = " " * (w - width(cell))
            cells.append(cell + pad if i in (0, 4) else pad + cell)
        print("  ".join(cells).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="the large database (default: cached by N)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated, of: {', '.join(SECTIONS)}")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown measurement(s): {', '.join(sorted(unknown))}")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from desktop.core import paths

    large = args.db or CACHE / f"demo-{args.problems}.db"
    demo_database(large, args.problems, 30)
    with tempfile.TemporaryDirectory(prefix="rectify-bench-") as folder:
        scratch = Path(folder)
        paths.set_data_dir(scratch / "data")
        lines: list[Line] = []
        steps: dict[str, Callable[[], list[Line]]] = {
            "start": lambda: bench_start(large, args.runs),
            "dashboard": lambda: bench_dashboard(large, args.runs),
            "list": lambda: bench_list(large, args.runs),
            "export": lambda: bench_export(
                large if args.problems >= EXPORT_PROBLEMS else demo_database(
                    CACHE / f"demo-{EXPORT_PROBLEMS}.db", EXPORT_PROBLEMS, 30),
                args.runs, scratch),
            "pdf": lambda: bench_pdf(demo_database(CACHE / f"demo-{PDF_PROBLEMS}.db",
                                                   PDF_PROBLEMS, 12), args.runs),
            "import": lambda: bench_import(
                demo_database(CACHE / "demo-units-15000.db", 15_000, IMPORT_UNITS),
                args.runs, scratch),
            "memory": lambda: bench_memory(large, args.runs),
        }
        for name in SECTIONS:
            if name in chosen:
                began = time.perf_counter()
                found = steps[name]()
                lines += found
                print(f"[{name}: {time.perf_counter() - began:.0f} s] "
                      + "; ".join(" ".join(line.cells()[:2]) for line in found), flush=True)
    from desktop.core import db

    db.close()
    print()
    for line in machine():
        print(line)
    print(f"database: {large} ({args.problems:,} problems); median of {args.runs} runs")
    print()
    print_table(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
