"""Chinese text on a PC that has no Chinese font.

Chinese Windows, Kylin and UOS all carry one, but a minimal Linux install, an English Windows
or a thin-client image may not, and then every label of the window is a row of boxes. The
bundled WenQuanYi Micro Hei (resources/fonts, also used for the printed sheets) is then
registered with Qt and made the window's font; a PC with its own Chinese font keeps it.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop.exchange import fonts


def has_chinese_font() -> bool:
    chinese = QFontDatabase.WritingSystem.SimplifiedChinese
    return bool(QFontDatabase.families(chinese))


def ensure_chinese_font(app: QApplication) -> str | None:
    """The bundled family now in use, or None when the PC draws Chinese by itself (or the
    bundled file cannot be read: boxes are then the best Qt can do)."""
    if has_chinese_font():
        return None
    font_id = QFontDatabase.addApplicationFont(str(fonts.bundled_font()))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    plain = [name for name in families if "mono" not in name.lower()]
    if not plain:
        return None
    font = QFont(app.font())
    font.setFamilies([plain[0], *font.families()])
    app.setFont(font)
    return plain[0]
