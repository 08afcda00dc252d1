"""Names typed in spreadsheet cells resolved to the office's records: units (by name or short
name), people, and the areas of a campaign's catalog.

A typed name must match one record exactly (after spaces and full-width forms are evened
out); a name that fits several records is ``Ambiguous`` rather than silently the first, because
a problem filed under the wrong 办公室 is worse than a question to the clerk. Shared by pasting
rows and by importing hand-made ledgers.
"""

from __future__ import annotations

import re

from desktop.core.cell_values import compact
from desktop.core.models import Person, Unit
from desktop.core.org import catalog_tree


class Ambiguous(Exception):
    """The typed name fits more than one record."""


def _name_key(text: str) -> str:
    return compact(text).rstrip("。.;；")


class _Lookup:
    """Exact names (by compacted text) to ids; a name shared by several records is
    ambiguous rather than silently the first."""

    def __init__(self) -> None:
        self._ids: dict[str, set[int]] = {}

    def add(self, name: str, record_id: int) -> None:
        key = _name_key(name)
        if key:
            self._ids.setdefault(key, set()).add(record_id)

    def find(self, text: str) -> int | None:
        ids = self._ids.get(_name_key(text), set())
        if len(ids) > 1:
            raise Ambiguous(text)
        return next(iter(ids), None)


_LABEL_PREFIX = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.]|\([一二三四五六七八九十]{1,3}\)|\d{1,2}[.、)]|\(\d{1,2}\)"
    r"|[①-⑳])"
)


class Resolver:
    """Names typed in cells → units, people and catalog areas of the campaign, loaded once per
    preview (a paste has tens of rows, each naming the same few units)."""

    def __init__(self, campaign_id: int | None) -> None:
        self.units = _Lookup()
        for unit in Unit.live():
            self.units.add(unit.name, unit.id)
            if unit.short_name:
                self.units.add(unit.short_name, unit.id)
        self.people: dict[str, list[Person]] = {}
        for person in Person.live():
            self.people.setdefault(_name_key(person.name), []).append(person)
        self.catalog = _Lookup()
        self._titles: list[tuple[str, int]] = []
        if campaign_id is not None:
            for node, _depth in catalog_tree(campaign_id):
                self.catalog.add(node.title, node.id)
                self.catalog.add(node.label + node.title, node.id)
                self._titles.append((_name_key(node.title), node.id))

    def unit(self, text: str) -> int | None:
        return self.units.find(text)

    def person(self, text: str, unit_id: int | None) -> int | None:
        found = self.people.get(_name_key(text), [])
        if len(found) > 1 and unit_id is not None:
            found = [p for p in found if p.unit_id == unit_id] or found
        if len(found) > 1:
            raise Ambiguous(text)
        return found[0].id if found else None

    def catalog_node(self, text: str) -> int | None:
        """By title, by label and title ("（一）文风会风方面"), by title after any numbering
        the cell carries, or by the one title the cell begins."""
        for candidate in (text, _LABEL_PREFIX.sub("", compact(text))):
            found = self.catalog.find(candidate)
            if found is not None:
                return found
        key = _name_key(_LABEL_PREFIX.sub("", compact(text)))
        if len(key) < 2:
            return None
        matches = {node_id for title, node_id in self._titles if title.startswith(key)}
        if len(matches) > 1:
            raise Ambiguous(text)
        return next(iter(matches), None)
