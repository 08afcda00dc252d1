"""Draw the app's icon with Qt (no artwork to license): a red seal-coloured tile holding a
white ledger sheet with a tick. Writes resources/icons/rectify.png (256 px) and rectify.ico
(16–256 px, PNG-compressed entries, which Windows Vista and later read).

Run it again after changing the drawing: ``python packaging/make_icon.py``. The outputs are
committed so a build does not depend on it.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)
RED = QColor("#b71c1c")
PAPER = QColor("#fffdf7")
INK = QColor("#8a8a8a")
TICK = QColor("#2e7d32")


def draw(size: int) -> QImage:
    """Drawn on a 256-unit canvas and scaled, so every size has the same proportions."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 256, size / 256)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(RED)
    painter.drawRoundedRect(QRectF(8, 8, 240, 240), 44, 44)
    sheet = QPainterPath()
    sheet.moveTo(64, 40)
    sheet.lineTo(160, 40)
    sheet.lineTo(196, 76)
    sheet.lineTo(196, 216)
    sheet.lineTo(64, 216)
    sheet.closeSubpath()
    painter.setBrush(PAPER)
    painter.drawPath(sheet)
    painter.setBrush(QColor("#e0d8c8"))
    fold = QPainterPath()
    fold.moveTo(160, 40)
    fold.lineTo(160, 76)
    fold.lineTo(196, 76)
    fold.closeSubpath()
    painter.drawPath(fold)
    if size >= 32:  # ruled lines only where they do not blur into grey
        painter.setPen(QPen(INK, 10, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for y in (92, 120, 148):
            painter.drawLine(QPointF(86, y), QPointF(150 if y == 92 else 174, y))
    painter.setPen(QPen(TICK, 22, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                        Qt.PenJoinStyle.RoundJoin))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    tick = QPainterPath()
    tick.moveTo(100, 178)
    tick.lineTo(128, 202)
    tick.lineTo(214, 120)
    painter.drawPath(tick)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: list[QImage]) -> bytes:
    """An ICO file: a 6-byte header, one 16-byte entry per size, then the PNG data."""
    blobs = [png_bytes(image) for image in images]
    header = struct.pack("<HHH", 0, 1, len(blobs))
    offset = 6 + 16 * len(blobs)
    entries = b""
    for image, blob in zip(images, blobs, strict=True):
        side = image.width() if image.width() < 256 else 0  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    return header + entries + b"".join(blobs)


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    images = [draw(size) for size in SIZES]
    (OUT / "rectify.png").write_bytes(png_bytes(images[-1]))
    (OUT / "rectify.ico").write_bytes(ico_bytes(images))
    print(OUT / "rectify.png")
    print(OUT / "rectify.ico")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
