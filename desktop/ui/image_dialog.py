"""The signature or seal image of one account or unit: a preview on a checkerboard (so a
transparent background shows as transparent), and buttons to choose a new file or remove it.

The images come from the office's own scans; the program never draws a seal.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import images, records
from desktop.core.errors import DomainError
from desktop.core.i18n import _
from desktop.core.models import Unit, User
from desktop.ui.common import show_error
from desktop.ui.context import AppContext

CHECKER = 8  # pixels per checkerboard square


class CheckerboardPreview(QWidget):
    """An image drawn over a grey-and-white checkerboard, scaled to fit and centred."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pixmap = QPixmap()
        self.setMinimumSize(QSize(320, 160))

    def set_image(self, path) -> None:
        self.pixmap = QPixmap(str(path)) if path else QPixmap()
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        light, dark = QColor("#ffffff"), QColor("#d5d8dc")
        for y in range(0, self.height(), CHECKER):
            for x in range(0, self.width(), CHECKER):
                dark_square = (x // CHECKER + y // CHECKER) % 2
                painter.fillRect(x, y, CHECKER, CHECKER, dark if dark_square else light)
        if self.pixmap.isNull():
            painter.setPen(QColor("#5f6368"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, _("No image"))
        else:
            margin = 8
            size = self.pixmap.size().scaled(
                self.width() - 2 * margin, self.height() - 2 * margin,
                Qt.AspectRatioMode.KeepAspectRatio,
            )
            left = (self.width() - size.width()) / 2
            top = (self.height() - size.height()) / 2
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawPixmap(QRectF(left, top, size.width(), size.height()), self.pixmap,
                               QRectF(self.pixmap.rect()))
        painter.setPen(QColor("#9aa0a6"))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()


class ImageDialog(QDialog):
    """``preview``, ``info_label``, ``warning_label``, ``choose_button``, ``remove_button``;
    ``use_file(path)`` and ``remove()`` call the services. Hooks: ``choose_file() -> str |
    None``, ``confirm(text) -> bool``, ``report_error(error)``."""

    SIGNATURE, SEAL = images.SIGNATURE, images.SEAL

    def __init__(self, ctx: AppContext, kind: str, owner_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.owner_id = owner_id
        self.choose_file: Callable[[], str | None] = self._choose_file
        self.confirm: Callable[[str], bool] = self._confirm
        self.report_error: Callable[[DomainError], None] = lambda e: show_error(self, e)
        if kind == self.SIGNATURE:
            owner = records.get_live(User, owner_id)
            self.owner_uuid, name = owner.uuid, owner.display_name
            self.setWindowTitle(_("Signature image of {name}").format(name=name))
            about = _("Sign on white paper, scan it, and save it as a PNG with a transparent "
                      "background (at most 2 MB). It is printed in the signature blocks of the "
                      "sheets this person signed electronically.")
        else:
            owner = records.get_live(Unit, owner_id)
            self.owner_uuid, name = owner.uuid, owner.name
            self.setWindowTitle(_("Seal image of {name}").format(name=name))
            about = _("A scan of the unit's seal as a PNG with a transparent background (at "
                      "most 2 MB), printed in the seal block of the unit's sheets. Without an "
                      "image the block stays empty for the real seal: the program never draws "
                      "a seal itself.")
        about_label = QLabel(about, self)
        about_label.setWordWrap(True)
        self.preview = CheckerboardPreview(self)
        self.info_label = QLabel(self)
        self.warning_label = QLabel(self)
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet("color: #8a5a00;")
        self.choose_button = QPushButton(_("Choose image…"), self)
        self.remove_button = QPushButton(_("Remove"), self)
        self.choose_button.clicked.connect(self.choose)
        self.remove_button.clicked.connect(self.remove)
        row = QHBoxLayout()
        row.addWidget(self.choose_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(about_label)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.info_label)
        layout.addWidget(self.warning_label)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.resize(480, 400)
        self.refresh()

    def _current(self):
        owner_kind = images.OWNER_USER if self.kind == self.SIGNATURE else images.OWNER_UNIT
        return images.current_image(owner_kind, self.owner_uuid, self.kind)

    def refresh(self) -> None:
        image = self._current()
        path = (images.signature_path(self.owner_uuid) if self.kind == self.SIGNATURE
                else images.seal_path(self.owner_uuid))
        self.preview.set_image(path)
        if image is None:
            self.info_label.setText(_("No image has been set."))
            self.warning_label.setText("")
        elif path is None:
            self.info_label.setText(_("The stored file of {name} is missing or was altered; "
                                      "choose the image again.").format(name=image.filename))
            self.warning_label.setText("")
        else:
            self.info_label.setText(_("{name}: {width} × {height} pixels, added {date}.").format(
                name=image.filename, width=image.width, height=image.height,
                date=image.created_at.strftime("%Y-%m-%d")))
            warning = images.image_info(image).warning
            self.warning_label.setText(_(warning) if warning else "")
        self.remove_button.setEnabled(image is not None)

    def _choose_file(self) -> str | None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose image"), "", _("Images (*.png *.jpg *.jpeg)"))
        return path or None

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self, _("Please confirm"), text)
        return answer == QMessageBox.StandardButton.Yes

    def choose(self) -> bool:
        path = self.choose_file()
        return self.use_file(path) if path else False

    def use_file(self, path) -> bool:
        if self.kind == self.SIGNATURE:
            return self._change(images.set_user_signature, path)
        return self._change(images.set_unit_seal, path)

    def remove(self) -> bool:
        if self._current() is None or not self.confirm(_("Remove this image?")):
            return False
        if self.kind == self.SIGNATURE:
            return self._change(images.remove_user_signature)
        return self._change(images.remove_unit_seal)

    def _change(self, service, *args) -> bool:
        """Run an image service for this owner; show a refusal, else refresh."""
        try:
            service(self.ctx.session, self.owner_id, *args)
        except DomainError as error:
            self.report_error(error)
            return False
        self.ctx.changed("image")
        self.refresh()
        return True
