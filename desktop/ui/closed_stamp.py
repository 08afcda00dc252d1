"""The red 已销号 mark on a closed problem: a status mark drawn on screen the way a desk stamp
looks on paper, so a closed problem is recognised at a glance. It is not a seal: it carries
no unit name and is never printed as one."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop.core.i18n import _
from desktop.core.models import STATE_LABELS, State

STAMP_RED = QColor(198, 40, 40, 225)
TILT_DEGREES = -7


class ClosedStamp(QWidget):
    """``title`` (已销号), ``date_text`` and ``signer``; ``set_closing(date, signer)``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = _(STATE_LABELS[State.CLOSED])
        self.date_text = ""
        self.signer = ""
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setToolTip(_("This problem is closed (signed off)."))

    def set_closing(self, date_text: str, signer: str) -> None:
        self.date_text, self.signer = date_text, signer
        self.updateGeometry()
        self.update()

    def _second_line(self) -> str:
        return "　".join(part for part in (self.date_text, self.signer) if part)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        small = QFont(self.font())
        small.setPointSizeF(self.font().pointSizeF() * 0.95)
        width = max(150, QFontMetrics(small).horizontalAdvance(self._second_line()) + 44)
        return QSize(width, 84)

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        w, h = self.width(), self.height()
        painter.translate(w / 2, h / 2)
        painter.rotate(TILT_DEGREES)
        box = QRectF(-w / 2 + 12, -h / 2 + 12, w - 24, h - 24)
        painter.setPen(QPen(STAMP_RED, 3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(box, 8, 8)
        painter.setPen(QPen(STAMP_RED, 1))
        painter.drawRoundedRect(box.adjusted(4, 4, -4, -4), 5, 5)
        big = QFont(self.font())
        big.setBold(True)
        big.setPointSizeF(self.font().pointSizeF() * 1.7)
        big.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 4)
        painter.setFont(big)
        top = QRectF(box.left(), box.top() + 4, box.width(), box.height() * 0.58)
        painter.drawText(top, Qt.AlignmentFlag.AlignCenter, self.title)
        small = QFont(self.font())
        small.setPointSizeF(self.font().pointSizeF() * 0.95)
        painter.setFont(small)
        bottom = QRectF(box.left(), top.bottom() - 2, box.width(), box.bottom() - top.bottom())
        painter.drawText(bottom, Qt.AlignmentFlag.AlignCenter, self._second_line())
        painter.end()
