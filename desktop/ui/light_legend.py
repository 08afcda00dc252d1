"""The legend of the due-date lights: a colour mark, the light's name and what it means, for
every light, in the office's colours and with the campaign's yellow window.

One widget for the problem list, the dashboard and the colour settings' preview, so a light
is explained the same way wherever it is shown. Its colours are the office's palette
(``desktop.core.light_style``), kept in a small cache that is dropped when the palette or the
campaign changes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from desktop.core import light_style
from desktop.core.deadlines import Light
from desktop.core.i18n import _
from desktop.core.light_style import LightStyle
from desktop.core.models import Campaign, database
from desktop.ui.context import AppContext

CHANGED = "light_style"  # the data_changed key the colour settings announce
_cache: tuple[object, dict[str, str]] | None = None  # (database it was read from, palette)


def current_colours() -> dict[str, str]:
    """The palette, read once per database and kept until ``forget_colours``."""
    global _cache
    db = database.obj
    if _cache is None or _cache[0] is not db:
        _cache = (db, light_style.light_colours())
    return _cache[1]


def forget_colours() -> None:
    global _cache
    _cache = None


def light_pixmap(colour: str, size: int = 12) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(colour).darker(120))
    painter.setBrush(QColor(colour))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return pixmap


def light_icon(light: Light | str, size: int = 12, colours: dict[str, str] | None = None
               ) -> QIcon:
    colour = (colours or current_colours())[Light(light).value]
    return QIcon(light_pixmap(colour, size))


class LightLegend(QWidget):
    """Attributes tests read: ``marks`` and ``texts`` (light value → QLabel). ``compact``
    lays the lights out in two lines of three (the open lights, then the ongoing and closed
    ones) to sit under a page's filters; otherwise one light per line.
    ``set_preview(style)`` shows a palette that is not saved yet."""

    def __init__(self, ctx: AppContext | None = None, compact: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.compact = compact
        self._preview: LightStyle | None = None
        self.marks: dict[str, QLabel] = {}
        self.texts: dict[str, QLabel] = {}
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(6)
        layout.setVerticalSpacing(2 if compact else 6)
        per_row = 3 if compact else 1
        for index, light in enumerate(light_style.LIGHTS):
            mark, text = QLabel(self), QLabel(self)
            mark.setFixedSize(14, 14)
            text.setWordWrap(not compact)
            self.marks[light], self.texts[light] = mark, text
            row, column = divmod(index, per_row)
            layout.addWidget(mark, row, 2 * column, Qt.AlignmentFlag.AlignVCenter)
            layout.addWidget(text, row, 2 * column + 1)
        for column in range(per_row):
            layout.setColumnStretch(2 * column + 1, 1)
        if ctx is not None:
            ctx.data_changed.connect(self._on_data_changed)
            ctx.campaign_changed.connect(lambda _id: self.refresh())
        self.refresh()

    def campaign(self) -> Campaign | None:
        return self.ctx.campaign() if self.ctx is not None else None

    def set_preview(self, style: LightStyle | None) -> None:
        self._preview = style
        self.refresh()

    def _on_data_changed(self, what: str) -> None:
        if what == CHANGED:
            forget_colours()
        if what in (CHANGED, "campaign"):
            self.refresh()

    def refresh(self) -> None:
        style = self._preview or light_style.light_style()
        for entry in light_style.legend(self.campaign(), style):
            name, explanation = entry.texts()
            self.marks[entry.light].setPixmap(light_pixmap(entry.colour, 14))
            self.texts[entry.light].setText(
                _("{name}: {explanation}").format(name=name, explanation=explanation))
