"""``rectify stats``: the dashboard's figures of one campaign on a terminal, or as JSON for
scripts and the higher office's own tools.

The labels are in Chinese and English side by side, like the other subcommands, so that the
table reads the same whatever language the terminal's owner speaks.
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from collections.abc import Sequence

from desktop.cli import _add_db, _iso_date, _open

STATE_NAMES = {
    "draft": "草稿 draft",
    "submitted": "待审核 submitted",
    "rectifying": "整改中 rectifying",
    "closing_requested": "待销号 closing",
    "closed": "已销号 closed",
}
CYCLE_NAMES = {"week": "每周 weekly", "month": "每月 monthly", "quarter": "每季度 quarterly"}
QUEUE_NAMES = {"review": "待审核 to review", "verify": "待核实 to verify",
               "sign": "待签字 to sign", "mine_returned": "被退回 returned to me"}
COLUMNS = ("问题 total", "已销号 closed", "完成率 done %", "按期率 on time %",
           "超期 red", "临期 yellow", "未报进展 stale")


def add_parser(sub: argparse._SubParsersAction) -> None:
    stats = sub.add_parser("stats", help="campaign figures: rates, lights, per unit, area and "
                                         "person, burn-down, milestones, next filing")
    _add_db(stats)
    stats.add_argument("--campaign", required=True, help="campaign uuid, name or id")
    stats.add_argument("--as-of", type=_iso_date, help="judge the lights on this date, "
                                                      "YYYY-MM-DD (default: today)")
    stats.add_argument("--due-within", type=int, metavar="N",
                       help="yellow light: due within N working days (default: the campaign's)")
    stats.add_argument("--json", action="store_true")


def width(text: str) -> int:
    """Columns a string takes on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    gap = " " * max(0, columns - width(text))
    return gap + text if right else text + gap


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{100 * rate:.1f}%"


def table(head: str, rows: Sequence[tuple[str, dict]]) -> list[str]:
    """One breakdown as aligned columns; ``rows`` are (name, figures as_dict)."""
    cells = [[name, str(f["total"]), str(f["closed"]), percent(f["completion_rate"]),
              percent(f["on_time_rate"]), str(f["red"]), str(f["yellow"]), str(f["stale"])]
             for name, f in rows]
    header = [head, *COLUMNS]
    widths = [max(width(line[i]) for line in [header, *cells]) for i in range(len(header))]
    return ["  ".join(pad(value, widths[i], right=i > 0) for i, value in enumerate(line))
            for line in [header, *cells]]


def format_figures(d: dict) -> str:
    o = d["overall"]
    lines = [
        f"专项整治 campaign: {d['campaign']['name']}  [{d['campaign']['uuid']}]",
        f"截至 as of: {d['as_of']}",
        f"问题总数 problems: {o['total']}  ("
        + ", ".join(f"{STATE_NAMES[k]}={v}" for k, v in o["states"].items()) + ")",
        f"整改完成率 completion rate: {percent(o['completion_rate'])}  "
        f"({o['closed']} 已销号 closed / {o['in_ledger']} 已入账 past draft)",
        f"按期完成率 on-time rate: {percent(o['on_time_rate'])}  "
        f"({o['on_time']} 按期 on time / {o['closed']} 已销号 closed; {o['late']} 逾期 late)",
        f"超期 overdue (red): {o['red']}   "
        f"{d['due_within']}个工作日内到期 due within {d['due_within']} working days "
        f"(yellow, to {d['yellow_until']}): {o['yellow']}   "
        f"长期坚持本周期未报进展 ongoing without progress (stale): {o['stale']}",
    ]
    filing = d["filing"]
    lines.append(f"下次报送 next filing ({CYCLE_NAMES.get(filing['cycle'], filing['cycle'])}): "
                 f"{filing['date']}  (还有 {filing['workdays_left']} 个工作日 working days)")
    burn = d["burndown"]
    if burn["days"]:
        ideal = burn["ideal"][-1]
        shown = "—" if ideal is None else f"{ideal:.0f}"
        lines.append(f"未销号问题 open problems: {burn['open'][0]} ({burn['days'][0]}) → "
                     f"{burn['open'][-1]} ({burn['days'][-1]}); 理想 ideal {shown}")
    timeline = d["timeline"]
    for p in timeline["phases"]:
        mark = "▶ " if p["current"] else "  "
        lines.append(f"{mark}阶段 phase: {p['name']}  {p['start_date'] or '?'} – "
                     f"{p['end_date'] or '?'}")
    for m in timeline["overdue"]:
        lines.append(f"  ! 逾期节点 overdue milestone: {m['name']}  {m['due_date']}  "
                     f"(逾期 {-m['workdays_left']} 个工作日 working days late)")
    for m in timeline["upcoming"]:
        lines.append(f"  时间节点 milestone: {m['name']}  {m['due_date']}  "
                     f"(还有 {m['workdays_left']} 个工作日 working days)")
    if d["my_work"] is not None:
        lines.append("我的待办 my work: " + ", ".join(
            f"{QUEUE_NAMES[k]}={v}" for k, v in d["my_work"].items() if v is not None))
    lines.append("")
    lines += table("按单位（含下级）by unit with sub-units", [("  " * u["depth"] + u["name"], u["rolled_up"])
                                    for u in d["units"]])
    lines.append("")
    lines += table("按整治重点 by area", [(a["name"] or "未分类 not classified", a["figures"])
                                        for a in d["areas"]])
    lines.append("")
    lines += table("按责任人 by person", [(p["name"] or "未明确责任人 nobody named",
                                          p["figures"]) for p in d["persons"]])
    return "\n".join(lines)


def cmd_stats(args: argparse.Namespace) -> int:
    from desktop.core import record_lookup
    from desktop.core.stats import campaign_figures

    _open(args)
    campaign = record_lookup.campaign(args.campaign)
    figures = campaign_figures(campaign.id, args.as_of, args.due_within).as_dict()
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        print(format_figures(figures))
    return 0


COMMANDS = {"stats": cmd_stats}
