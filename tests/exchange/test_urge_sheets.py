"""催办通知单 on paper: issuing one records its urges in the step that stores its code, and a
problem urged on an earlier day says so on the next notice."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.core import clock, sheet_codes, sheet_data
from desktop.core.i18n import translate
from desktop.core.models import Urge
from desktop.core.sheet_codes import SheetCode
from desktop.exchange import sheets as sheet_render
from desktop.exchange.sheets import export_sheets, print_sheets
from tests.conftest import TODAY
from tests.exchange.test_sheets import add_problem, flat, pages_text


def second_round() -> str:
    return flat(translate("Urging no. {number}").format(number=2))


def test_a_printed_notice_records_its_urges_and_the_next_days_says_second(office, tmp_path):
    late = add_problem(office, "逾期未整改的问题", code="C-1", deadline=TODAY - dt.timedelta(days=2))
    add_problem(office, "时间充裕的问题", code="C-2", deadline=TODAY + dt.timedelta(days=60))
    first_out = tmp_path / "urge-1.pdf"
    [first] = print_sheets(office.session("clerk"), "urge", office.campaign.id, first_out)
    assert second_round() not in flat(pages_text(first_out.read_bytes())[0])
    assert [(u.problem_id, u.code) for u in Urge.select()] == [(late.id, first)]

    clock.freeze(dt.datetime(2026, 11, 4, 9, 0))
    second_out = tmp_path / "urge-2.pdf"
    [second] = print_sheets(office.session("clerk"), "urge", office.campaign.id, second_out)
    page = flat(pages_text(second_out.read_bytes())[0])
    assert "逾期未整改的问题" in page and second_round() in page
    assert Urge.select().where(Urge.problem == late.id).count() == 2
    assert sheet_codes.verify_code(first).ok and sheet_codes.verify_code(second).ok


def test_a_notice_for_chosen_problems_names_only_them(office, tmp_path):
    add_problem(office, "第一个逾期问题", deadline=TODAY - dt.timedelta(days=2))
    chosen = add_problem(office, "第二个逾期问题", deadline=TODAY - dt.timedelta(days=1))
    out = tmp_path / "urge.pdf"
    print_sheets(office.session("clerk"), "urge", office.campaign.id, out,
                 problem_ids=[chosen.id])
    page = flat(pages_text(out.read_bytes())[0])
    assert "第二个逾期问题" in page and "第一个逾期问题" not in page
    assert [u.problem_id for u in Urge.select()] == [chosen.id]


@pytest.mark.parametrize("broken_step", ["issue", "urges"])
def test_a_failed_write_records_no_urge(office, tmp_path, monkeypatch, broken_step):
    add_problem(office, "逾期未整改的问题", deadline=TODAY - dt.timedelta(days=2))
    sheets = sheet_data.build_for("urge", office.campaign.id)
    out = tmp_path / "urge.pdf"

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    if broken_step == "issue":
        monkeypatch.setattr(sheet_codes, "issue", broken)
    else:  # the codes are stored, then recording the urges fails: the codes go too
        monkeypatch.setattr(sheet_render.urging, "record_sheet_urges", broken)
    with pytest.raises(OSError):
        export_sheets(office.session("clerk"), sheets, out)
    assert not out.exists()
    assert Urge.select().count() == 0 and SheetCode.select().count() == 0
    monkeypatch.undo()
    export_sheets(office.session("clerk"), sheets, out)
    assert Urge.select().count() == 1 and SheetCode.select().count() == 1
