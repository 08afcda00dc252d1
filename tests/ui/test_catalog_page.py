"""The catalog page and the paste-the-plan import dialog, driven the way an administrator would."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.core import catalog
from desktop.core.i18n import _
from desktop.core.org import catalog_tree
from desktop.core.problems import ProblemInput, create_problem
from desktop.ui.catalog_page import CatalogPage, OutlineImportDialog
from desktop.ui.context import AppContext
from desktop.ui.pasted_text import read_text_file
from desktop.ui.settings import Settings

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def seed_path(prefix: str) -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed plans not found at {SEEDS}")
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"seed {prefix} not found in {SEEDS}")
    return matches[0]


def make_ctx(office, tmp_path, who: str = "admin") -> AppContext:
    ctx = AppContext(office.session(who), "test.db", Settings(tmp_path / f"{who}.ini"))
    ctx.set_campaign(office.campaign.id)
    return ctx


@pytest.fixture
def ctx(office, tmp_path):
    return make_ctx(office, tmp_path)


@pytest.fixture
def dialog(ctx, qtbot):
    dlg = OutlineImportDialog(ctx)
    qtbot.addWidget(dlg)
    return dlg


def depth_counts(campaign_id: int) -> tuple[int, int]:
    rows = catalog_tree(campaign_id)
    return sum(d == 0 for _, d in rows), sum(d == 1 for _, d in rows)


def top_items(tree):
    return [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]


def test_seed_000_preselects_the_attachment_and_imports_9_areas_40_items(dialog, office):
    dialog.set_text(seed_path("000").read_text(encoding="utf-8"))
    combo = dialog.candidate_combo
    assert combo.currentIndex() == 0
    assert dialog.heading_label.text().endswith("附件1 形式主义、官僚主义重点整治内容")
    assert "9" in combo.currentText() and "40" in combo.currentText()
    assert dialog.tree.topLevelItemCount() == 9
    assert sum(item.childCount() for item in top_items(dialog.tree)) == 40
    assert dialog.import_button.isEnabled()
    assert dialog.do_import()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert depth_counts(office.campaign.id) == (9, 40)
    first = catalog_tree(office.campaign.id)[0][0]
    assert first.label == "一、" and first.title.startswith("在贯彻落实习近平总书记重要讲话")


def test_typing_parses_after_a_pause(dialog, qtbot):
    dialog.text_edit.setPlainText("一、文山会海方面\n1.会议过多\n2.文件过多\n二、督查检查方面\n3.检查过频\n")
    assert dialog.tree.topLevelItemCount() == 0  # not on every keystroke
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 2, timeout=3000)
    assert dialog.tree.topLevelItem(1).child(0).text(1) == "检查过频"


def test_unticked_entries_are_left_out_and_edited_titles_kept(dialog, office):
    dialog.set_text(seed_path("000").read_text(encoding="utf-8"))
    areas = top_items(dialog.tree)
    dropped_item = areas[1].child(2)
    dropped_title = dropped_item.text(1)
    dropped_item.setCheckState(0, Qt.CheckState.Unchecked)
    areas[8].setCheckState(0, Qt.CheckState.Unchecked)  # an area with its 3 items
    areas[0].setText(1, "文风会风方面")
    assert "8" in dialog.summary_label.text() and "36" in dialog.summary_label.text()
    assert dialog.do_import()
    assert depth_counts(office.campaign.id) == (8, 36)
    titles = [n.title for n, _ in catalog_tree(office.campaign.id)]
    assert dropped_title not in titles
    assert titles[0] == "文风会风方面"


def test_another_candidate_can_be_chosen(dialog, office):
    dialog.set_text(seed_path("001").read_text(encoding="utf-8"))
    assert dialog.tree.topLevelItemCount() == 7  # plan E's 整治重点, the best guess
    dialog.candidate_combo.setCurrentIndex(1)  # plan A's 整治重点: 4 areas, 6 items
    assert dialog.tree.topLevelItemCount() == 4
    assert dialog.do_import()
    assert depth_counts(office.campaign.id) == (4, 6)


def test_text_without_numbering_says_so(dialog):
    dialog.set_text("关于开展专项整治的通知\n请各单位高度重视，认真组织实施。")
    assert dialog.status_label.text() == _(
        "No numbered headings were found. The catalog is read from numbered lines such "
        "as “一、…”, “（一）…”, “1.…”; check that the numbering was pasted with the text."
    )
    assert not dialog.status_label.isHidden()
    assert dialog.tree.topLevelItemCount() == 0
    assert not dialog.import_button.isEnabled()
    assert not dialog.do_import()


def test_a_gbk_text_file_loads(dialog, tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes("一、整治重点\n（一）会议方面\n1.会多\n2.会长\n（二）文件方面\n3.文多\n".encode("gbk"))
    assert read_text_file(path).startswith("一、整治重点")
    dialog.load_file(path)
    assert dialog.tree.topLevelItemCount() == 2


def test_replacing_an_existing_catalog_asks_first(dialog, office, ctx, monkeypatch):
    catalog.add_node(ctx.session, office.campaign.id, None, "一、", "旧方面")
    dialog.set_text("一、会议方面\n1.会多\n二、文件方面\n2.文多\n")
    monkeypatch.setattr(dialog, "_confirm", lambda text: False)
    assert not dialog.do_import()
    assert [n.title for n, _ in catalog_tree(office.campaign.id)] == ["旧方面"]
    monkeypatch.setattr(dialog, "_confirm", lambda text: True)
    assert dialog.do_import()
    assert depth_counts(office.campaign.id) == (2, 2)


# -- the page ---------------------------------------------------------------------------------


@pytest.fixture
def page(ctx, qtbot, office):
    admin = ctx.session
    cid = office.campaign.id
    a = catalog.add_node(admin, cid, None, "一、", "文山会海方面")
    catalog.add_node(admin, cid, a.id, "1.", "会议过多")
    catalog.add_node(admin, cid, a.id, "2.", "文件过多")
    b = catalog.add_node(admin, cid, None, "二、", "督查检查方面")
    catalog.add_node(admin, cid, b.id, "3.", "检查过频")
    widget = CatalogPage(ctx)
    qtbot.addWidget(widget)
    return widget


def shown(page) -> list[tuple[str, str, str]]:
    out = []
    for area in top_items(page.tree):
        out.append((area.text(0), area.text(1), area.text(2)))
        for i in range(area.childCount()):
            item = area.child(i)
            out.append((item.text(0), item.text(1), item.text(2)))
    return out


def file_problem(office, node_id: int, text: str) -> None:
    create_problem(office.session("clerk"),
                   ProblemInput(office.campaign.id, office.unit.id, text, catalog_id=node_id))


def test_page_shows_the_tree_with_problem_counts(page, office, ctx):
    node = catalog_tree(office.campaign.id)[1][0]  # 会议过多
    file_problem(office, node.id, "一周开会十次")
    file_problem(office, node.id, "陪会多")
    ctx.changed("problem")
    assert shown(page) == [
        ("一、", "文山会海方面", "2"), ("1.", "会议过多", "2"), ("2.", "文件过多", "0"),
        ("二、", "督查检查方面", "0"), ("3.", "检查过频", "0"),
    ]


def test_deleting_a_used_area_is_refused_with_the_count(page, office, ctx, monkeypatch):
    node = catalog_tree(office.campaign.id)[2][0]  # 文件过多
    file_problem(office, node.id, "发文多")
    file_problem(office, node.id, "转发多")
    file_problem(office, node.id, "简报多")
    ctx.changed("problem")
    warnings = []
    monkeypatch.setattr("desktop.ui.common.QMessageBox.warning",
                        lambda parent, title, text: warnings.append(text))
    monkeypatch.setattr(page, "_confirm", lambda text: True)
    page.tree.setCurrentItem(page.tree.topLevelItem(0))
    assert not page.delete_selected()
    assert len(warnings) == 1 and "3" in warnings[0] and "文山会海方面" in warnings[0]
    assert len(shown(page)) == 5
    page.tree.setCurrentItem(page.tree.topLevelItem(1))  # unused: goes, with its item
    assert page.delete_selected()
    assert [row[1] for row in shown(page)] == ["文山会海方面", "会议过多", "文件过多"]


def test_add_edit_and_move_entries(page, office, monkeypatch):
    asked = []

    def answer(heading, label="", title=""):
        asked.append(label)
        return label, "新增表现"

    monkeypatch.setattr(page, "_ask_node", answer)
    page.tree.setCurrentItem(page.tree.topLevelItem(1))
    page.add_child()
    assert asked == ["4."]  # numbered on from the last item
    assert shown(page)[-1] == ("4.", "新增表现", "0")
    page.tree.setCurrentItem(page.tree.topLevelItem(0).child(0))
    page.add_sibling()
    assert asked[-1] == "2."
    assert [r[1] for r in shown(page)[:4]] == ["文山会海方面", "会议过多", "新增表现", "文件过多"]

    monkeypatch.setattr(page, "_ask_node", lambda heading, label="", title="": ("1.", "会多"))
    page.tree.setCurrentItem(page.tree.topLevelItem(0).child(0))
    assert page.edit_selected()
    assert shown(page)[1] == ("1.", "会多", "0")

    page.tree.setCurrentItem(page.tree.topLevelItem(1))
    assert page.up_button.isEnabled() and not page.down_button.isEnabled()
    assert page.move_selected(-1)
    assert [r[1] for r in shown(page) if r[0].endswith("、")] == ["督查检查方面", "文山会海方面"]
    assert page.selected_item().text(1) == "督查检查方面"  # the selection follows the move
    assert not page.up_button.isEnabled()


def test_non_admins_see_the_catalog_read_only(office, tmp_path, qtbot):
    catalog.add_node(office.session("admin"), office.campaign.id, None, "一、", "文山会海方面")
    page = CatalogPage(make_ctx(office, tmp_path, "clerk"))
    qtbot.addWidget(page)
    assert page.tree.topLevelItemCount() == 1
    assert page.import_button.isHidden() and page.delete_button.isHidden()
    assert not page.readonly_label.isHidden()
    page.tree.setCurrentItem(page.tree.topLevelItem(0))
    assert not page.edit_selected()
