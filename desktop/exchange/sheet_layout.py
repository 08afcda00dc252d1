"""The page of a printed sheet: A4 after GB/T 9704, styles, the footer with page number and
verification code, signature and seal blocks, and writing the file all or nothing.

GB/T 9704 (党政机关公文格式) sets the portrait page: top margin 37 mm, bottom 35 mm, left 28 mm,
right 26 mm, a 156 × 225 mm body; title in 2号 (22 pt), body text in 3号 (16 pt), page
numbers "— 1 —" in 4号 7 mm below the body. Ledgers are wide, so they go landscape with
margins that keep the same footer room.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors, textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as paragraph_module

from desktop.core.i18n import _
from desktop.core.sheet_codes import QR_PREFIX, format_code
from desktop.exchange.fonts import FontSet
from desktop.exchange.safe_write import write_file_atomically

# reportlab's CJK line breaking knows the Japanese punctuation that may not start a line, but
# not the full-width Chinese comma, colon, semicolon, ! and ?, so a line could begin with "，".
# Chinese typesetting (GB/T 15834) forbids that; the characters are added to its list.
_NO_LINE_START = "，；：！？、。）》」』〉】”’…％"
for _module in (paragraph_module, textsplit):  # paragraphs of one run, and of several
    _module.ALL_CANNOT_START += "".join(
        c for c in _NO_LINE_START if c not in _module.ALL_CANNOT_START)

GRID = colors.black
LIGHT_GRID = colors.Color(0.45, 0.45, 0.45)
HEADER_FILL = colors.Color(0.93, 0.93, 0.93)
QR_SIZE = 16 * mm


@dataclass(frozen=True)
class PageGeometry:
    size: tuple[float, float]
    top: float
    bottom: float
    left: float
    right: float

    @property
    def body_width(self) -> float:
        return self.size[0] - self.left - self.right

    @property
    def body_height(self) -> float:
        return self.size[1] - self.top - self.bottom


PORTRAIT = PageGeometry(A4, 37 * mm, 35 * mm, 28 * mm, 26 * mm)
LANDSCAPE = PageGeometry(landscape(A4), 25 * mm, 30 * mm, 25 * mm, 25 * mm)


@dataclass(frozen=True)
class Styles:
    """Paragraph styles of the sheets, in the fonts the PC has (see ``fonts``)."""

    fonts: FontSet
    title: ParagraphStyle
    subtitle: ParagraphStyle
    info: ParagraphStyle
    addressee: ParagraphStyle
    prose: ParagraphStyle
    heading: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    head: ParagraphStyle
    label: ParagraphStyle
    small: ParagraphStyle

    @classmethod
    def make(cls, fonts: FontSet) -> Styles:
        def style(name: str, font: str, size: float, leading: float, **kw) -> ParagraphStyle:
            return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading,
                                  wordWrap="CJK", **kw)

        cell = style("cell", fonts.body, 10.5, 14.5)
        return cls(
            fonts=fonts,
            title=style("title", fonts.title, 22, 32, alignment=TA_CENTER, spaceAfter=6),
            subtitle=style("subtitle", fonts.body, 14, 21, alignment=TA_CENTER, spaceAfter=8),
            info=style("info", fonts.body, 14, 22),
            addressee=style("addressee", fonts.body, 16, 28.5),
            prose=style("prose", fonts.body, 16, 28.5, firstLineIndent=32),
            heading=style("heading", fonts.heading, 16, 28.5, spaceBefore=6),
            cell=cell,
            cell_center=ParagraphStyle("cell_center", parent=cell, alignment=TA_CENTER),
            head=style("head", fonts.heading, 10.5, 14, alignment=TA_CENTER),
            label=style("label", fonts.heading, 12, 17, alignment=TA_CENTER),
            small=style("small", fonts.body, 9, 12),
        )


def para(text: str | None, style: ParagraphStyle) -> Paragraph:
    """User text in a paragraph: markup characters escaped, line breaks kept."""
    body = escape(text or "").replace("\n", "<br/>")
    return Paragraph(body, style)


def format_date(value: str | dt.date | None) -> str:
    if not value:
        return ""
    day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return _("{year}-{month:02d}-{day:02d}").format(year=day.year, month=day.month, day=day.day)


def percent_text(rate: float | None) -> str:
    """A rate as the sheets print it (12.5%), or a dash when there is nothing to divide by."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def short_date(value: str | dt.date | None) -> str:
    """A date in a narrow table cell: ISO form, which fits where 2026年11月7日 would wrap."""
    if not value:
        return ""
    return value[:10] if isinstance(value, str) else value.isoformat()


def format_time(value: str | None) -> str:
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value)
    return f"{format_date(moment.date())} {moment:%H:%M}"


def table_style(extra: Sequence[tuple] = (), grid: bool = True) -> TableStyle:
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if grid:
        commands.append(("GRID", (0, 0), (-1, -1), 0.6, GRID))
    return TableStyle([*commands, *extra])


def header_table(cells: list, widths: list[float], rows: list[list], extra: Sequence[tuple] = (),
                 grid: bool = True) -> Table:
    """A table whose first row (the column names) repeats on every page."""
    table = Table([cells, *rows], colWidths=widths, repeatRows=1)
    table.setStyle(table_style([("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL), *extra], grid))
    return table


def set_table_font(flowables: Sequence, font: str) -> None:
    """Give every table, nested ones too, the sheet's font for its plain-string cells: the
    default would add an unembedded Helvetica to the file even for empty cells."""
    for item in flowables:
        if isinstance(item, Table):
            item.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font)]))
            for row in item._cellvalues:
                set_table_font([c for cell in row
                                for c in (cell if isinstance(cell, list | tuple) else [cell])],
                               font)


def scaled_widths(parts: Sequence[float], total: float) -> list[float]:
    whole = sum(parts)
    return [total * p / whole for p in parts]


# -- footer and sheet boundaries -----------------------------------------------------------


class SheetStart(Flowable):
    """Marks where a sheet begins (after a page break): its code goes into the footer of its
    pages and its page numbers start at 1."""

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        doc = self.canv._doctemplate  # type: ignore[attr-defined]
        doc.sheet_code = self.code
        doc.sheet_first_page = self.canv.getPageNumber()


def draw_qr(canvas, text: str, x: float, y: float, size: float) -> None:
    """The QR code as filled squares drawn straight on the canvas (reportlab's graphics
    renderer would pull an unembedded Helvetica into the file)."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    count = code.getModuleCount()
    border = 1
    cell = size / (count + 2 * border)
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    for row in range(count):
        top = y + size - (row + border + 1) * cell
        for column in range(count):
            if code.isDark(row, column):
                # a hair wider, so neighbouring squares print without seams
                canvas.rect(x + (column + border) * cell, top, cell + 0.05, cell + 0.05,
                            stroke=0, fill=1)
    canvas.restoreState()


class SheetDocument(BaseDocTemplate):
    """A PDF of one or more sheets of one kind, all in one orientation."""

    def __init__(self, target, geometry: PageGeometry, styles: Styles, title: str,
                 code_label: Callable[[str], str]) -> None:
        super().__init__(target, pagesize=geometry.size, leftMargin=geometry.left,
                         rightMargin=geometry.right, topMargin=geometry.top,
                         bottomMargin=geometry.bottom, title=title, author="Rectify",
                         creator="Rectify", subject=title,
                         initialFontName=styles.fonts.body)  # never an unembedded Helvetica
        self.geometry = geometry
        self.styles = styles
        self.code_label = code_label
        self.sheet_code = ""
        self.sheet_first_page = 1
        self._qr_forms: set[str] = set()
        frame = Frame(geometry.left, geometry.bottom, geometry.body_width, geometry.body_height,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
        self.addPageTemplates([PageTemplate("sheet", [frame], onPageEnd=self._footer)])

    def _qr(self, canvas, text: str, x: float, y: float) -> None:
        """The sheet's QR code, drawn once per code as a PDF form and placed on each of its
        pages: encoding and drawing it afresh for every page of a long list took a fifth of
        the rendering time (and repeated its squares in the file on every page)."""
        name = "qr" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        if name not in self._qr_forms:
            canvas.beginForm(name, 0, 0, QR_SIZE, QR_SIZE)
            draw_qr(canvas, text, 0, 0, QR_SIZE)
            canvas.endForm()
            self._qr_forms.add(name)
        canvas.saveState()
        canvas.translate(x, y)
        canvas.doForm(name)
        canvas.restoreState()

    def _footer(self, canvas, doc) -> None:
        g = self.geometry
        canvas.saveState()
        number = canvas.getPageNumber() - self.sheet_first_page + 1
        canvas.setFont(self.styles.fonts.footer, 14)
        canvas.drawCentredString(g.size[0] / 2, g.bottom - 7 * mm - 14, f"— {number} —")
        if self.sheet_code:
            right = g.size[0] - g.right
            qr_y = max(6 * mm, g.bottom - 7 * mm - 14 - QR_SIZE / 2)
            self._qr(canvas, QR_PREFIX + format_code(self.sheet_code), right - QR_SIZE, qr_y)
            canvas.setFont(self.styles.fonts.body, 9)
            canvas.drawRightString(right - QR_SIZE - 2 * mm, qr_y + QR_SIZE / 2 - 3,
                                   self.code_label(self.sheet_code))
        canvas.restoreState()


# -- signature and seal --------------------------------------------------------------------


def image_flowable(path: Path | str, max_width: float, max_height: float) -> Image:
    """A PNG (alpha kept) scaled to fit the box, aspect ratio kept."""
    width, height = ImageReader(str(path)).getSize()
    scale = min(max_width / width, max_height / height)
    return Image(str(path), width=width * scale, height=height * scale, mask="auto")


class SealBox(Flowable):
    """Where the unit's seal is stamped by hand: a light dashed box reading （盖章）, or the
    seal image the office supplied. Never a drawn seal."""

    def __init__(self, styles: Styles, size: float = 38 * mm, image: Path | None = None) -> None:
        super().__init__()
        self.styles = styles
        self.width = self.height = size
        self.image = image

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        if self.image is not None:
            picture = image_flowable(self.image, self.width, self.height)
            picture.drawOn(canvas, (self.width - picture.drawWidth) / 2,
                           (self.height - picture.drawHeight) / 2)
            return
        canvas.saveState()
        canvas.setStrokeColor(LIGHT_GRID)
        canvas.setLineWidth(0.5)
        canvas.setDash(3, 2)
        canvas.rect(0, 0, self.width, self.height)
        canvas.setFillColor(LIGHT_GRID)
        canvas.setFont(self.styles.fonts.body, 12)
        canvas.drawCentredString(self.width / 2, self.height / 2 - 4, _("(seal)"))
        canvas.restoreState()


def signature_cell(styles: Styles, caption: str, image: Path | None, width: float,
                   note: str = "", date: str = "") -> Table:
    """One line to sign on: ``caption`` (e.g. 签字：), the signature image or a blank line,
    then the date; an optional small note under the line (who signed electronically, when)."""
    size = 12
    caption_width = min(stringWidth(caption, styles.fonts.body, size) + 6, width / 3)
    date_width = min(stringWidth(date, styles.fonts.body, size) + 10, width / 3) if date else 0
    line_width = width - caption_width - date_width
    mark = image_flowable(image, line_width, 12 * mm) if image is not None else ""
    text = ParagraphStyle("sig", parent=styles.cell, fontSize=size, leading=16)
    first = [para(caption, ParagraphStyle("sig_caption", parent=text, alignment=TA_RIGHT)),
             mark]
    if date:
        first.append(para(date, ParagraphStyle("sig_date", parent=text, alignment=TA_RIGHT)))
    rows = [first]
    commands = [("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 0), (1, 0), 0.5, GRID),
                ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, -1), 1)]
    heights = [10 * mm]
    if note:
        rows.append(["", para(note, ParagraphStyle("note", parent=styles.small,
                                                   alignment=TA_LEFT))] + [""] * bool(date))
        heights.append(None)
    widths = [caption_width, line_width] + [date_width] * bool(date)
    table = Table(rows, colWidths=widths, rowHeights=heights)
    table.setStyle(TableStyle(commands))
    return table


# -- writing the file ----------------------------------------------------------------------


def check_pdf(data: bytes) -> None:
    """A complete PDF: the header at the start, the end-of-file marker at the end."""
    if len(data) < 1024 or not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise OSError(_("The PDF came out incomplete; nothing was written."))


def write_atomically(data: bytes, out: Path, commit: Callable[[], None] | None = None) -> None:
    """Write ``data`` to ``out`` whole or not at all (see ``safe_write``), checked as a PDF.
    ``commit`` runs just before the rename (it stores the codes); when it fails, no file is
    left."""
    check_pdf(data)
    write_file_atomically(Path(out), lambda fh: fh.write(data),
                          verify=lambda temp: check_pdf(temp.read_bytes()), commit=commit)
