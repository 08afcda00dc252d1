"""Editing a campaign's catalog: the tree stays consistent, used entries are protected, every
change is audited, and a pasted plan imports whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core import catalog
from desktop.core.errors import ConcurrentEdit, PermissionDenied, ValidationError
from desktop.core.models import AuditEvent, CatalogNode
from desktop.core.org import catalog_tree
from desktop.core.outline import find_catalog, parse_outline
from desktop.core.problems import ProblemInput, create_problem, delete_problem

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def seed_text(prefix: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"seed plans not found at {SEEDS}")
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"seed {prefix} not found in {SEEDS}")
    return matches[0].read_text(encoding="utf-8")


def tree(campaign_id: int) -> list[tuple[int, str, str]]:
    return [(depth, n.label, n.title) for n, depth in catalog_tree(campaign_id)]


def file_problem(office, node_id: int, text: str = "会议多、文件多") -> int:
    data = ProblemInput(office.campaign.id, office.unit.id, text, catalog_id=node_id)
    return create_problem(office.session("clerk"), data).id


@pytest.fixture
def admin(office):
    return office.session("admin")


@pytest.fixture
def small(office, admin):
    """一、 with two items, 二、 with one."""
    cid = office.campaign.id
    a = catalog.add_node(admin, cid, None, "一、", "文山会海方面")
    b = catalog.add_node(admin, cid, None, "二、", "督查检查方面")
    a1 = catalog.add_node(admin, cid, a.id, "1.", "会议过多")
    a2 = catalog.add_node(admin, cid, a.id, "2.", "文件过多")
    b1 = catalog.add_node(admin, cid, b.id, "3.", "检查过频")
    return {"a": a, "b": b, "a1": a1, "a2": a2, "b1": b1}


def test_nodes_are_added_in_order_and_audited(office, small):
    assert tree(office.campaign.id) == [
        (0, "一、", "文山会海方面"), (1, "1.", "会议过多"), (1, "2.", "文件过多"),
        (0, "二、", "督查检查方面"), (1, "3.", "检查过频"),
    ]
    created = AuditEvent.select().where(
        (AuditEvent.entity == "catalog_node") & (AuditEvent.action == "create")
    )
    assert created.count() == 5
    assert {e.user_name for e in created} == {"admin-用户"}


def test_insert_at_an_index_shifts_the_siblings(office, admin, small):
    catalog.add_node(admin, office.campaign.id, small["a"].id, "1.", "调研扎堆", index=0)
    assert [t for d, _, t in tree(office.campaign.id) if d == 1][:3] == [
        "调研扎堆", "会议过多", "文件过多"]


def test_only_the_admin_edits_the_catalog(office, small):
    clerk = office.session("clerk")
    with pytest.raises(PermissionDenied):
        catalog.add_node(clerk, office.campaign.id, None, "三、", "其他")
    with pytest.raises(PermissionDenied):
        catalog.delete_node(clerk, small["a1"].id)
    assert len(tree(office.campaign.id)) == 5


def test_a_title_is_required_and_the_label_fits(office, admin):
    with pytest.raises(ValidationError) as refused:
        catalog.add_node(admin, office.campaign.id, None, "一、", "   ")
    assert "needs a title" in refused.value.message("en")
    with pytest.raises(ValidationError):
        catalog.add_node(admin, office.campaign.id, None, "一" * 21, "过长的编号")


def test_update_changes_text_and_refuses_a_stale_copy(office, admin, small):
    node = small["a1"]
    catalog.update_node(admin, node.id, "1.", "会议过多过长", expected_version=node.version)
    assert CatalogNode.get_by_id(node.id).title == "会议过多过长"
    with pytest.raises(ConcurrentEdit):
        catalog.update_node(admin, node.id, "1.", "又改", expected_version=node.version - 1)
    assert CatalogNode.get_by_id(node.id).title == "会议过多过长"


def test_move_within_and_across_parents(office, admin, small):
    cid = office.campaign.id
    catalog.move_node(admin, small["a2"].id, small["a"].id, 0)
    assert [t for _, _, t in tree(cid)][:3] == ["文山会海方面", "文件过多", "会议过多"]
    catalog.move_node(admin, small["a1"].id, small["b"].id, 5)  # beyond the end: last
    assert tree(cid) == [
        (0, "一、", "文山会海方面"), (1, "2.", "文件过多"),
        (0, "二、", "督查检查方面"), (1, "3.", "检查过频"), (1, "1.", "会议过多"),
    ]
    catalog.move_node(admin, small["b"].id, None, 0)  # an area with its items
    assert [t for d, _, t in tree(cid) if d == 0] == ["督查检查方面", "文山会海方面"]
    assert [t for d, _, t in tree(cid)][:3] == ["督查检查方面", "检查过频", "会议过多"]


def test_move_refuses_a_cycle(office, admin, small):
    with pytest.raises(ValidationError) as refused:
        catalog.move_node(admin, small["a"].id, small["a1"].id, 0)
    assert "under itself" in refused.value.message("en")
    with pytest.raises(ValidationError):
        catalog.move_node(admin, small["a"].id, small["a"].id, 0)
    assert tree(office.campaign.id)[1] == (1, "1.", "会议过多")


def test_delete_refused_while_problems_use_the_subtree(office, admin, small):
    file_problem(office, small["a1"].id)
    file_problem(office, small["a2"].id, "材料报送过多")
    with pytest.raises(ValidationError) as refused:
        catalog.delete_node(admin, small["a"].id)
    assert refused.value.params["count"] == 2
    assert "2 problem(s)" in refused.value.message("en")
    assert len(tree(office.campaign.id)) == 5


def test_delete_tombstones_the_subtree_once_unused(office, admin, small):
    problem = file_problem(office, small["a1"].id)
    delete_problem(office.session("clerk"), problem)  # a deleted draft no longer counts
    assert catalog.delete_node(admin, small["a"].id) == 3
    assert tree(office.campaign.id) == [(0, "二、", "督查检查方面"), (1, "3.", "检查过频")]
    assert CatalogNode.get_by_id(small["a1"].id).deleted_at is not None
    assert CatalogNode.get_by_id(small["b"].id).sort_order == 0


def test_problem_counts_include_descendants(office, small):
    file_problem(office, small["a1"].id)
    file_problem(office, small["a1"].id, "陪会多")
    file_problem(office, small["a"].id, "方面本身")
    counts = catalog.problem_counts(office.campaign.id)
    assert counts[small["a1"].id] == 2
    assert counts[small["a2"].id] == 0
    assert counts[small["a"].id] == 3
    assert counts[small["b"].id] == 0


def test_replace_imports_seed_000_catalog(office, admin):
    heading = find_catalog(parse_outline(seed_text("000")))
    created = catalog.replace_catalog(admin, office.campaign.id, heading.children)
    assert len(created) == 49
    rows = tree(office.campaign.id)
    assert sum(1 for d, _, _ in rows if d == 0) == 9
    assert sum(1 for d, _, _ in rows if d == 1) == 40
    assert rows[0][1] == "一、"


def test_replace_swaps_an_unused_catalog_whole(office, admin, small):
    new = [catalog.NodeDraft("一、", "新方面", [catalog.NodeDraft("1.", "新表现")])]
    catalog.replace_catalog(admin, office.campaign.id, new)
    assert tree(office.campaign.id) == [(0, "一、", "新方面"), (1, "1.", "新表现")]
    assert CatalogNode.get_by_id(small["b1"].id).deleted_at is not None


def test_replace_refused_when_problems_use_the_catalog(office, admin, small):
    file_problem(office, small["b1"].id)
    with pytest.raises(ValidationError) as refused:
        catalog.replace_catalog(admin, office.campaign.id, [catalog.NodeDraft("一、", "新")])
    assert refused.value.params["count"] == 1
    assert len(tree(office.campaign.id)) == 5


def test_replace_lands_whole_or_not_at_all(office, admin, small):
    bad = [catalog.NodeDraft("一、", "好的"), catalog.NodeDraft("二、", "", [])]
    with pytest.raises(ValidationError):
        catalog.replace_catalog(admin, office.campaign.id, bad)
    assert len(tree(office.campaign.id)) == 5
    with pytest.raises(ValidationError):
        catalog.replace_catalog(admin, office.campaign.id, [])


@pytest.mark.parametrize(
    ("depth", "number", "previous", "label"),
    [(0, 1, "", "一、"), (0, 12, "", "十二、"), (0, 20, "", "二十、"), (1, 3, "", "（三）"),
     (2, 7, "", "7."), (3, 2, "", "（2）"), (5, 2, "", "（2）"),
     (1, 2, "3.", "4."), (2, 1, "（九）", "（十）"), (0, 5, "十一、", "十二、"),
     (0, 5, "二十九、", "三十、"), (1, 2, "(9)", "(10)"), (1, 2, "一一、", "（二）")],
)
def test_suggested_labels_follow_the_plan_style(depth, number, previous, label):
    assert catalog.suggest_label(depth, number, previous) == label
