"""设置 › 亮灯颜色: the office's light colours, a scheme or a colour per light, with the legend
as it will look. Only an administrator changes them; others see them read-only."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import light_style
from desktop.core.deadlines import LIGHT_LABELS, Light
from desktop.core.i18n import _
from desktop.core.light_style import SCHEME_LABELS, SCHEMES, LightStyle
from desktop.ui.admin_page import AdminPage, button_row
from desktop.ui.context import AppContext
from desktop.ui.light_legend import CHANGED, LightLegend, light_pixmap


def _ask_colour(start: QColor, parent: QWidget) -> QColor | None:
    chosen = QColorDialog.getColor(start, parent, _("Choose a colour"))
    return chosen if chosen.isValid() else None


class LightSettingsPage(AdminPage):
    """Attributes tests drive: ``scheme_combo``, ``colour_buttons`` (light value → button),
    ``reset_buttons``, ``save_button``, ``preview`` (a LightLegend); ``pick_colour`` replaces
    the colour dialog."""

    watches = frozenset({CHANGED, "campaign"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.pick_colour: Callable[[QColor, QWidget], QColor | None] = _ask_colour
        self.custom: dict[str, str] = {}
        self.scheme_combo = QComboBox(self)
        self.scheme_combo.setMaximumWidth(280)
        for scheme in SCHEMES:
            self.scheme_combo.addItem(_(SCHEME_LABELS[scheme]), scheme)
        self.scheme_combo.currentIndexChanged.connect(lambda _i: self._show())
        self.colour_buttons: dict[str, QPushButton] = {}
        self.reset_buttons: dict[str, QPushButton] = {}
        colours = QFormLayout()
        colours.addRow(_("Colour scheme"), self.scheme_combo)
        for light in light_style.LIGHTS:
            button = QPushButton(self)
            button.setToolTip(_("Choose a colour of your own for this light"))
            button.clicked.connect(lambda _c=False, li=light: self._choose(li))
            reset = QPushButton(_("As in the scheme"), self)
            reset.clicked.connect(lambda _c=False, li=light: self._reset(li))
            self.colour_buttons[light], self.reset_buttons[light] = button, reset
            row = QHBoxLayout()
            row.addWidget(button)
            row.addWidget(reset)
            row.addStretch(1)
            colours.addRow(_(LIGHT_LABELS[Light(light)]), row)
        self.save_button = QPushButton(_("Save"), self)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(_("Undo changes"), self)
        self.revert_button.clicked.connect(self.reload)
        self.admin_only(self.save_button, self.revert_button)

        self.preview = LightLegend(ctx, parent=self)
        preview_box = QGroupBox(_("Legend as shown in the lists and on the dashboard"), self)
        QVBoxLayout(preview_box).addWidget(self.preview)
        note = QLabel(_("The colours are the office's: every computer using this database and "
                        "every printed sheet shows them. How many working days before the "
                        "deadline a problem turns yellow is set in the campaign settings."),
                      self)
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")

        layout = QVBoxLayout(self)
        layout.addWidget(self.read_only_note)
        layout.addLayout(colours)
        layout.addLayout(button_row(self.save_button, self.revert_button))
        layout.addWidget(preview_box)
        layout.addWidget(note)
        layout.addStretch(1)
        for widget in (self.scheme_combo, *self.colour_buttons.values(),
                       *self.reset_buttons.values()):
            widget.setEnabled(self.is_admin)
        self.reload()

    def style(self) -> LightStyle:
        """The palette as chosen on the page (not yet saved)."""
        scheme = self.scheme_combo.currentData()
        base = SCHEMES[scheme]
        custom = {k: v for k, v in self.custom.items() if base[k] != v}
        return LightStyle(scheme, custom)

    def reload(self) -> None:
        saved = light_style.light_style()
        self.custom = dict(saved.custom)
        self.scheme_combo.blockSignals(True)
        self.scheme_combo.setCurrentIndex(max(self.scheme_combo.findData(saved.scheme), 0))
        self.scheme_combo.blockSignals(False)
        self._show()

    def _show(self) -> None:
        style = self.style()
        colours = style.colours()
        for light, button in self.colour_buttons.items():
            button.setIcon(light_pixmap(colours[light], 16))
            button.setText(colours[light].upper())
            self.reset_buttons[light].setVisible(light in style.custom and self.is_admin)
        self.preview.set_preview(style)
        self.save_button.setEnabled(style != light_style.light_style())
        self.revert_button.setEnabled(self.save_button.isEnabled())

    def _choose(self, light: str) -> None:
        chosen = self.pick_colour(QColor(self.style().colours()[light]), self)
        if chosen is not None:
            self.custom[light] = chosen.name().lower()
            self._show()

    def _reset(self, light: str) -> None:
        self.custom.pop(light, None)
        self._show()

    def save(self) -> bool:
        style = self.style()
        return self.call(CHANGED, light_style.set_light_colours, style.scheme, style.custom)
