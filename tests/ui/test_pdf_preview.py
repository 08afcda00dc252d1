"""Preview, print and save a PDF sheet."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtPrintSupport import QPrinter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from desktop.ui.pdf_preview import PdfPreviewDialog, load_document


def three_pages(path: Path) -> Path:
    sheet = canvas.Canvas(str(path), pagesize=A4)
    for page in range(1, 4):
        sheet.drawString(72, 720, f"page {page}")
        sheet.showPage()
    sheet.save()
    return path


def test_preview_prints_every_page_and_saves_an_identical_copy(qtbot, tmp_path):
    source = three_pages(tmp_path / "sheet.pdf")
    dialog = PdfPreviewDialog(source, "问题清单")
    qtbot.addWidget(dialog)
    assert dialog.document.pageCount() == 3
    assert "3" in dialog.pages_label.text()

    printed = tmp_path / "printed.pdf"

    def to_file():
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return printer

    delivered = []
    dialog.delivered.connect(lambda: delivered.append(True))
    dialog.choose_printer = to_file
    assert dialog.print_sheet() == 3
    assert load_document(printed).pageCount() == 3
    assert len(delivered) == 1

    dialog.choose_save_path = lambda: tmp_path / "copy"
    saved = dialog.save_copy()
    assert len(delivered) == 2
    assert saved == tmp_path / "copy.pdf"
    assert saved.read_bytes() == source.read_bytes()
    assert not list(tmp_path.glob("*.part"))


def test_a_cancelled_print_prints_nothing(qtbot, tmp_path):
    dialog = PdfPreviewDialog(three_pages(tmp_path / "s.pdf"), "x")
    qtbot.addWidget(dialog)
    delivered = []
    dialog.delivered.connect(lambda: delivered.append(True))
    dialog.choose_printer = lambda: None
    assert dialog.print_sheet() == 0
    dialog.choose_save_path = lambda: None
    assert dialog.save_copy() is None
    assert delivered == []  # nothing left the screen


def test_a_broken_pdf_is_refused_with_a_message(qtbot, tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf")
    try:
        load_document(broken)
    except OSError as error:
        assert "broken.pdf" in str(error)
    else:
        raise AssertionError("a broken PDF was accepted")
