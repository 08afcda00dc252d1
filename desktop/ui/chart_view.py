"""A chart on screen: the same painter that writes the PNG and the printed report, drawn at the
widget's size, with the category under the mouse as a tooltip, a click that names it (the
dashboard opens the problem list filtered to that unit) and "save as image" on right click."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QHelpEvent, QMouseEvent, QPainter
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QSizePolicy, QToolTip, QWidget

from desktop.core.i18n import _
from desktop.ui.charts import Chart, HitArea, hit_areas, save_png

DEFAULT_WIDTH = 560
MINIMUM_WIDTH = 280


def file_name_for(title: str) -> str:
    """A file name from the chart's title, without the characters Windows refuses."""
    cleaned = re.sub(r'[\\/:*?"<>|\s]+', "_", title).strip("_.")
    return f"{cleaned or _('chart')}.png"


class ChartView(QWidget):
    """Shows one chart (``set_chart``); ``category_clicked(key)`` when a bar is clicked."""

    category_clicked = Signal(str)

    def __init__(self, chart: Chart | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chart: Chart | None = None
        self._hits: list[HitArea] = []
        self._hits_size: QSize | None = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        if chart is not None:
            self.set_chart(chart)

    # ------------------------------------------------------------------ the chart

    def chart(self) -> Chart | None:
        return self._chart

    def set_chart(self, chart: Chart | None) -> None:
        self._chart = chart
        self._hits_size = None
        self.setAccessibleName(chart.title if chart is not None else "")
        self.updateGeometry()
        self.update()

    def hit_areas(self) -> list[HitArea]:
        """Where the painted parts are at the current size (worked out again when it changes,
        so a click before the first paint still lands)."""
        if self._chart is None:
            return []
        if self._hits_size != self.size():
            self._hits = hit_areas(self._chart, QRectF(self.rect()))
            self._hits_size = self.size()
        return self._hits

    def hit_at(self, pos: QPoint | QPointF) -> HitArea | None:
        point = QPointF(pos)
        return next((hit for hit in self.hit_areas() if hit.contains(point)), None)

    # ------------------------------------------------------------------ size

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        return self._chart is not None

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt API)
        if self._chart is None:
            return super().heightForWidth(width)
        return round(self._chart.preferred_height(width))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        if self._chart is None:
            return QSize(DEFAULT_WIDTH, 200)
        return QSize(DEFAULT_WIDTH, round(self._chart.preferred_height(DEFAULT_WIDTH)))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """Bars never shrink below a legible row: with many units the view grows, and a
        scroll area around it scrolls."""
        if self._chart is None:
            return QSize(MINIMUM_WIDTH, 80)
        return QSize(MINIMUM_WIDTH, round(self._chart.minimum_height(MINIMUM_WIDTH)))

    # ------------------------------------------------------------------ painting and mouse

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt API)
        if self._chart is None:
            return
        painter = QPainter(self)
        try:
            self._hits = self._chart.paint(painter, QRectF(self.rect()))
            self._hits_size = self.size()
        finally:
            painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            hit = self.hit_at(event.pos())
            if hit is not None and hit.tooltip:
                QToolTip.showText(event.globalPos(), hit.tooltip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        hit = self.hit_at(event.position())
        if hit is not None and hit.key:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.unsetCursor()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if event.button() == Qt.MouseButton.LeftButton:
            hit = self.hit_at(event.position())
            if hit is not None and hit.key:
                self.category_clicked.emit(hit.key)
                return
        super().mouseReleaseEvent(event)

    # ------------------------------------------------------------------ saving

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        action = menu.addAction(_("Save as image…"))
        action.setEnabled(self._chart is not None)
        action.triggered.connect(self.save_as_image)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 (Qt API)
        menu = self.context_menu()
        menu.exec(event.globalPos())
        menu.deleteLater()

    def save_as_image(self) -> Path | None:
        """Ask where, then write the chart as the user sees it, at twice the pixels (sharp
        when printed or pasted into a Word report). None when cancelled or it failed."""
        if self._chart is None:
            return None
        suggested = str(Path.home() / file_name_for(self._chart.title))
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Save chart as image"), suggested, _("PNG images (*.png)"))
        if not name:
            return None
        target = Path(name)
        if target.suffix.lower() != ".png":
            target = target.with_name(target.name + ".png")
        width = max(self.width(), MINIMUM_WIDTH)
        height = max(self.height(), round(self._chart.minimum_height(width)))
        try:
            return save_png(self._chart, target, width, height)
        except OSError as error:
            QMessageBox.warning(self, _("Cannot save"), str(error))
            return None
