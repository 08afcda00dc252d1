"""Preview, print and save a sheet: the PDF that exchange renders is the one thing shown,
printed and saved, so the paper matches the screen.

Printing draws each page of the PDF onto the printer at the printer's resolution (QtPdf renders
the page to an image of that size), so any printer the system knows works, without a PDF
reader installed on the PC.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Signal
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.i18n import _

MAX_RENDER_DPI = 300


def load_document(path: Path, parent=None) -> QPdfDocument:
    document = QPdfDocument(parent)
    error = document.load(str(path))
    if error != QPdfDocument.Error.None_:
        raise OSError(_("The PDF {name} cannot be opened.").format(name=Path(path).name))
    return document


def print_document(document: QPdfDocument, printer: QPrinter) -> int:
    """Draw every page (or the printer's page range) onto ``printer``; returns pages printed."""
    first, last = 0, document.pageCount() - 1
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = printer.fromPage() - 1
        last = min(last, printer.toPage() - 1)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError(_("The printer could not be started."))
    printed = 0
    try:
        for page in range(first, last + 1):
            if printed:
                printer.newPage()
            area = printer.pageLayout().paintRectPixels(printer.resolution())
            points = document.pagePointSize(page)
            scale = min(area.width() / points.width(), area.height() / points.height())
            target = QRectF(0, 0, points.width() * scale, points.height() * scale)
            # an A4 page at a printer's 1200 dpi would be a 550 MB image: 300 dpi is enough
            dots = min(printer.resolution(), MAX_RENDER_DPI) / 72
            image = document.render(
                page, QSize(int(points.width() * dots), int(points.height() * dots))
            )
            painter.drawImage(target, image)
            printed += 1
    finally:
        painter.end()
    return printed


class PdfPreviewDialog(QDialog):
    """The sheet as it will print: page view, print…, save as PDF…, close.

    ``path`` is a finished PDF (exchange writes it whole or not at all). ``delivered`` is
    emitted once pages went to a printer or a copy was saved: the moment a sheet leaves the
    screen (an urging notice is an urge only from then on). Tests replace ``choose_printer``
    and ``choose_save_path`` instead of opening system dialogs."""

    delivered = Signal()

    def __init__(self, path: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle(title)
        self.resize(900, 720)
        self.document = load_document(self.path, self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pages_label = QLabel(
            _("{count} page(s)").format(count=self.document.pageCount()), self
        )
        self.print_button = QPushButton(_("Print…"), self)
        self.save_button = QPushButton(_("Save as PDF…"), self)
        close_button = QPushButton(_("Close"), self)
        self.print_button.clicked.connect(self.print_sheet)
        self.save_button.clicked.connect(self.save_copy)
        close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pages_label, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.print_button.setDefault(True)

    def choose_printer(self) -> QPrinter | None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.document.pageCount())
        return printer if dialog.exec() == QDialog.DialogCode.Accepted else None

    def choose_save_path(self) -> Path | None:
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Save as PDF"), str(Path.home() / self.path.name), "PDF (*.pdf)"
        )
        return Path(name) if name else None

    def print_sheet(self) -> int:
        printer = self.choose_printer()
        if printer is None:
            return 0
        try:
            printed = print_document(self.document, printer)
        except OSError as error:
            QMessageBox.warning(self, _("Cannot print"), str(error))
            return 0
        if printed:
            self.delivered.emit()
        return printed

    def save_copy(self) -> Path | None:
        target = self.choose_save_path()
        if target is None:
            return None
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        partial = target.with_name(target.name + ".part")
        try:
            shutil.copyfile(self.path, partial)
            partial.replace(target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            QMessageBox.warning(self, _("Cannot save"), str(error))
            return None
        self.delivered.emit()
        return target

