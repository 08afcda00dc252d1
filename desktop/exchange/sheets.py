"""The printed sheets (PDF): 问题清单, 整改清单, 销号审批表, 催办通知单, 阶段性报告.

Every sheet is drawn from a ``sheet_data.Sheet`` alone, the same content its verification code
covers, so what is printed is what can be verified later. One rendering path serves the window,
the command line and the tests: ``render_pdf`` gives bytes, ``export_sheets`` writes a file
all or nothing and stores the codes in the same step.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from reportlab.platypus import Image, KeepTogether, LayoutError, PageBreak, Paragraph, Spacer, Table
from reportlab.platypus.flowables import Flowable

from desktop.core import sheet_codes, sheet_data, urging
from desktop.core.deadlines import Light
from desktop.core.i18n import _, translate
from desktop.core.models import KIND_LABELS, STATE_LABELS, Campaign, Kind, State, database
from desktop.core.session import Session
from desktop.core.sheet_data import SHEET_TITLES, Sheet, SheetKind, Shown
from desktop.core.stats import Figures
from desktop.exchange.fonts import FontSet, sheet_fonts
from desktop.exchange.sheet_layout import (
    GRID,
    LANDSCAPE,
    PORTRAIT,
    PageGeometry,
    SealBox,
    SheetDocument,
    SheetStart,
    Styles,
    format_date,
    header_table,
    para,
    percent_text,
    scaled_widths,
    set_table_font,
    short_date,
    table_style,
    write_atomically,
)
from desktop.exchange.sheet_signoff import signoff_flowables

ImageMap = Mapping[str, Path | str]

GEOMETRY = {
    SheetKind.PROBLEMS: LANDSCAPE,
    SheetKind.PLAN: LANDSCAPE,
    SheetKind.SIGNOFF: PORTRAIT,
    SheetKind.URGE: PORTRAIT,
    SheetKind.REPORT: PORTRAIT,
}


# Draws the 阶段性报告's charts as PNGs: (campaign id, as-of day, (unit name, figures) per
# unit, width in pixels) → [(png, height in pixels)]. Pictures are drawn by the window's chart
# code (desktop.ui.report_charts), which the caller hands in: this layer does not paint.
ChartImages = Callable[[int, dt.date, Sequence[tuple[str, Figures]], int],
                       list[tuple[bytes, int]]]


class Context:
    """What one sheet's renderer needs: styles, body width, the optional images and charts."""

    def __init__(self, styles: Styles, geometry: PageGeometry, signature_images: ImageMap,
                 seal_images: ImageMap, chart_images: ChartImages | None = None) -> None:
        self.styles = styles
        self.width = geometry.body_width
        self.signature_images = {k: Path(v) for k, v in signature_images.items()}
        self.seal_images = {k: Path(v) for k, v in seal_images.items()}
        self.chart_images = chart_images

    def cell(self, text: str | None) -> Paragraph:
        return para(text, self.styles.cell)

    def centered(self, text: str | None) -> Paragraph:
        return para(text, self.styles.cell_center)

    def heads(self, names: Sequence[str]) -> list[Paragraph]:
        return [para(name, self.styles.head) for name in names]


def kind_label(kind: str) -> str:
    return translate(KIND_LABELS[Kind(kind)])


def deadline_text(fields: Mapping) -> str:
    """整改时限 as offices write it: a date, 立行立改 with its date, or 长期坚持."""
    if fields["kind"] == Kind.ONGOING.value:
        return kind_label(fields["kind"])
    date = short_date(fields.get("due_date") or fields.get("deadline"))
    if fields["kind"] == Kind.IMMEDIATE.value:
        return f"{kind_label(fields['kind'])}\n{date}".strip()
    return date


def description_text(fields: Mapping) -> str:
    text = fields["description"]
    if fields.get("scope") == "personal" and fields.get("person"):
        text += "\n" + _("(personal problem of {person})").format(person=fields["person"])
    return text


def title_block(ctx: Context, sheet: Sheet, title: str | None = None) -> list[Flowable]:
    campaign = sheet.first("campaign").fields
    subtitle = campaign["name"]
    if campaign.get("doc_number"):
        subtitle += f"（{campaign['doc_number']}）"
    return [para(title or translate(SHEET_TITLES[sheet.kind]), ctx.styles.title),
            para(subtitle, ctx.styles.subtitle)]


def filing_unit(sheet: Sheet) -> str:
    unit = next((s for s in sheet.of("unit") if s.view == "header"), None)
    return unit.fields["name"] if unit else sheet.first("campaign").fields.get("unit", "")


def seal_image(ctx: Context, sheet: Sheet) -> Path | None:
    uuid = sheet.params.unit_uuid or sheet.first("campaign").fields.get("unit_uuid")
    return ctx.seal_images.get(uuid) if uuid else None


def info_line(ctx: Context, sheet: Sheet) -> Table:
    """填报单位（盖章）… 主要负责人（签字）… 填报日期 … above a list."""
    style = ctx.styles.info
    unit = filing_unit(sheet)
    cells = [
        para(_("Reporting unit (seal): {unit}").format(unit=unit), style),
        para(_("Principal leader (signature):"), style),
        para(_("Date: {date}").format(date=format_date(sheet.params.as_of)), style),
    ]
    row: list = cells
    widths = scaled_widths([42, 33, 25], ctx.width)
    image = seal_image(ctx, sheet)
    if image is not None:
        row = [cells[0], SealBox(ctx.styles, 24 * 2.83465, image), cells[1], cells[2]]
        widths = scaled_widths([36, 12, 30, 22], ctx.width)
    table = Table([row], colWidths=widths)
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 8)], grid=False))
    return table


# -- 问题清单 ------------------------------------------------------------------------------


def problems_flowables(ctx: Context, sheet: Sheet) -> list[Flowable]:
    names = [_("Seq."), _("Problem category"), _("Problem description"), _("How it was found"),
             _("Rectification type"), _("Deadline"), _("Remarks")]
    rows = []
    for n, item in enumerate(sheet.of("problem"), start=1):
        f = item.fields
        rows.append([ctx.centered(str(n)), ctx.cell(f["catalog"]),
                     ctx.cell(description_text(f)), ctx.centered(f["source"]),
                     ctx.centered(kind_label(f["kind"])), ctx.centered(deadline_text(f)),
                     ctx.cell(f["note"])])
    widths = scaled_widths([12, 42, 104, 22, 20, 24, 23], ctx.width)
    return [*title_block(ctx, sheet), info_line(ctx, sheet),
            header_table(ctx.heads(names), widths, rows or [[ctx.centered(_("(none)"))] + [""] * 6],
                         extra=[("SPAN", (0, 1), (-1, 1))] if not rows else [])]


# -- 整改清单 ------------------------------------------------------------------------------

MEASURE_COLUMNS = (3, 8)  # first and last column that belong to one measure


def completion_text(measure: Mapping) -> str:
    if measure["done_date"]:
        done = _("Done {date}").format(date=short_date(measure["done_date"]))
        return f"{done}\n{measure['result']}".strip()
    return (measure["result"] + "\n" if measure["result"] else "") + _("In progress")


def closed_text(problem: Mapping) -> str:
    if problem["state"] == State.CLOSED.value:
        return f"{_('Yes')}\n{short_date(problem['closed_on'])}".strip()
    return _("No")


def plan_flowables(ctx: Context, sheet: Sheet) -> list[Flowable]:
    names = [_("Seq."), _("Problem category"), _("Problem description"),
             _("Rectification measures"), _("Responsible leader"), _("Responsible unit"),
             _("Responsible person"), _("Deadline"), _("Completion"), _("Closed (销号)")]
    rows: list[list] = []
    commands: list[tuple] = []
    first, last = MEASURE_COLUMNS
    problem: Shown | None = None
    number = 0
    measures_in_group = 0

    def problem_cells(f: Mapping, with_text: bool) -> tuple[list, list]:
        if not with_text:
            return ["", "", ""], [""]
        return ([ctx.centered(str(number)), ctx.cell(f["catalog"]), ctx.cell(description_text(f))],
                [ctx.centered(closed_text(f))])

    def measure_cells(m: Mapping | None, index: int) -> list:
        if m is None:
            return ["", "", "", "", ctx.centered(deadline_text(problem.fields)), ""]
        prefix = f"{index}. " if len(problem.fields["measures"]) > 1 else ""
        deadline = (kind_label(problem.fields["kind"])
                    if problem.fields["kind"] == Kind.ONGOING.value else
                    short_date(m["deadline"]) or deadline_text(problem.fields))
        return [ctx.cell(prefix + m["text"]), ctx.centered(m["resp_leader"]),
                ctx.centered(m["resp_unit"]), ctx.centered(m["resp_person"]),
                ctx.centered(deadline), ctx.cell(completion_text(m))]

    def close_group() -> None:
        if problem is not None and measures_in_group == 0:
            head, tail = problem_cells(problem.fields, True)
            rows.append([*head, *measure_cells(None, 0), *tail])

    for item in sheet.items:
        if item.entity == "problem":
            close_group()
            problem, number, measures_in_group = item, number + 1, 0
            commands.append(("LINEABOVE", (0, len(rows) + 1), (-1, len(rows) + 1), 0.6, GRID))
        elif item.entity == "measure" and problem is not None:
            measures_in_group += 1
            head, tail = problem_cells(problem.fields, measures_in_group == 1)
            rows.append([*head, *measure_cells(item.fields, measures_in_group), *tail])
    close_group()
    # a thin line above every measure, one command for all rows: the problem's own line
    # (drawn after it, thicker) covers it where a problem starts. A command per measure row
    # made reportlab's page splitting quadratic (each split re-reads every command).
    commands.insert(0, ("LINEABOVE", (first, 1), (last, -1), 0.4, GRID))
    # BOX (not single lines) so that each page's part of the table is closed at its foot
    commands += [("LINEBEFORE", (0, 0), (-1, -1), 0.6, GRID),
                 ("BOX", (0, 0), (-1, -1), 0.6, GRID),
                 ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID),
                 ("VALIGN", (0, 1), (-1, -1), "TOP")]
    widths = scaled_widths([10, 22, 40, 47, 17, 19, 17, 21, 30, 22], ctx.width)
    if not rows:
        rows = [[ctx.centered(_("(none)"))] + [""] * 9]
        commands.append(("SPAN", (0, 1), (-1, 1)))
    return [*title_block(ctx, sheet), info_line(ctx, sheet),
            header_table(ctx.heads(names), widths, rows, extra=commands, grid=False)]


# -- 催办通知单 ----------------------------------------------------------------------------


def urge_reason(fields: Mapping, as_of: dt.date) -> str:
    """Why the unit is urged, and 第N次催办 when it was urged about this on an earlier day."""
    due = dt.date.fromisoformat(fields["due_date"]) if fields.get("due_date") else None
    if due is None:
        reason = translate(STATE_LABELS[State(fields["state"])])
    elif (days := (due - as_of).days) < 0:
        reason = _("Overdue by {days} day(s)").format(days=-days)
    elif days == 0:
        reason = _("Due today")
    else:
        reason = _("Due in {days} day(s)").format(days=days)
    if fields.get("urged_before"):
        reason += "\n" + _("Urging no. {number}").format(number=fields["urged_before"] + 1)
    return reason


def urge_flowables(ctx: Context, sheet: Sheet) -> list[Flowable]:
    styles, as_of = ctx.styles, sheet.params.as_of
    problems = sheet.of("problem")
    red = sum(1 for p in problems if p.fields["light"] == Light.RED.value)
    out: list[Flowable] = [*title_block(ctx, sheet)]
    out.append(para(_("{unit}:").format(unit=filing_unit(sheet)), styles.addressee))
    out.append(para(_("As of {date}, the {count} problem(s) below that your unit is responsible "
                      "for are overdue ({red}) or due soon ({yellow}). Please carry out the "
                      "rectification measures without delay and report the progress with "
                      "evidence; where a deadline cannot be kept, explain why in writing.")
                    .format(date=format_date(as_of), count=len(problems), red=red,
                            yellow=len(problems) - red),
                    styles.prose))
    out.append(Spacer(1, 8))
    names = [_("Seq."), _("Problem description"), _("Rectification measures"), _("Deadline"),
             _("Reason for urging")]
    rows: list[list] = []
    current: list[str] = []

    def flush() -> None:
        if rows:
            rows[-1][2] = ctx.cell("\n".join(current))

    for item in sheet.items:
        if item.entity == "problem":
            flush()
            current = []
            f = item.fields
            code = f"[{f['code']}] " if f["code"] else ""
            rows.append([ctx.centered(str(len(rows) + 1)), ctx.cell(code + f["description"]),
                         "", ctx.centered(deadline_text(f)),
                         ctx.centered(urge_reason(f, as_of))])
        elif item.entity == "measure":
            m = item.fields
            person = "、".join(p for p in (m["resp_leader"], m["resp_person"]) if p)
            line = f"{len(current) + 1}. {m['text']}"
            if person:
                line += _(" (responsible: {person})").format(person=person)
            current.append(line)
    flush()
    widths = scaled_widths([10, 52, 50, 22, 22], ctx.width)
    out.append(header_table(ctx.heads(names), widths, rows,
                            extra=[("VALIGN", (0, 1), (-1, -1), "TOP")]))
    out.append(Spacer(1, 12))
    campaign = sheet.first("campaign").fields
    issuer = campaign.get("unit") or campaign.get("issuer") or ""
    out.append(closing_signature(ctx, [_("Issued by (seal): {unit}").format(unit=issuer),
                                       _("Date: {date}").format(date=format_date(as_of))],
                                 ctx.seal_images.get(campaign.get("unit_uuid") or "")))
    out.append(Spacer(1, 10))
    out.append(para(_("Received by: ______________    Date received: ______________"),
                    styles.info))
    return out


def closing_signature(ctx: Context, lines: Sequence[str], seal: Path | None) -> Table:
    """Lines at the foot of a letter-like sheet with the seal box beside them."""
    text = [para(line, ctx.styles.info) for line in lines]
    table = Table([[text, SealBox(ctx.styles, image=seal)]],
                  colWidths=[ctx.width - 42 * 2.83465, 42 * 2.83465])
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE")], grid=False))
    return table


# -- 阶段性报告 ----------------------------------------------------------------------------


def report_flowables(ctx: Context, sheet: Sheet) -> list[Flowable]:
    styles = ctx.styles
    units = [u.fields for u in sheet.of("unit") if u.view == "report"]
    unit_figures = [Figures.from_counts(u["states"], u["lights"]) for u in units]
    overall = Figures()
    for figures in unit_figures:
        overall.merge(figures)
    states = overall.states
    title = translate(SHEET_TITLES[sheet.kind])
    out: list[Flowable] = [*title_block(ctx, sheet, title)]
    scope = filing_unit(sheet)
    out.append(para(_("({unit}, as of {date})").format(unit=scope,
                                                       date=format_date(sheet.params.as_of)),
                    styles.subtitle))
    out.append(para(_("1. Overall"), styles.heading))
    overview = _(
        "{total} problem(s) are in the ledger of this campaign; {closed} are closed (销号), a "
        "completion rate of {rate}; {on_time} were closed on time, {on_time_rate} of those "
        "closed. Of the {open} still open, {red} are overdue, {yellow} are due soon and "
        "{stale} ongoing item(s) reported no progress this cycle."
    ).format(total=overall.in_ledger, closed=overall.closed,
             rate=percent_text(overall.completion_rate), on_time=overall.on_time,
             on_time_rate=percent_text(overall.on_time_rate),
             open=overall.in_ledger - overall.closed, red=overall.red, yellow=overall.yellow,
             stale=overall.stale)
    if states[State.DRAFT.value]:
        overview += _(" {count} more are drafts not yet submitted.").format(
            count=states[State.DRAFT.value])
    out.append(para(overview, styles.prose))
    state_names = [translate(STATE_LABELS[s]) for s in State] + [_("Total")]
    state_row = [ctx.centered(str(states[s.value])) for s in State]
    out += [Spacer(1, 6), header_table(ctx.heads(state_names),
                                       scaled_widths([1] * 6, ctx.width),
                                       [[*state_row, ctx.centered(str(overall.total))]])]
    out.append(para(_("2. Progress by unit"), styles.heading))
    names = [_("Seq."), _("Unit"), _("Problems"), _("Closed"), _("Not yet closed"), _("Overdue"),
             _("Due soon"), _("Completion rate"), _("On-time rate")]
    rows = []
    for n, (u, f) in enumerate(zip(units, unit_figures, strict=True), start=1):
        rows.append([ctx.centered(str(n)), ctx.cell(u["name"])] + [ctx.centered(v) for v in (
            str(f.in_ledger), str(f.closed), str(f.in_ledger - f.closed), str(f.red),
            str(f.yellow), percent_text(f.completion_rate), percent_text(f.on_time_rate))])
    if not rows:
        rows = [[ctx.centered(_("(none)"))] + [""] * 8]
    out.append(header_table(ctx.heads(names), scaled_widths([11, 30, 14, 14, 14, 14, 17, 21, 21],
                                                            ctx.width), rows))
    out += report_charts(ctx, sheet, units, unit_figures)
    out.append(Spacer(1, 16))
    out.append(closing_signature(ctx, [_("Principal leader (signature):"),
                                       _("Unit (seal): {unit}").format(unit=scope),
                                       _("Date: {date}").format(
                                           date=format_date(sheet.params.as_of))],
                                 seal_image(ctx, sheet)))
    return out


CHART_PX_PER_PT = 1.4  # logical chart pixels per point: text in the chart reads like the body


def report_charts(ctx: Context, sheet: Sheet, units: Sequence[Mapping],
                  unit_figures: Sequence[Figures]) -> list[Flowable]:
    """3. Charts: the units' progress (from the same counts as the table above) and the open
    problems over time up to the report's date; none when no chart painter was handed in."""
    campaign = Campaign.get_or_none(Campaign.uuid == sheet.params.campaign_uuid)
    if ctx.chart_images is None or campaign is None or not units:
        return []
    width_px = int(ctx.width * CHART_PX_PER_PT)
    rows = [(u["name"], f) for u, f in zip(units, unit_figures, strict=True)]
    images = [Image(io.BytesIO(png), width=ctx.width, height=height / CHART_PX_PER_PT)
              for png, height in ctx.chart_images(campaign.id, sheet.params.as_of, rows,
                                                  width_px)]
    if not images:
        return []
    # the heading stays with the first chart rather than ending a page on its own
    out: list[Flowable] = [KeepTogether([para(_("3. Charts"), ctx.styles.heading), images[0]])]
    for image in images[1:]:
        out += [Spacer(1, 8), image]
    return out


RENDERERS: dict[SheetKind, Callable[[Context, Sheet], list[Flowable]]] = {
    SheetKind.PROBLEMS: problems_flowables,
    SheetKind.PLAN: plan_flowables,
    SheetKind.SIGNOFF: signoff_flowables,
    SheetKind.URGE: urge_flowables,
    SheetKind.REPORT: report_flowables,
}


# -- entry points --------------------------------------------------------------------------


def render_pdf(
    sheets: Sequence[Sheet],
    codes: Sequence[str] | None = None,
    signature_images: ImageMap | None = None,
    seal_images: ImageMap | None = None,
    fonts: FontSet | None = None,
    chart_images: ChartImages | None = None,
) -> bytes:
    """The sheets (all of one kind) as one PDF; each starts on a new page with its own page
    numbers and carries its code (default: the code its content gets) in every footer. A
    report gets its charts from ``chart_images`` when one is given."""
    if not sheets:
        raise ValueError("no sheet to render")
    kind = sheets[0].kind
    if any(s.kind != kind for s in sheets):
        raise ValueError("sheets of different kinds cannot share one PDF")
    codes = list(codes) if codes is not None else [sheet_codes.code_for(s) for s in sheets]
    styles = Styles.make(fonts or sheet_fonts())
    geometry = GEOMETRY[kind]
    ctx = Context(styles, geometry, signature_images or {}, seal_images or {}, chart_images)

    def story() -> list[Flowable]:
        flowables: list[Flowable] = []
        for index, (sheet, code) in enumerate(zip(sheets, codes, strict=True)):
            if index:
                flowables.append(PageBreak())
            flowables.append(SheetStart(code))
            flowables += RENDERERS[kind](ctx, sheet)
        set_table_font(flowables, styles.fonts.body)
        return flowables

    def build(split_in_row: int) -> bytes:
        buffer = io.BytesIO()
        doc = SheetDocument(buffer, geometry, styles, translate(SHEET_TITLES[kind]),
                            lambda code: _("Verification code: {code}").format(
                                code=sheet_codes.format_code(code)))
        flowables = story()
        if split_in_row:  # reportlab splits inside a row only for top-aligned cells
            for f in flowables:
                if isinstance(f, Table):
                    f.splitInRow = split_in_row
                    f.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP")])
        doc.build(flowables)
        return buffer.getvalue()

    try:
        return build(0)
    except LayoutError:
        # a cell taller than a page (a very long description): split rows inside instead
        return build(48)


def export_sheets(
    session: Session,
    sheets: Sequence[Sheet],
    out: Path | str,
    signature_images: ImageMap | None = None,
    seal_images: ImageMap | None = None,
    fonts: FontSet | None = None,
    record_urges: bool = True,
    chart_images: ChartImages | None = None,
) -> list[str]:
    """Render, write ``out`` whole or not at all, and store the codes in the same step (no
    stored code without its file, no file whose code is not stored); an urging notice records
    its urges in that step too, unless ``record_urges`` is false (a preview on screen, whose
    urges ``deliver_urges`` records once it is printed or saved). Returns the codes."""
    codes = [sheet_codes.code_for(s) for s in sheets]
    data = render_pdf(sheets, codes, signature_images, seal_images, fonts, chart_images)
    issued: list[str] = []

    def store() -> None:
        issued.extend(sheet_codes.issue(session, s) for s in sheets)
        if record_urges:
            deliver_urges(session, sheets, issued)

    with database.atomic():
        write_atomically(data, Path(out), commit=store)
    return issued


def deliver_urges(session: Session, sheets: Sequence[Sheet], codes: Sequence[str]) -> None:
    """An urging notice that left the office (written, printed or saved) is an urge of each
    problem on it; recording the same notice again adds nothing."""
    with database.atomic():
        for sheet, code in zip(sheets, codes, strict=True):
            if sheet.kind == SheetKind.URGE:
                urging.record_sheet_urges(session, sheet, code)


def print_sheets(
    session: Session,
    kind: str,
    campaign_id: int,
    out: Path | str,
    unit_id: int | None = None,
    problem_id: int | None = None,
    as_of: dt.date | None = None,
    signature_images: ImageMap | None = None,
    seal_images: ImageMap | None = None,
    problem_ids: Sequence[int] | None = None,
    chart_images: ChartImages | None = None,
) -> list[str]:
    """Build the sheets of one print request and export them (see ``sheet_data.build_for``)."""
    sheets = sheet_data.build_for(kind, campaign_id, unit_id, problem_id, as_of, problem_ids)
    return export_sheets(session, sheets, out, signature_images, seal_images,
                         chart_images=chart_images)
