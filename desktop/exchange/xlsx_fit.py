"""How tall a wrapped cell must be, and streamed cells made cheaply: what any workbook this
program writes for people to print needs.

LibreOffice and WPS do not grow rows to fit wrapped text in a file they did not lay out
themselves, and Excel does so only when a row is edited, so a writer must set each row's height
itself. The height is estimated from the text: lines per cell from the column's width in
characters of the default font (Calibri 11, seven pixels a digit, as Excel measures columns),
where a Chinese character takes two; the estimate errs on the tall side, since a clipped line
is worse on paper than a little white space.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from copy import copy
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.xml import LXML

DEFAULT_SIZE = 10.5  # 五号: the usual size of table text
LINE_FACTOR = 1.3  # line height / font size, generous for the fonts LibreOffice substitutes
ROW_PADDING = 6.0  # points above and below the text of a cell
MIN_ROW, MAX_ROW = 20.0, 409.0  # points; 409 is Excel's largest row height
DIGIT_PX = 7  # the default font's digit width: one unit of column width


TOKENS = re.compile(r"[!-~]+| +|[^!-~ ]")  # Latin words, spaces, single other characters
LATIN_RUN = re.compile(r"[!-~]{2}")


def text_units(text: str) -> int:
    """Width in half-width characters: ASCII counts one, everything else (Chinese) two."""
    return 2 * len(text) - len(text.encode("ascii", "ignore"))


def _wrapped(line: str, capacity: float) -> int:
    """Lines of a greedy wrap that breaks between Chinese characters and at spaces, and
    moves a Latin word (or a date, a number) to the next line whole, as Excel does."""
    lines, used = 1, 0.0
    for token in TOKENS.findall(line):
        # a longer token is all ASCII (a word or spaces); a single one may be Chinese
        width = len(token) if len(token) > 1 or token < "\x80" else 2
        if token.isspace():
            used = min(capacity, used + width)  # trailing spaces hang in the margin
        elif used + width <= capacity:
            used += width
        elif width <= capacity:
            lines, used = lines + 1, width
        else:  # longer than a line: broken anywhere
            pieces = math.ceil(width / capacity)
            lines += (used > 0) + pieces - 1
            used = width - (pieces - 1) * capacity
    return lines


def line_count(text: str, width: float, size: float = DEFAULT_SIZE) -> int:
    """Lines ``text`` wraps to in a column ``width`` characters wide, in a font of ``size``
    points. A little room is kept for padding and for the punctuation that may not start a
    line."""
    half_px = size * 96 / 72 / 2  # a half-width character at this size, in pixels
    capacity = max(2.0, (width * DIGIT_PX - 6) / half_px * 0.95)
    count = 0
    for line in text.split("\n"):
        units = text_units(line)
        if units <= capacity:
            count += 1
        elif not LATIN_RUN.search(line):
            count += math.ceil(units / capacity)
        else:
            count += _wrapped(line, capacity)
    return count


def text_height(text: str, width: float, size: float = DEFAULT_SIZE) -> float:
    if not text:
        return MIN_ROW
    return line_count(text, width, size) * size * LINE_FACTOR + ROW_PADDING


def spread(needed: float, heights: list[float]) -> list[float]:
    """Row heights at least ``heights`` that together give ``needed`` (a merged cell's
    height), the extra going where rows have most room; more rows are added when even
    Excel's largest rows would not do."""
    heights = list(heights)
    while True:
        deficit = needed - sum(heights)
        if deficit <= 0.01:
            return heights
        room = sum(MAX_ROW - h for h in heights)
        if room >= deficit:
            return [h + deficit * (MAX_ROW - h) / room for h in heights]
        heights.append(MIN_ROW)


def clean(text: str | None) -> str:
    """Text as a cell can hold it: no control characters, at most Excel's 32,767."""
    return ILLEGAL_CHARACTERS_RE.sub("", text or "")[:32_767]


class Cells:
    """Makes streamed cells from a few prepared styles (copying a prepared style is much
    cheaper than assigning font, fill, border and alignment to each of 300,000 cells)."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self._styles: dict[tuple, Any] = {}

    def style(self, font: Font, align: Alignment, border: Border | None = None,
              fill: PatternFill | None = None, number_format: str | None = None) -> Any:
        key = (id(font), id(align), id(border), id(fill), number_format)
        if key not in self._styles:
            cell = Cell(self.ws, row=1, column=1)
            cell.font, cell.alignment = font, align
            if border is not None:
                cell.border = border
            if fill is not None:
                cell.fill = fill
            if number_format:
                cell.number_format = number_format
            self._styles[key] = (cell._style, (font, align, border, fill))
        return self._styles[key][0]

    def make(self, value: Any, style: Any = None) -> Cell:
        cell = Cell(self.ws, row=1, column=1)
        if isinstance(value, str):
            cell._value = clean(value)
            cell.data_type = "s"  # never a formula, even when the text starts with "="
        elif value is not None:
            cell.value = value
        if style is not None:
            cell._style = copy(style)
        return cell


# -- streamed rows written as text --------------------------------------------------------------

_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


class RowStream:
    """Rows of a streamed sheet written straight as XML text.

    openpyxl serialises every streamed cell through an element tree: for a 10,000-problem
    ledger (some 470,000 styled cells, empty merged-over cells included) that was most of
    the export's time. The cells here are plain text or numbers in a few prepared styles, so
    their XML is built as strings — the same ``<row>``/``<c>`` elements, attributes and
    style indexes openpyxl writes. It hooks into the streamed sheet's ``<sheetData>`` and
    relies on openpyxl's pure-Python XML writer; where that is not what openpyxl uses (lxml
    installed), rows go through ``ws.append`` as before and the file is the same.
    """

    def __init__(self, ws, columns: int) -> None:
        self.ws, self.cells = ws, Cells(ws)
        self.letters = [get_column_letter(c) for c in range(1, columns + 1)]
        self._ids: dict[int, int] = {}
        self.row = 0
        self.fast = _streams_text(ws)
        if self.fast:
            ws._write_rows = self._rows  # the streamed sheet's row sink (see _rows)

    def _rows(self):
        writer = self.ws._writer
        xf = writer.xf.send(True)
        with xf.element("sheetData"):
            write = xf._file  # the raw text sink of et_xmlfile's incremental writer
            try:
                while True:
                    (text,) = yield
                    write(text)
            except GeneratorExit:
                pass
        writer.xf.send(None)

    def style_id(self, style: Any) -> int:
        found = self._ids.get(id(style))
        if found is None:
            found = self._ids[id(style)] = self.ws.parent._cell_styles.add(style)
        return found

    def append(self, values: Sequence[Any], styles: Sequence[Any], height: float) -> int:
        """Write the next row: ``values`` (text, numbers or None) in ``styles`` (from
        ``Cells.style``, or None), ``height`` points tall. Returns its number."""
        self.row += 1
        row = self.row
        if not self.fast:
            self.ws.row_dimensions[row].height = height
            self.ws.append([self.cells.make(v, s) for v, s in zip(values, styles, strict=True)])
            return row
        parts = [f'<row r="{row}" ht="{height:.16g}" customHeight="1">']
        for letter, value, style in zip(self.letters, values, styles, strict=False):
            if value is None and style is None:
                continue
            s = "" if style is None else f' s="{self.style_id(style)}"'
            if value is None or value == "":
                parts.append(f'<c r="{letter}{row}"{s}/>')
            elif isinstance(value, str):
                text = clean(value).translate(_XML_ESCAPES)
                space = ' xml:space="preserve"' if text != text.strip() else ""
                parts.append(f'<c r="{letter}{row}"{s} t="inlineStr"><is><t{space}>{text}'
                             f'</t></is></c>')
            elif isinstance(value, int | float) and not isinstance(value, bool):
                parts.append(f'<c r="{letter}{row}"{s} t="n"><v>{value!r}</v></c>')
            else:
                raise TypeError(f"a streamed row holds text or numbers, not {type(value)}")
        parts.append("</row>")
        self.ws.append(("".join(parts),))
        return row


def _streams_text(ws) -> bool:
    """Whether openpyxl writes this streamed sheet with et_xmlfile (whose writer takes raw
    text) rather than lxml, and the sheet has not started its rows yet."""
    return (not LXML and getattr(ws, "_rows", True) is None
            and callable(getattr(type(ws), "_write_rows", None)))
