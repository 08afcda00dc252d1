"""Editing a campaign's catalog (问题类别 / 整治重点): the tree of areas and items that problems
are filed under.

The catalog is usually imported from the plan's outline and then touched up by hand. Problems
point at its nodes, so a node that problems use is never removed (tombstoning it would leave
those problems filed under nothing); and a whole catalog is swapped for a new import only while
no problem has been filed under the old one yet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from peewee import fn

from desktop.core import records
from desktop.core.errors import ValidationError
from desktop.core.i18n import N_
from desktop.core.models import Campaign, CatalogNode, Problem, Role, database
from desktop.core.org import OutlineLike, import_catalog
from desktop.core.session import Session

LABEL_MAX = 20  # the column's declared width

_CN_NUMERALS = "一二三四五六七八九十"


@dataclass
class NodeDraft:
    """A catalog node as edited before import (the shape ``org.import_catalog`` takes)."""

    label: str
    title: str
    children: list[NodeDraft] = field(default_factory=list)


def _cn(n: int) -> str:
    if n <= 10:
        return _CN_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    lead = _CN_NUMERALS[tens - 1] if tens > 1 else ""
    return lead + "十" + (_CN_NUMERALS[ones - 1] if ones else "")


def _cn_value(numeral: str) -> int:
    """一 … 九十九 as a number; 0 for anything else."""
    digits = _CN_NUMERALS[:9]
    m = re.fullmatch(f"([{digits}])?(十)?([{digits}])?", numeral)
    if not numeral or m is None or (m[1] and m[3] and not m[2]):
        return 0
    if not m[2]:
        return digits.index(m[1] or m[3]) + 1
    return (digits.index(m[1]) + 1 if m[1] else 1) * 10 + (digits.index(m[3]) + 1 if m[3] else 0)


def suggest_label(depth: int, number: int, previous: str = "") -> str:
    """The label for a node added by hand: the one after ``previous`` (the sibling before it)
    in the same style, else what a plan prints for the ``number``-th node at ``depth``
    (0 = area): 一、 / （一） / 1. / （1）."""
    arabic = re.fullmatch(r"(\D*)(\d{1,2})(\D*)", previous)
    if arabic:
        return f"{arabic[1]}{int(arabic[2]) + 1}{arabic[3]}"
    chinese = re.fullmatch(rf"(\D*?)([{_CN_NUMERALS}]{{1,3}})(\D*)", previous)
    if chinese:
        value = _cn_value(chinese[2]) + 1
        if 1 < value < 100:
            return f"{chinese[1]}{_cn(value)}{chinese[3]}"
    if number < 1 or number > 99:
        return ""
    forms = (f"{_cn(number)}、", f"（{_cn(number)}）", f"{number}.", f"（{number}）")
    return forms[min(depth, len(forms) - 1)]


def _clean(label: str, title: str) -> tuple[str, str]:
    label, title = label.strip(), title.strip()
    if not title:
        raise ValidationError(N_("A catalog entry needs a title."))
    if len(label) > LABEL_MAX:
        raise ValidationError(
            N_("The number “{label}” is longer than {max} characters."), label=label, max=LABEL_MAX
        )
    return label, title


def _live_nodes(campaign_id: int) -> list[CatalogNode]:
    return list(
        CatalogNode.live()
        .where(CatalogNode.campaign == campaign_id)
        .order_by(CatalogNode.sort_order, CatalogNode.id)
    )


def _children(campaign_id: int, parent_id: int | None) -> list[CatalogNode]:
    return [n for n in _live_nodes(campaign_id) if n.parent_id == parent_id]


def _subtree_ids(node: CatalogNode) -> list[int]:
    by_parent: dict[int | None, list[int]] = {}
    for n in _live_nodes(node.campaign_id):
        by_parent.setdefault(n.parent_id, []).append(n.id)
    ids, todo = [], [node.id]
    while todo:
        current = todo.pop()
        ids.append(current)
        todo.extend(by_parent.get(current, []))
    return ids


def _problems_under(node_ids: Sequence[int]) -> int:
    if not node_ids:
        return 0
    return Problem.live().where(Problem.catalog.in_(list(node_ids))).count()


def _renumber(session: Session, siblings: Iterable[CatalogNode]) -> None:
    for order, sibling in enumerate(siblings):
        if sibling.sort_order != order:
            records.update(session, sibling, sort_order=order)


def _parent_in_campaign(parent_id: int | None, campaign_id: int) -> None:
    if parent_id is None:
        return
    parent = records.get_live(CatalogNode, parent_id)
    if parent.campaign_id != campaign_id:
        raise ValidationError(N_("The catalog item belongs to another campaign."))


# -- services ------------------------------------------------------------------------------------


def add_node(
    session: Session, campaign_id: int, parent_id: int | None, label: str, title: str,
    index: int | None = None,
) -> CatalogNode:
    """A new node under ``parent_id`` (None: a new area), last or at ``index`` among siblings."""
    session.require(Role.ADMIN)
    label, title = _clean(label, title)
    with database.atomic():
        records.get_live(Campaign, campaign_id)
        _parent_in_campaign(parent_id, campaign_id)
        siblings = _children(campaign_id, parent_id)
        at = len(siblings) if index is None else max(0, min(index, len(siblings)))
        node = records.create(
            session, CatalogNode, campaign=campaign_id, parent=parent_id, label=label,
            title=title, sort_order=at,
        )
        _renumber(session, [*siblings[:at], node, *siblings[at:]])
        return node


def update_node(
    session: Session, node_id: int, label: str, title: str, expected_version: int | None = None
) -> CatalogNode:
    session.require(Role.ADMIN)
    label, title = _clean(label, title)
    with database.atomic():
        node = records.get_live(CatalogNode, node_id)
        records.update(session, node, expected_version=expected_version, label=label, title=title)
        return node


def move_node(
    session: Session, node_id: int, new_parent_id: int | None, new_index: int
) -> CatalogNode:
    """Put a node (with its subtree) at ``new_index`` among the children of ``new_parent_id``."""
    session.require(Role.ADMIN)
    with database.atomic():
        node = records.get_live(CatalogNode, node_id)
        _parent_in_campaign(new_parent_id, node.campaign_id)
        if new_parent_id is not None and new_parent_id in _subtree_ids(node):
            raise ValidationError(
                N_("A catalog entry cannot be moved under itself or one of its own entries.")
            )
        old_parent_id = node.parent_id
        siblings = [n for n in _children(node.campaign_id, new_parent_id) if n.id != node.id]
        at = max(0, min(new_index, len(siblings)))
        if old_parent_id != new_parent_id:
            records.update(session, node, parent=new_parent_id)
            _renumber(session, _children(node.campaign_id, old_parent_id))
        siblings.insert(at, node)
        _renumber(session, siblings)
        return node


def delete_node(session: Session, node_id: int) -> int:
    """Tombstone a node and everything under it; returns how many nodes went.

    Refused while live problems are filed under any of them: those problems would lose their
    category, and the statistics per area would silently drop them."""
    session.require(Role.ADMIN)
    with database.atomic():
        node = records.get_live(CatalogNode, node_id)
        ids = _subtree_ids(node)
        used = _problems_under(ids)
        if used:
            raise ValidationError(
                N_(
                    "“{title}” cannot be deleted: {count} problem(s) are filed under it. "
                    "Move them to another category first."
                ),
                title=node.title,
                count=used,
            )
        for row in CatalogNode.select().where(CatalogNode.id.in_(ids)):
            records.tombstone(session, row)
        _renumber(session, _children(node.campaign_id, node.parent_id))
        return len(ids)


def replace_catalog(
    session: Session, campaign_id: int, roots: Iterable[OutlineLike]
) -> list[CatalogNode]:
    """Swap the campaign's catalog for an imported (and edited) outline, whole or not at all."""
    session.require(Role.ADMIN)
    roots = list(roots)
    if not roots:
        raise ValidationError(N_("The outline to import has no entries."))
    with database.atomic():
        existing = _live_nodes(campaign_id)
        used = _problems_under([n.id for n in existing])
        if used:
            raise ValidationError(
                N_(
                    "The campaign's catalog is already in use by {count} problem(s); "
                    "edit it entry by entry instead of replacing it."
                ),
                count=used,
            )
        _check_outline(roots)
        for row in existing:
            records.tombstone(session, row)
        return import_catalog(session, campaign_id, roots)


def _check_outline(nodes: Iterable[OutlineLike]) -> None:
    for node in nodes:
        _clean(node.label, node.title)
        _check_outline(node.children)


# -- reads ---------------------------------------------------------------------------------------


def problem_counts(campaign_id: int) -> dict[int, int]:
    """node id → live problems filed under the node or any node below it (every live node
    appears, with 0 when unused)."""
    nodes = _live_nodes(campaign_id)
    counts = {n.id: 0 for n in nodes}
    parent = {n.id: n.parent_id for n in nodes}
    direct = (
        Problem.select(Problem.catalog, fn.COUNT(Problem.id).alias("n"))
        .where(
            (Problem.campaign == campaign_id)
            & Problem.deleted_at.is_null()
            & Problem.catalog.is_null(False)
        )
        .group_by(Problem.catalog)
        .tuples()
    )
    for node_id, n in direct:
        current = node_id if node_id in counts else None
        while current is not None:
            counts[current] += n
            current = parent.get(current)
    return counts
