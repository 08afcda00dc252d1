"""销号审批表: the closing form of one problem, filled from its recorded workflow steps.

The form is what the unit files as proof that a problem was closed properly: what was wrong,
what was done (measures, completion, evidence), who asked to close it, who verified it and
who signed, each with the opinion and date the app recorded. A return (退回) or reopening on
the way is shown with its opinion, because a closing that was once sent back is read
differently. Blocks for steps not yet taken stay blank for the pen; the seal area is an empty
box reading （盖章）.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from desktop.core.i18n import _, translate
from desktop.core.models import STATE_LABELS, State
from desktop.core.sheet_data import Sheet
from desktop.core.workflow import ACTION_LABELS
from desktop.exchange.sheet_layout import (
    SealBox,
    format_date,
    format_time,
    para,
    scaled_widths,
    signature_cell,
    table_style,
)

if TYPE_CHECKING:
    from desktop.exchange.sheets import Context

SEAL = 30 * mm


def _closing_steps(steps: list[Mapping]) -> dict[str, Mapping | None]:
    """The steps of the latest closing round: its request, verification and signature."""
    start = max((i for i, s in enumerate(steps)
                 if s["action"] in ("request_close", "close_at_once")), default=None)
    found: dict[str, Mapping | None] = {"request": None, "verify": None, "sign": None}
    if start is None:
        return found
    for step in steps[start:]:
        action = step["action"]
        if action == "request_close":
            found["request"] = step
        elif action == "verify":
            found["verify"] = step
        elif action in ("sign_close", "close_at_once"):
            found["sign"] = step
            if action == "close_at_once":
                found["verify"] = step
        elif action in ("return", "reopen"):
            found["verify"] = found["sign"] = None
    return found


def _measures_text(measures: list[Mapping]) -> str:
    lines = []
    for n, m in enumerate(measures, start=1):
        lines.append(f"{n}. {m['text']}")
        details = []
        person = "、".join(p for p in (m["resp_leader"], m["resp_person"]) if p)
        if person:
            details.append(_("Responsible: {person}").format(person=person))
        if m["done_date"]:
            details.append(_("Done {date}").format(date=format_date(m["done_date"])))
        else:
            details.append(_("In progress"))
        if m["result"]:
            details.append(_("Result: {result}").format(result=m["result"]))
        lines.append("    " + _("; ").join(details))
    return "\n".join(lines) or _("(none)")


def _step_note(step: Mapping) -> str:
    template = (_("Signed electronically by {name} at {time}") if step["signed"]
                else _("Recorded by {name} at {time}"))
    return template.format(name=step["user_name"], time=format_time(step["at"]))


def _opinion_block(ctx: Context, step: Mapping | None, caption: str, width: float,
                   with_seal: bool = False, seal: Path | None = None) -> list | Table:
    """An opinion cell: the recorded opinion (or room to write one), a line to sign on with
    the signer's image when supplied, and the seal box beside it for the leader."""
    styles = ctx.styles
    text_width = width - SEAL - 4 * mm if with_seal else width
    parts: list = []
    if step is not None:
        # the opinion, then in small type who recorded or signed it and when
        opinion = step["opinion"] or translate(ACTION_LABELS[step["action"]])
        parts.append(Paragraph(f'{escape(opinion)} <font size="8.5" color="#555555">'
                               f'（{escape(_step_note(step))}）</font>', styles.cell))
    else:
        parts.append(Spacer(1, 10 * mm))
    image = ctx.signature_images.get(step["user"]) if step else None
    # room to write the date by hand: no-break spaces, which a paragraph does not collapse
    blank = _("     year     month     day").replace(" ", "\u00a0")
    date = format_date(step["at"][:10]) if step else blank
    date_text = _("Date: {date}").format(date=date)
    parts.append(signature_cell(styles, caption, image, text_width,
                                date="" if with_seal else date_text))
    if with_seal:  # beside the seal box the line is short: the date goes under it
        parts.append(para(date_text, styles.cell))
    if not with_seal:
        return parts
    table = Table([[parts, SealBox(styles, SEAL, seal)]], colWidths=[text_width + 4 * mm, SEAL])
    table.setStyle(table_style([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("RIGHTPADDING", (0, 0), (-1, -1), 0)], grid=False))
    return table


def signoff_flowables(ctx: Context, sheet: Sheet) -> list[Flowable]:
    from desktop.exchange.sheets import deadline_text, description_text, kind_label, title_block

    styles = ctx.styles
    problem = sheet.first("problem").fields
    measures = [m.fields for m in sheet.of("measure")]
    evidence = [e.fields for e in sheet.of("evidence_file")]
    steps = [t.fields for t in sheet.of("transition")]
    closing = _closing_steps(steps)
    label_w, value_w, _label, _value = scaled_widths([24, 54, 24, 54], ctx.width)
    span_w = ctx.width - label_w

    def label(text: str):
        return para(text, styles.label)

    def cell(text: str):
        return para(text, styles.cell)

    state = translate(STATE_LABELS[State(problem["state"])])
    rows: list[list] = [
        [label(_("Problem category")), cell(problem["catalog"]), label(_("Rectification type")),
         cell(kind_label(problem["kind"]))],
        [label(_("Date found")), cell(format_date(problem["found_date"])), label(_("Deadline")),
         cell(deadline_text(problem))],
        [label(_("How it was found")), cell(problem["source"]), label(_("State")), cell(state)],
        [label(_("Problem description")), cell(description_text(problem)), "", ""],
    ]
    if problem["root_cause"]:
        rows.append([label(_("Root cause")), cell(problem["root_cause"]), "", ""])
    rows.append([label(_("Rectification measures and completion")),
                 cell(_measures_text(measures)), "", ""])
    files = "\n".join(f"{n}. {e['filename']}" for n, e in enumerate(evidence, start=1))
    rows.append([label(_("Evidence")), cell(files or _("(none)")), "", ""])
    request = closing["request"]
    rows.append([label(_("Closing requested by the responsible unit")),
                 _opinion_block(ctx, request, _("Responsible person (signature):"), span_w - 8),
                 "", ""])
    sent_back = [s for s in steps if s["action"] in ("return", "reopen")]
    if sent_back:
        lines = [f"{format_date(s['at'][:10])} {translate(ACTION_LABELS[s['action']])}"
                 f"（{s['user_name']}）：{s['opinion']}" for s in sent_back]
        rows.append([label(_("Returned with opinion")), cell("\n".join(lines)), "", ""])
    rows.append([label(_("Review opinion")),
                 _opinion_block(ctx, closing["verify"], _("Reviewer (signature):"), span_w - 8),
                 "", ""])
    unit_seal = ctx.seal_images.get(sheet.params.unit_uuid or "")
    rows.append([label(_("Leader's opinion")),
                 _opinion_block(ctx, closing["sign"], _("Leader (signature):"), span_w - 8,
                                with_seal=True, seal=unit_seal),
                 "", ""])
    spans = [("SPAN", (1, r), (3, r)) for r in range(3, len(rows))]
    table = Table(rows, colWidths=[label_w, value_w, label_w, value_w])
    table.setStyle(table_style([*spans, ("VALIGN", (1, 3), (-1, -1), "TOP"),
                                ("TOPPADDING", (0, 0), (-1, -1), 2),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    unit = sheet.first("unit")
    head = Table([[para(_("Unit: {unit}").format(unit=unit.fields["name"] if unit else ""),
                        styles.cell),
                   para(_("Problem code: {code}").format(code=problem["code"] or "—"),
                        styles.cell)]],
                 colWidths=[ctx.width * 0.6, ctx.width * 0.4])
    head.setStyle(table_style([("ALIGN", (1, 0), (1, 0), "RIGHT"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)], grid=False))
    return [*title_block(ctx, sheet), head, table]
