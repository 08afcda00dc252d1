"""The printed sheets, read back from the PDF as a person (or pypdf) would read them."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.core import sheet_codes, sheet_data, workflow
from desktop.core.i18n import translate
from desktop.core.models import Kind
from desktop.core.org import create_unit
from desktop.core.problems import MeasureInput, ProblemInput, create_problem, record_measure_done
from desktop.core.session import Session
from desktop.core.sheet_codes import SheetCode, format_code, verify_code
from desktop.exchange import fonts as sheet_fonts_module
from desktop.exchange.sheet_layout import check_pdf
from desktop.exchange.sheets import export_sheets, print_sheets, render_pdf
from desktop.ui.report_charts import report_chart_images
from tests.conftest import PASSWORD, TODAY

STANDARD_14 = {"Courier", "Helvetica", "Times", "Symbol", "ZapfDingbats"}
CODE_PATTERN = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}")


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Page text without the line breaks a wrapped cell puts into it."""
    return re.sub(r"\s+", "", text)


def add_problem(office, description: str, code: str = "", unit=None, done: bool = False,
                deadline: dt.date = TODAY + dt.timedelta(days=20), measures=None,
                kind: str = Kind.DEADLINE.value):
    measures = measures or [MeasureInput(
        text=f"针对“{description}”的整改措施", resp_leader="王局长", resp_person="李科长",
        resp_unit_id=(unit or office.unit).id, deadline=deadline,
        done_date=TODAY if done else None, result="已整改到位" if done else "")]
    return create_problem(office.session("clerk"), ProblemInput(
        campaign_id=office.campaign.id, unit_id=(unit or office.unit).id,
        description=description, code=code, kind=kind, source="座谈会",
        found_date=TODAY - dt.timedelta(days=40), deadline=deadline, measures=measures,
    ))


def fonts_of(data: bytes) -> list[dict]:
    """Every font resource of every page (and of the forms they use)."""
    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        resources = page.get("/Resources") or {}
        fonts = resources.get("/Font") or {}
        found.extend(font.get_object() for font in fonts.values())
    return found


def assert_fonts_embedded(data: bytes) -> None:
    fonts = fonts_of(data)
    assert fonts
    for font in fonts:
        base = str(font["/BaseFont"])
        assert "STSong" not in base
        assert base.lstrip("/").split("-")[0] not in STANDARD_14, base
        descriptor = font.get("/FontDescriptor")
        if descriptor is None:  # a composite font keeps it in its descendant
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object(), base


# -- 问题清单 ------------------------------------------------------------------------------


def test_problem_list_of_a_unit_shows_its_problems_only(office):
    other = create_unit(Session.system(), "县社会救助局")
    add_problem(office, "会议多文件多，层层开会传达", code="MZ-01")
    add_problem(office, "服务窗口态度生硬", code="JZ-01", unit=other)
    data = render_pdf(sheet_data.build_for("problems", office.campaign.id, office.unit.id))
    [page] = pages_text(data)
    text = flat(page)
    assert "会议多文件多，层层开会传达" in text and "服务窗口态度生硬" not in text
    assert translate("Problem list") in text and office.campaign.name in text
    for header in ("Problem category", "Problem description", "How it was found", "Deadline"):
        assert translate(header) in text
    assert "座谈会" in text and "县民政局" in text
    assert "—1—" in text  # the page number, GB/T 9704 style
    assert_fonts_embedded(data)


def test_long_text_is_wrapped_in_its_cell_and_never_clipped(office):
    long_text = "".join(f"第{n}次会议只传达文件未研究落实，" for n in range(1, 151))
    add_problem(office, long_text, code="L-1")
    add_problem(office, "另一个问题", code="L-2")
    data = render_pdf(sheet_data.build_for("problems", office.campaign.id))
    pages = pages_text(data)
    assert len(pages) >= 2  # longer than a page: the row goes on on the next one
    whole = "".join(flat(p) for p in pages)
    for n in (1, 75, 150):
        assert f"第{n}次会议只传达文件未研究落实" in whole
    assert "另一个问题" in whole


# -- 整改清单 ------------------------------------------------------------------------------


def test_plan_shows_each_problem_with_its_measures_and_responsibilities(office):
    add_problem(office, "检查考核过多过频", code="P-1", measures=[
        MeasureInput(text="合并同类检查事项", resp_leader="张副局长", resp_person="刘科长",
                     deadline=TODAY + dt.timedelta(days=9)),
        MeasureInput(text="建立检查计划报备制度", resp_leader="赵副局长", resp_person="陈主任",
                     deadline=TODAY + dt.timedelta(days=30)),
    ])
    data = render_pdf(sheet_data.build_for("plan", office.campaign.id))
    text = flat("".join(pages_text(data)))
    for expected in ("检查考核过多过频", "1.合并同类检查事项", "2.建立检查计划报备制度",
                     "张副局长", "刘科长", "赵副局长", "陈主任", "2026-11-11", "2026-12-02"):
        assert expected in text, expected
    assert_fonts_embedded(data)


@pytest.mark.slow
def test_a_thousand_problem_ledger_repeats_its_header_on_every_page(tmp_path):
    from desktop.core import db, paths
    from desktop.core.demo import build_demo
    from desktop.core.models import Campaign
    from tests.conftest import open_temp_database

    open_temp_database(tmp_path)
    try:
        build_demo(1000, 12, 3)
        campaign = Campaign.get()
        sheets = sheet_data.build_for("plan", campaign.id)
        data = render_pdf(sheets)
        pages = [flat(p) for p in pages_text(data)]
        assert len(pages) > 100
        heads = [translate(h) for h in ("Problem description", "Rectification measures",
                                        "Responsible leader", "Responsible person",
                                        "Completion")]
        code = format_code(sheet_codes.code_for(sheets[0]))
        for number, page in enumerate(pages, start=1):
            assert all(h in page for h in heads), f"page {number} lacks the header row"
            assert f"—{number}—" in page
            assert code in page
        problems = sheets[0].of("problem")
        assert len(problems) == 1000
        whole = "".join(pages)
        missing = [p.fields["description"] for p in problems
                   if flat(p.fields["description"]) not in whole]
        assert missing == []
        assert_fonts_embedded(data)
    finally:
        db.close()
        paths.set_data_dir(None)


# -- 销号审批表 ----------------------------------------------------------------------------


def close_with_people(office, problem, return_opinion: str | None = None):
    """The closing as separate people do it: clerk asks, reviewer verifies, leader signs."""
    clerk, reviewer, leader = (office.session(w) for w in ("clerk", "reviewer", "leader"))
    workflow.apply(clerk, problem.id, "submit")
    workflow.apply(reviewer, problem.id, "approve")
    workflow.apply(clerk, problem.id, "request_close", opinion="措施已全部落实，申请销号")
    if return_opinion:
        workflow.apply(reviewer, problem.id, "return", opinion=return_opinion)
        workflow.apply(clerk, problem.id, "request_close", opinion="已补充佐证材料")
    workflow.apply(reviewer, problem.id, "verify", opinion="经核实已整改到位")
    workflow.apply(leader, problem.id, "sign_close", opinion="同意销号", password=PASSWORD)


def test_closing_form_carries_the_recorded_opinions_and_signers(office):
    problem = add_problem(office, "文件照抄照搬上级文件", code="S-1", done=True)
    close_with_people(office, problem)
    data = render_pdf(sheet_data.build_for("signoff", office.campaign.id, problem_id=problem.id))
    [page] = pages_text(data)
    text = flat(page)
    for expected in ("文件照抄照搬上级文件", "S-1", "已整改到位", "措施已全部落实，申请销号",
                     "经核实已整改到位", "同意销号", "clerk-用户", "reviewer-用户", "leader-用户",
                     translate("(seal)")):
        assert expected in text, expected
    # the leader signed with a password: the form says so
    signed = translate("Signed electronically by {name} at {time}").split("{")[0]
    assert flat(signed) in text or "leader-用户" in text
    assert translate("Returned with opinion") not in text
    assert_fonts_embedded(data)


def test_a_returned_closing_shows_its_return_opinion(office):
    problem = add_problem(office, "调研走过场", code="S-2", done=True)
    close_with_people(office, problem, return_opinion="佐证材料不全，请补充会议纪要")
    text = flat(pages_text(render_pdf(sheet_data.build_for(
        "signoff", office.campaign.id, problem_id=problem.id)))[0])
    assert translate("Returned with opinion") in text
    assert "佐证材料不全，请补充会议纪要" in text
    assert "已补充佐证材料" in text  # the latest request is the one shown for the applicant


def test_each_closing_form_starts_on_its_own_page_with_its_own_code(office):
    first = add_problem(office, "第一个待销号问题", code="C-1", done=True)
    second = add_problem(office, "第二个待销号问题", code="C-2", done=True)
    add_problem(office, "还在整改的问题", code="C-3")
    for problem in (first, second):
        close_with_people(office, problem)
    sheets = sheet_data.build_for("signoff", office.campaign.id)
    pages = [flat(p) for p in pages_text(render_pdf(sheets))]
    assert len(pages) == 2
    assert "第一个待销号问题" in pages[0] and "第二个待销号问题" in pages[1]
    assert all("还在整改的问题" not in p for p in pages)
    codes = [format_code(sheet_codes.code_for(s)) for s in sheets]
    assert codes[0] in pages[0] and codes[1] in pages[1] and codes[0] != codes[1]
    assert all("—1—" in p for p in pages)  # page numbers start again for each form


def test_signature_and_seal_images_are_placed_only_when_given(office, tmp_path):
    from PIL import Image

    signature, seal = tmp_path / "signature.png", tmp_path / "seal.png"
    Image.new("RGBA", (120, 60), (0, 0, 200, 160)).save(signature)
    Image.new("RGBA", (100, 100), (200, 0, 0, 128)).save(seal)
    problem = add_problem(office, "签章测试问题", done=True)
    close_with_people(office, problem)
    sheets = sheet_data.build_for("signoff", office.campaign.id, problem_id=problem.id)

    def images(data: bytes) -> int:
        page = PdfReader(io.BytesIO(data)).pages[0]
        objects = page["/Resources"].get("/XObject") or {}
        return sum(1 for o in objects.values() if o.get_object()["/Subtype"] == "/Image")

    assert images(render_pdf(sheets)) == 0
    with_images = render_pdf(sheets, signature_images={office.users["leader"].uuid: signature},
                             seal_images={office.unit.uuid: seal})
    assert images(with_images) == 2


# -- 催办通知单 and 阶段性报告 -------------------------------------------------------------


def test_urging_notices_go_to_the_units_responsible(office):
    other = create_unit(Session.system(), "县养老服务股")
    add_problem(office, "逾期的问题", code="U-1", deadline=TODAY - dt.timedelta(days=5),
                measures=[MeasureInput(text="养老股负责的措施", resp_unit_id=other.id,
                                       resp_person="周股长",
                                       deadline=TODAY - dt.timedelta(days=5))])
    add_problem(office, "即将到期的问题", code="U-2", deadline=TODAY + dt.timedelta(days=1))
    add_problem(office, "时间充裕的问题", code="U-3", deadline=TODAY + dt.timedelta(days=60))
    sheets = sheet_data.build_for("urge", office.campaign.id)
    assert [s.first("unit").fields["name"] for s in sheets] == ["县民政局", "县养老服务股"]
    pages = [flat(p) for p in pages_text(render_pdf(sheets))]
    assert "即将到期的问题" in pages[0] and "逾期的问题" not in pages[0]
    assert "逾期的问题" in pages[1] and "养老股负责的措施" in pages[1]
    assert all("时间充裕的问题" not in p for p in pages)
    overdue = flat(translate("Overdue by {days} day(s)").format(days=5))
    assert overdue in pages[1]


def test_report_has_the_figures_and_a_row_per_unit(office):
    other = create_unit(Session.system(), "县殡仪馆")
    done = add_problem(office, "已整改的问题", done=True)
    close_with_people(office, done)
    late = add_problem(office, "逾期问题", deadline=TODAY - dt.timedelta(days=3))
    funeral = add_problem(office, "殡仪馆的问题", unit=other)
    add_problem(office, "尚未提交的草稿", unit=other)  # not in the ledger: no rate counts it
    for problem in (late, funeral):
        workflow.apply(office.session("clerk"), problem.id, "submit")
    from desktop.core.org import move_unit

    move_unit(Session.system(), other.id, 0)  # the other unit heads the table
    data = render_pdf(sheet_data.build_for("report", office.campaign.id),
                      chart_images=report_chart_images)
    text = "".join(flat(p) for p in pages_text(data))
    assert "县民政局" in text and "县殡仪馆" in text
    # the units' bars and the burn-down, drawn by the dashboard's own chart code
    assert flat(translate("3. Charts")) in text
    charts = [image for page in PdfReader(io.BytesIO(data)).pages for image in page.images]
    assert len(charts) == 2
    assert all(c.image.width > 1000 for c in charts)  # sharp enough to print
    # signed for the campaign's unit, not for the first unit of the table
    assert flat(translate("Unit (seal): {unit}").format(unit="县民政局")) in text
    assert "33.3%" in text  # 1 of the 3 submitted closed; the draft is not counted
    assert "50.0%" in text  # the bureau: 1 of 2
    assert "0.0%" in text  # the funeral home: 0 of 1
    assert flat(translate(" {count} more are drafts not yet submitted.").format(count=1)) in text


# -- files, codes and fonts ----------------------------------------------------------------


def test_a_code_read_off_the_sheet_verifies_until_the_record_changes(office, tmp_path):
    problem = add_problem(office, "填表报数多", code="V-1")
    workflow.apply(office.session("clerk"), problem.id, "submit")
    workflow.apply(office.session("reviewer"), problem.id, "approve")
    out = tmp_path / "plan.pdf"
    [code] = print_sheets(office.session("clerk"), "plan", office.campaign.id, out)
    printed = CODE_PATTERN.findall(flat(pages_text(out.read_bytes())[0]))
    assert printed == [format_code(code)]
    assert verify_code(printed[0]).ok
    record_measure_done(office.session("clerk"), problem.measures.get().id, TODAY, "已精简")
    assert verify_code(printed[0]).status == "changed"


def test_a_failed_export_leaves_no_file_and_no_code(office, tmp_path, monkeypatch):
    add_problem(office, "导出失败的测试问题")
    sheets = sheet_data.build_for("problems", office.campaign.id)
    out = tmp_path / "list.pdf"

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(sheet_codes, "issue", broken)
    with pytest.raises(OSError):
        export_sheets(office.session("clerk"), sheets, out)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("test.db")] == []
    assert SheetCode.select().count() == 0
    monkeypatch.undo()
    export_sheets(office.session("clerk"), sheets, out)
    check_pdf(out.read_bytes())
    assert SheetCode.select().count() == 1


def test_an_incomplete_pdf_is_refused():
    with pytest.raises(OSError):
        check_pdf(b"%PDF-1.4\n" + b"x" * 2000)  # no end marker
    with pytest.raises(OSError):
        check_pdf(b"<html>" + b"x" * 2000 + b"%%EOF")


def test_the_pcs_own_fonts_are_preferred_and_unusable_ones_skipped(tmp_path):
    droid = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
    if not droid.exists():
        pytest.skip("no second Chinese TrueType font on this machine")
    shutil.copy(droid, tmp_path / "SIMFANG.TTF")  # Windows spells it in capitals at times
    (tmp_path / "simhei.ttf").write_bytes(b"not a font at all")
    chosen = sheet_fonts_module.sheet_fonts([tmp_path])
    assert chosen.files["body"] == tmp_path / "SIMFANG.TTF"
    assert chosen.files["heading"] == sheet_fonts_module.bundled_font()
    assert chosen.files["title"] == sheet_fonts_module.bundled_font()
    bundled_only = sheet_fonts_module.sheet_fonts([])
    assert set(bundled_only.files.values()) == {sheet_fonts_module.bundled_font()}


def test_sheets_in_a_system_font_still_embed_it(office, tmp_path):
    droid = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
    if not droid.exists():
        pytest.skip("no second Chinese TrueType font on this machine")
    shutil.copy(droid, tmp_path / "simfang.ttf")
    add_problem(office, "用系统仿宋排版的问题")
    data = render_pdf(sheet_data.build_for("problems", office.campaign.id),
                      fonts=sheet_fonts_module.sheet_fonts([tmp_path]))
    assert_fonts_embedded(data)
    # embedded under its own PostScript name
    assert any("DroidSansFallback" in str(f["/BaseFont"]) for f in fonts_of(data))
    assert "用系统仿宋排版的问题" in flat(pages_text(data)[0])
