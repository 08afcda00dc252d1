"""Outline parser: the numbered headings of a campaign plan (实施方案) as a tree.

A campaign's catalog (整治重点: areas 方面 and items 具体表现) is printed in its plan as a numbered
outline — 一、 / （一） / 1. / （1） / ① — and clerks should not have to retype it. Real plans are
typed in Word/WPS by many hands, so the parser is deliberately forgiving about *form* and strict
about *sequence*:

* A marker's level comes from its style in the order the styles first appear nested, not from a
  fixed table, because plans skip levels (一、 then 1.) and mix half-width variants (``(一)``,
  ``1、``, ``1）``). Labels are normalised to the canonical full-width form for display.
* A marker is accepted only where its number fits: the next sibling (one missing number is
  forgiven as a typo), 1 under a new heading, or the continuation of numbering that runs across
  headings (items 1–5 under （一）, 6–10 under （二）). Anything else is text, which kills dates,
  amounts ("1.5万") and stray numbers.
* A top-level sequence restarting at 1 starts a new *section* (a summary list followed by the
  full text, or several plans pasted into one file); 附件 lines start an attachment node. A lower
  level restarting at 1 under the same heading means a heading was lost (mid-line or omitted),
  so that run is kept as text rather than grafted onto the wrong parent.
* "（一）某方面。1.具体表现" and "1.责任单位：X2.完成时限：Y" are split into nodes, but only
  right after a title terminator or for the very next sibling number, never on a bare mid-line
  number.

Stdlib only; no Qt. ``parse_outline`` → roots; ``find_catalog`` → the likely catalog subtree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = [
    "OutlineNode",
    "catalog_candidates",
    "catalog_counts",
    "find_catalog",
    "format_tree",
    "iter_nodes",
    "outline_json",
    "parse_outline",
    "to_dict",
]

ATTACHMENT = "附件"
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "一二三四五六七八九十百零〇两"
# Canonical rank of each style; styles of equal rank are variants of one another and may stand
# in for each other in a running sequence ("1." … "2、" … "3.").
_RANK = {"一、": 1, "（一）": 2, "1.": 3, "1、": 3, "1）": 3, "（1）": 4, "①": 5}
_TERMINATORS = "。：:"
_STRIP = " \t\u3000\xa0\ufeff"
# Full-width digits are matched as ASCII; the translation keeps string offsets unchanged.
_FW_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

_RE_CN_PAREN = re.compile(rf"[（(]\s*([{_CN}]{{1,4}})\s*[）)][、.．]?")
_RE_AR_PAREN = re.compile(r"[（(]\s*(\d{1,3})\s*[）)][、.．]?")
_RE_CN_DUN = re.compile(rf"([{_CN}]{{1,4}})\s*[、.．](?!\d)")
_RE_AR = re.compile(r"(\d{1,3})\s*([.．、)）])(?!\d)")
_RE_SPECIAL = re.compile(r"[①-⑳㉑-㉟⑴-⒇⒈-⒛][、.．]?")
_RE_ATTACHMENT = re.compile(
    rf"{ATTACHMENT}\s*(\d{{1,3}}|[一二三四五六七八九十]{{1,3}})?\s*([:：.．、])?\s*(.*)")

# Titles that name a catalog section, strongest evidence first; and words that mark an area.
CATALOG_WORDS = ("整治重点", "治理重点", "整治内容", "治理内容", "主要内容", "重点任务",
                 "具体表现", "主要表现", "查摆重点")
AREA_WORDS = ("方面", "问题", "围绕")


@dataclass
class OutlineNode:
    """One numbered heading or item.

    ``text`` is everything the item says (title included, wrapped lines joined with newlines;
    items split off the same line keep their own text); ``title`` is its short heading. ``section`` counts restarted sequences and attachments so a
    caller can tell a summary list from the full text that repeats it.
    """

    label: str
    title: str
    text: str
    children: list[OutlineNode] = field(default_factory=list)
    number: int = 0
    style: str = ""
    line_no: int = 0
    section: int = 0


@dataclass(frozen=True)
class _Marker:
    style: str
    number: int
    label: str
    end: int  # offset just past the marker (and any spaces after it)


def _cn_int(numeral: str) -> int:
    total = current = 0
    for ch in numeral:
        if ch in "十百":
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
        else:
            current = _CN_DIGITS[ch]
    return total + current


def _special(ch: str) -> tuple[str, int]:
    code = ord(ch)
    if "①" <= ch <= "⑳":
        return "①", code - ord("①") + 1
    if "㉑" <= ch <= "㉟":
        return "①", code - ord("㉑") + 21
    if "⑴" <= ch <= "⒇":
        return "（1）", code - ord("⑴") + 1
    return "1.", code - ord("⒈") + 1


def _match_marker(view: str, pos: int = 0) -> _Marker | None:
    """The numbering marker starting exactly at ``pos`` of ``view`` (full-width digits mapped)."""
    m = _RE_CN_PAREN.match(view, pos)
    if m:
        style, n, label = "（一）", _cn_int(m[1]), f"（{m[1]}）"
    elif m := _RE_AR_PAREN.match(view, pos):
        style, n, label = "（1）", int(m[1]), f"（{int(m[1])}）"
    elif m := _RE_CN_DUN.match(view, pos):
        style, n, label = "一、", _cn_int(m[1]), f"{m[1]}、"
    elif m := _RE_AR.match(view, pos):
        style = {"、": "1、", ")": "1）", "）": "1）"}.get(m[2], "1.")
        n, label = int(m[1]), f"{int(m[1])}."
    elif m := _RE_SPECIAL.match(view, pos):
        style, n = _special(m[0][0])
        label = {"①": m[0][0], "（1）": f"（{n}）"}.get(style, f"{n}.")
    else:
        return None
    if n < 1:
        return None
    end = m.end()
    while end < len(view) and view[end] in _STRIP:
        end += 1
    return _Marker(style, n, label, end)


def _title(text: str) -> str:
    """Text up to the first 。/： when the text goes on after it, else the whole text."""
    for i, ch in enumerate(text):
        if ch in _TERMINATORS and text[i + 1:].strip(_STRIP):
            return text[:i].strip(_STRIP)
    return text.strip(_STRIP).rstrip("。：:；;，,").strip(_STRIP)


def _first_terminator(text: str) -> int:
    return next((i for i, ch in enumerate(text) if ch in _TERMINATORS), -1)


class _Section:
    """Parsing state of one numbering sequence: styles seen, open path, counters."""

    def __init__(self, container: OutlineNode | None) -> None:
        self.container = container      # attachment node, or None for the root list
        self.order: list[str] = []      # styles, shallowest first
        self.stack: list[OutlineNode] = []
        self.last_num: dict[str, int] = {}
        self.ghost: dict[str, int] = {}  # style → last number of a run kept as text
        self.alias: dict[str, str] = {}  # variant style → the style whose sequence it joined

    def kind(self, style: str) -> str:
        return self.alias.get(style, style)

    def level(self, style: str) -> int:
        return self.order.index(self.kind(style))

    def open_node(self, style: str) -> OutlineNode | None:
        return next((n for n in self.stack if self.kind(n.style) == style), None)


class _Parser:
    """Line-by-line state machine; each line is an attachment boundary, a marker or text."""

    def __init__(self) -> None:
        self.roots: list[OutlineNode] = []
        self.section = 0
        self.ctx = _Section(None)

    # -- sections ---------------------------------------------------------------------------
    def _new_section(self, container: OutlineNode | None) -> None:
        if self.ctx.order or self.ctx.container is not None:
            self.section += 1
        self.ctx = _Section(container)

    def _attachment(self, line: str, no: int) -> bool:
        m = _RE_ATTACHMENT.fullmatch(line)
        if not m:
            return False
        num, colon, rest = m[1] or "", m[2], m[3].strip(_STRIP)
        if rest and not ((num or colon) and len(rest) <= 50 and "。" not in rest):
            return False
        if rest and _match_marker(rest.translate(_FW_DIGITS)):
            return False  # "附件：1.xxx" lists the attachments; it is not one
        number = (int(num) if num.isdigit() else _cn_int(num)) if num else 1
        node = OutlineNode(f"{ATTACHMENT}{num}", rest, rest, number=number, style=ATTACHMENT,
                           line_no=no)
        self._new_section(node)
        node.section = self.section
        self.roots.append(node)
        return True

    # -- placing markers --------------------------------------------------------------------
    def _attach(self, m: _Marker, level: int, no: int, rest: str) -> None:
        ctx = self.ctx
        ctx.stack = [n for n in ctx.stack if ctx.level(n.style) < level]
        parent = ctx.stack[-1] if ctx.stack else ctx.container
        node = OutlineNode(m.label, "", "", number=m.number, style=m.style, line_no=no,
                           section=self.section)
        (parent.children if parent is not None else self.roots).append(node)
        ctx.stack.append(node)
        ctx.last_num[ctx.kind(m.style)] = m.number
        for style in [s for s in ctx.ghost if s in ctx.order and ctx.level(s) >= level]:
            del ctx.ghost[style]
        self._fill(node, rest, no)

    def _new_style(self, style: str) -> int:
        """Put a first-seen style just below the deepest open heading."""
        ctx = self.ctx
        at = ctx.level(ctx.stack[-1].style) + 1 if ctx.stack else 0
        ctx.order.insert(at, style)
        return at

    def _line_marker(self, m: _Marker, no: int, line: str) -> bool:
        """Place a marker found at the start of a line; False means the line is plain text."""
        ctx, n = self.ctx, m.number
        s = ctx.kind(m.style)
        rest = line[m.end:]
        if s in ctx.order:
            if ctx.ghost.get(s) == n - 1:  # still inside a run already judged to be text
                ctx.ghost[s] = n
                return False
            prev = ctx.open_node(s)
            level = ctx.level(s)
            if prev is not None:
                if n == 1 and level == 0:
                    self._new_section(None)
                    self._attach(m, self._new_style(m.style), no, rest)
                    return True
                if n == 1:
                    ctx.ghost[s] = 1
                    return False
                if n not in (prev.number + 1, prev.number + 2):  # +2: one number mistyped
                    return False
            elif n != 1 and n != ctx.last_num.get(s, -9) + 1:
                return False
            self._attach(m, level, no, rest)
            return True
        for node in reversed(ctx.stack):  # a variant style continuing an open sequence
            if _RANK.get(node.style) == _RANK.get(s) and n == node.number + 1:
                ctx.alias[s] = ctx.kind(node.style)
                self._attach(m, ctx.level(node.style), no, rest)
                return True
        if n != 1:
            return False
        self._attach(m, self._new_style(s), no, rest)
        return True

    def _child_level(self, m: _Marker, parent: OutlineNode) -> int | None:
        """Level for a marker right after the parent's title on the same line, if a child."""
        ctx = self.ctx
        style = ctx.kind(m.style)
        if style not in ctx.order:
            return self._new_style(style) if m.number == 1 else None
        if ctx.level(style) <= ctx.level(parent.style):
            return None
        if m.number in (1, ctx.last_num.get(style, -9) + 1):
            return ctx.level(style)
        return None

    def _fill(self, node: OutlineNode, rest: str, no: int) -> None:
        """Set title/text from the rest of the line, splitting same-line children/siblings."""
        view = rest.translate(_FW_DIGITS)
        cut = _first_terminator(rest)
        if cut >= 0:
            after = cut + 1
            while after < len(rest) and rest[after] in _STRIP:
                after += 1
            child = _match_marker(view, after)
            if child and rest[child.end:].strip(_STRIP):
                level = self._child_level(child, node)
                if level is not None:
                    self._set_text(node, rest[:after])
                    self._attach(child, level, no, rest[child.end:])
                    return
            for i in range(after, len(view)):
                if i and (view[i - 1].isascii() and view[i - 1].isalnum() or view[i - 1] in ".．"):
                    continue
                sib = _match_marker(view, i)
                if (sib and self.ctx.kind(sib.style) == self.ctx.kind(node.style)
                        and sib.number == node.number + 1
                        and rest[sib.end:].strip(_STRIP)):
                    self._set_text(node, rest[:i])
                    self._attach(sib, self.ctx.level(node.style), no, rest[sib.end:])
                    return
        self._set_text(node, rest)

    @staticmethod
    def _set_text(node: OutlineNode, text: str) -> None:
        node.text = text.strip(_STRIP)
        node.title = _title(node.text)

    # -- lines ------------------------------------------------------------------------------
    def _continue(self, line: str) -> None:
        ctx = self.ctx
        node = ctx.stack[-1] if ctx.stack else ctx.container
        if node is None:
            return  # preamble before the first marker: not part of the outline
        node.text = f"{node.text}\n{line}" if node.text else line
        if not node.title:
            node.title = _title(line)

    def feed(self, raw: str, no: int) -> None:
        line = raw.strip(_STRIP)
        if not line or self._attachment(line, no):
            return
        m = _match_marker(line.translate(_FW_DIGITS))
        if m is None or not self._line_marker(m, no, line):
            self._continue(line)

    def finish(self) -> list[OutlineNode]:
        return [r for r in self.roots if r.style != ATTACHMENT or r.children]


def parse_outline(text: str) -> list[OutlineNode]:
    """Parse plan text into its top-level nodes, in order (sections and attachments flattened;
    see ``OutlineNode.section``). Attachments are nodes labelled 附件…, holding their outline."""
    parser = _Parser()
    for no, raw in enumerate(text.splitlines(), 1):
        parser.feed(raw, no)
    return parser.finish()


def iter_nodes(nodes: list[OutlineNode]) -> Iterator[OutlineNode]:
    """Every node, depth first, in document order."""
    for node in nodes:
        yield node
        yield from iter_nodes(node.children)


# -- catalog ------------------------------------------------------------------------------------

def catalog_counts(node: OutlineNode) -> tuple[int, int]:
    """(areas, items): the node's children and, in total, their children."""
    return len(node.children), sum(len(area.children) for area in node.children)


def _score(node: OutlineNode) -> tuple[int, ...] | None:
    if len(node.children) < 2:
        return None
    if any(word in node.title for word in CATALOG_WORDS):
        strength = 2
    elif (any(c.children for c in node.children)
          and sum(any(w in c.title for w in AREA_WORDS) for c in node.children) * 2
          >= len(node.children)):
        strength = 1
    else:
        return None
    areas, items = catalog_counts(node)
    size = sum(len(n.text) for n in iter_nodes(node.children))
    return strength, int(items > 0), items, areas, size


def catalog_candidates(roots: list[OutlineNode]) -> list[OutlineNode]:
    """Subtrees that look like a catalog (areas with items), most likely first.

    A plan often names its catalog in the body (四、整治重点) and spells it out elsewhere (the
    attachment), or repeats it (summary then full text); we prefer a titled section, then the
    one with items, then the fuller one. A bare list of areas at the top of a section (an
    attachment pasted alone) is offered as an untitled node holding those roots.
    """
    pool = list(iter_nodes(roots))
    sections: dict[int, list[OutlineNode]] = {}
    for root in roots:
        if root.style != ATTACHMENT:
            sections.setdefault(root.section, []).append(root)
    for section, nodes in sections.items():
        pool.append(OutlineNode("", "", "", list(nodes), style="section",
                                line_no=nodes[0].line_no, section=section))
    scored = [(score, i, n) for i, n in enumerate(pool) if (score := _score(n)) is not None]
    scored.sort(key=lambda t: (tuple(-x for x in t[0]), t[1]))
    return [n for _, _, n in scored]


def find_catalog(roots: list[OutlineNode]) -> OutlineNode | None:
    """The most likely catalog subtree: its children are the areas (方面), theirs the items."""
    candidates = catalog_candidates(roots)
    return candidates[0] if candidates else None


# -- output -------------------------------------------------------------------------------------

def to_dict(node: OutlineNode) -> dict:
    """JSON-ready form of a node and its subtree."""
    return {
        "label": node.label,
        "title": node.title,
        "text": node.text,
        "line_no": node.line_no,
        "section": node.section,
        "children": [to_dict(c) for c in node.children],
    }


def outline_json(text: str) -> list[dict]:
    """``rectify outline FILE --json``: the parsed outline as plain lists and dicts."""
    return [to_dict(root) for root in parse_outline(text)]


def format_tree(roots: list[OutlineNode], width: int = 60) -> str:
    """An indented, human-readable tree; sections are separated by a blank line."""
    lines: list[str] = []

    def walk(node: OutlineNode, depth: int) -> None:
        title = node.title if len(node.title) <= width else node.title[: width - 1] + "…"
        gap = " " if node.label[-1:].isascii() or node.style == ATTACHMENT else ""
        lines.append(f"{'  ' * depth}{node.label}{gap}{title}".rstrip())
        for child in node.children:
            walk(child, depth + 1)

    previous = None
    for root in roots:
        if previous is not None and root.section != previous:
            lines.append("")
        previous = root.section
        walk(root, 0)
    return "\n".join(lines)
