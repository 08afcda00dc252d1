"""``rectify export`` and ``rectify import``: the ledger workbook for the USB stick, and the
higher office's consolidation (汇总) of the workbooks it is handed, without a screen.

An import prints one summary per file (or ``--json``), and exits with 1 when a file is
refused or left out (unreadable, tampered, conflicts without ``--prefer``, a hand-made ledger
with unreadable rows without ``--accept-partial``); the files that can be imported still are,
in one transaction.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop.cli import _add_db, _iso_date, _open

KIND_NAMES = {"ledger": "台账 ledger", "handmade": "手工台账 hand-made", None: "— unreadable"}
STATUS_NAMES = {
    "ready": "可导入 ready",
    "nothing": "无变化 nothing new",
    "conflicts": "有冲突，未导入 conflicts, not imported (use --prefer)",
    "partial": "有无法读取的行，未导入 unreadable rows, not imported (use --accept-partial)",
    "rejected": "已拒绝 rejected",
    "imported": "已导入 imported",
}
COUNT_NAMES = (("new", "新增 new"), ("updated", "更新 updated"), ("unchanged", "未变 unchanged"),
               ("conflicts", "冲突 conflicts"), ("rejected", "拒绝 rejected"))


def add_parser(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser("export", help="write the ledger workbook (.xlsx) of a campaign")
    _add_db(export)
    export.add_argument("--campaign", required=True, help="campaign uuid or exact name")
    export.add_argument("--unit", help="one unit (with its sub-units), uuid or exact name; "
                                       "it is also the filing unit")
    export.add_argument("--as-of", type=_iso_date, help="the ledger as of this date, "
                                                       "YYYY-MM-DD (default: today)")
    export.add_argument("--consolidated", action="store_true",
                        help="group the problems by unit, with subtotals")
    export.add_argument("--out", required=True, type=Path, metavar="FILE.xlsx")

    importing = sub.add_parser("import", help="consolidate ledger workbooks (Rectify ledgers "
                                              "or hand-made ones): dry run, then import")
    _add_db(importing)
    importing.add_argument("files", nargs="+", type=Path, metavar="FILE")
    importing.add_argument("--campaign", help="campaign of hand-made ledgers (uuid or exact "
                                              "name); required for them")
    importing.add_argument("--unit", help="unit of hand-made ledgers (default: the 填报单位 on "
                                          "the sheet, else the campaign's unit)")
    importing.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    importing.add_argument("--accept-partial", action="store_true",
                           help="import the readable rows of hand-made ledgers, leaving out "
                                "the rows listed as unreadable")
    importing.add_argument("--prefer", choices=("incoming", "local"),
                           help="decide every conflict for the file's or this database's "
                                "version (without it a file with conflicts is not imported)")
    importing.add_argument("--tampered-as-handmade", action="store_true",
                           help="import the visible sheet of a ledger whose records fail "
                                "their checksum as a hand-made ledger (marked unverified)")
    importing.add_argument("--json", action="store_true")


def cmd_export(args: argparse.Namespace) -> int:
    from desktop.core import record_lookup
    from desktop.core.ledger_data import LedgerScope
    from desktop.core.session import Session
    from desktop.exchange.ledger_exchange import export_ledger
    from desktop.exchange.safe_write import size_text

    _open(args)
    campaign = record_lookup.campaign(args.campaign)
    unit_id = record_lookup.unit(args.unit) if args.unit else None
    scope = LedgerScope(campaign.id, unit_id=unit_id, as_of=args.as_of,
                        consolidated=args.consolidated)
    result = export_ledger(Session.system(), scope, args.out)
    print(f"已导出 / written: {result.path}  ({size_text(result.size)}, "
          f"SHA-256 {result.checksum[:16]}…)")
    return 0


def summary_lines(entry: dict) -> list[str]:
    counts = "  ".join(f"{label}={entry[key]}" for key, label in COUNT_NAMES)
    lines = [f"{entry['file']}  [{KIND_NAMES.get(entry['kind'], entry['kind'])}]  "
             f"{STATUS_NAMES[entry['status']]}", f"  {counts}"]
    for error in entry["errors"]:
        where = f"第{error['row']}行 row {error['row']}: " if error["row"] is not None else ""
        lines.append(f"  - {where}{error['reason']}")
    return lines


def cmd_import(args: argparse.Namespace) -> int:
    from desktop.core import record_lookup
    from desktop.core.session import Session
    from desktop.exchange.ledger_exchange import (
        Status,
        handmade_report,
        import_files,
        inspect_files,
    )

    _open(args)
    campaign_id = record_lookup.campaign(args.campaign).id if args.campaign else None
    unit_id = record_lookup.unit(args.unit) if args.unit else None
    reports = inspect_files(args.files, campaign_id, unit_id)
    if args.tampered_as_handmade:
        reports = [handmade_report(r.path, campaign_id, unit_id) if r.tampered else r
                   for r in reports]
    decisions = {}
    if args.prefer:
        decisions = {i.uuid: args.prefer for r in reports if r.plan for i in r.plan.conflicts}
    if not args.dry_run:
        import_files(Session.system(), reports, decisions, args.accept_partial)
    entries = [r.as_dict() for r in reports]
    if args.json:
        print(json.dumps({"files": entries}, ensure_ascii=False, indent=2))
    else:
        for entry in entries:
            print("\n".join(summary_lines(entry)))
        if args.dry_run:
            print("试运行，未写入 / dry run: nothing was written")
    left_out = {Status.REJECTED, Status.CONFLICTS, Status.PARTIAL}
    if args.dry_run:
        failed = any(r.status == Status.REJECTED for r in reports)
    else:
        failed = any(r.status in left_out for r in reports)
    if failed and not args.json:
        print("有文件未导入 / some files were not imported", file=sys.stderr)
    return 1 if failed else 0


COMMANDS = {"export": cmd_export, "import": cmd_import}
