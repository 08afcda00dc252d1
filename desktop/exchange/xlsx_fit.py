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
from copy import copy
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill

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
        width = text_units(token)
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


