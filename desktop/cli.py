"""The ``rectify`` command: the GUI by default, and subcommands that work without a screen.

Every subcommand calls the same core services the window uses. Errors are domain errors,
printed in Chinese and English so that whoever reads the terminal can act on them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from desktop import __version__
from desktop.core import paths
from desktop.core.errors import DomainError
from desktop.core.i18n import LANGUAGES, set_language

PROG = "rectify"


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="PATH",
        help="database file (default: rectify.db in the user data directory) "
             "or a postgresql:// URL",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="问题整改台账 Rectify")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--lang", choices=LANGUAGES, help="interface language (default zh_CN)")
    _add_db(parser)
    parser.add_argument("--screenshot", metavar="FILE.png", type=Path,
                        help="render the window at 1366x768 offscreen, save a PNG and exit")
    parser.add_argument("--page", default="dashboard",
                        help="page for --screenshot: dashboard, problems, review, statistics, "
                             "settings[/TAB], form[/TAB], welcome")
    parser.add_argument("--user", help="account whose view --screenshot shows "
                                       "(default: the first administrator)")
    sub = parser.add_subparsers(dest="command")

    demo = sub.add_parser("demo", help="add a realistic demo campaign to a database")
    _add_db(demo)
    demo.add_argument("--problems", type=int, default=300)
    demo.add_argument("--units", type=int, default=12)
    demo.add_argument("--seed", type=int, default=1)

    info = sub.add_parser("info", help="schema version, counts per table and state, campaigns")
    _add_db(info)
    info.add_argument("--json", action="store_true")

    verify = sub.add_parser("verify-audit", help="check the hash chain and every record")
    _add_db(verify)

    outline = sub.add_parser("outline", help="parse the numbered outline of a plan (text file)")
    outline.add_argument("file", type=Path)
    outline.add_argument("--json", action="store_true")

    holidays = sub.add_parser("holidays", help="list holiday overrides; read a holiday notice")
    _add_db(holidays)
    holidays.add_argument("--import-notice", metavar="FILE", type=Path,
                          help="the State Council's holiday notice as a text file")
    holidays.add_argument("--year", type=int)

    printing = sub.add_parser("print", help="print a sheet (PDF) with its verification code")
    _add_db(printing)
    printing.add_argument("--sheet", required=True, choices=SHEET_CHOICES,
                          help="problems: 问题清单, plan: 整改清单, signoff: 销号审批表, "
                               "urge: 催办通知单, report: 阶段性报告")
    printing.add_argument("--campaign", required=True, help="campaign uuid, name or id")
    printing.add_argument("--unit", help="unit name or uuid (default: every unit)")
    printing.add_argument("--problem", help="problem code or uuid (signoff; default: every "
                                            "problem waiting for closing or closed)")
    printing.add_argument("--date", type=_iso_date, help="as of this date, YYYY-MM-DD "
                                                         "(default: today)")
    printing.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")

    checking = sub.add_parser("verify-code", help="check a printed sheet's verification "
                                                     "code against the records")
    checking.add_argument("code")
    _add_db(checking)
    from desktop import cli_stats

    cli_stats.add_parser(sub)
    COMMANDS.update(cli_stats.COMMANDS)
    from desktop import cli_exchange

    cli_exchange.add_parser(sub)
    COMMANDS.update(cli_exchange.COMMANDS)
    from desktop import cli_selftest

    cli_selftest.add_parser(sub)
    COMMANDS.update(cli_selftest.COMMANDS)
    from desktop import cli_backup

    cli_backup.add_parser(sub)
    COMMANDS.update(cli_backup.COMMANDS)
    WRITES.update(cli_backup.WRITES)
    return parser


SHEET_CHOICES = ("problems", "plan", "signoff", "urge", "report")


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from error


def print_error(error: DomainError) -> None:
    print(f"错误：{error.message('zh_CN')}\nError: {error.message('en')}", file=sys.stderr)


def database_target(args: argparse.Namespace) -> str | Path:
    return args.db if args.db else paths.default_database()


def _open(args: argparse.Namespace):
    from desktop.core import db

    return db.open_database(database_target(args))


def cmd_demo(args: argparse.Namespace) -> int:
    from desktop.core.demo import build_demo

    _open(args)
    started = time.perf_counter()

    def report(done: int, total: int) -> None:
        print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    interactive = sys.stderr.isatty()
    result = build_demo(args.problems, args.units, args.seed,
                        progress=report if interactive else None)
    if interactive:
        print(file=sys.stderr)
    print(f"演示专项整治已建立 / demo campaign built: {result.problems} problems, "
          f"{result.units} units, {time.perf_counter() - started:.1f} s")
    print("  " + ", ".join(f"{k}={v}" for k, v in sorted(result.by_state.items())))
    print("  用户 / users: " + ", ".join(result.users) + f"  (密码 / password: "
          f"{next(iter(result.users.values()))})")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from desktop.core.summary import database_info

    _open(args)
    info = database_info()
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    print(f"数据库 database: {info['database']}  (schema {info['schema_version']})")
    print("问题状态 states: " + ", ".join(f"{k}={v}" for k, v in info["states"].items()))
    for c in info["campaigns"]:
        lights = ", ".join(f"{k}={v}" for k, v in c["lights"].items())
        print(f"- {c['name']}  [{c['uuid']}]  problems={c['problems']}  {lights}")
    print("记录 records: " + ", ".join(f"{k}={v}" for k, v in info["counts"].items()))
    return 0


def cmd_verify_audit(args: argparse.Namespace) -> int:
    from desktop.core import audit, audit_check

    _open(args)
    report = audit.verify()
    if report.ok:
        print(f"审计日志完好 / audit log intact: {report.events} events, "
              f"{report.records} records checked")
        return 0
    broken = audit_check.first_broken(report)
    if broken is not None:  # the same words as the window's warning, in both languages
        print(broken.message("zh_CN"))
        print(broken.message("en"))
    for entity, uuid, why in report.tampered[:20]:
        print(f"记录被改动 / record changed outside the app: {entity} {uuid}: {why}")
    if len(report.tampered) > 20:
        print(f"... {len(report.tampered) - 20} more")
    return 1


def cmd_outline(args: argparse.Namespace) -> int:
    from desktop.core.outline import format_tree, outline_json, parse_outline

    text = args.file.read_text(encoding="utf-8-sig")
    if args.json:
        print(json.dumps(outline_json(text), ensure_ascii=False, indent=2))
    else:
        print(format_tree(parse_outline(text)))
    return 0


def cmd_holidays(args: argparse.Namespace) -> int:
    from desktop.core import calendar, clock
    from desktop.core.models import HolidayOverride
    from desktop.core.session import Session

    _open(args)
    if args.import_notice:
        text = args.import_notice.read_text(encoding="utf-8-sig")
        count = calendar.import_notice(Session.system(), text, args.year)
        print(f"已保存 {count} 天 / {count} days stored")
    for row in HolidayOverride.live().order_by(HolidayOverride.day):
        kind = "上班 workday" if row.is_workday else "放假 holiday"
        print(f"{row.day}  {kind}  {row.name}  ({row.source})")
    today = clock.today()
    unknown = calendar.load_calendar().unknown_years_in(today, today.replace(year=today.year + 1))
    for year in unknown:
        print(f"内置日历不含 {year} 年节假日，请导入国务院节假日安排通知 / "
              f"the built-in calendar does not know {year}: import the holiday notice")
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    from desktop.core import record_lookup
    from desktop.core.session import Session
    from desktop.core.sheet_codes import format_code
    from desktop.exchange.sheets import print_sheets
    from desktop.ui.report_charts import report_chart_images

    _open(args)
    campaign = record_lookup.campaign(args.campaign)
    unit_id = record_lookup.unit(args.unit) if args.unit else None
    problem_id = record_lookup.problem(campaign.id, args.problem) if args.problem else None
    codes = print_sheets(Session.system(), args.sheet, campaign.id, args.out, unit_id,
                         problem_id, args.date, chart_images=report_chart_images)
    shown = ", ".join(format_code(c) for c in codes)
    print(f"已生成 / written: {args.out}  (核验码 / verification code: {shown})")
    return 0


def cmd_verify_code(args: argparse.Namespace) -> int:
    from desktop.core.sheet_codes import verify_code

    _open(args)
    result = verify_code(args.code)
    print(result.message("zh_CN"))
    print(result.message("en"))
    return 0 if result.ok else 1


COMMANDS = {
    "demo": cmd_demo,
    "info": cmd_info,
    "verify-audit": cmd_verify_audit,
    "outline": cmd_outline,
    "holidays": cmd_holidays,
    "print": cmd_print,
    "verify-code": cmd_verify_code,
}


# Commands that change the database, with the test of their arguments: they take the
# database's instance lock (one writer per file); reading commands do not need it.
WRITES = {
    "demo": lambda args: True,
    "import": lambda args: not args.dry_run,
    "holidays": lambda args: args.import_notice is not None,
    "print": lambda args: True,  # records the sheets' verification codes
}


def _lock_if_writing(args: argparse.Namespace):
    """The instance lock for a writing command on a database file, else None."""
    from desktop.core import db, instance_lock

    writes = WRITES.get(args.command)
    target = database_target(args)
    if writes is None or not writes(args) or db.is_url(target):
        return None
    return instance_lock.acquire(target, program=f"{PROG} {args.command}")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.lang:
        set_language(args.lang)
    try:
        if args.command is None and args.screenshot:
            from desktop.app import take_screenshot

            path = take_screenshot(database_target(args), args.screenshot, args.page,
                                   args.user, args.lang)
            print(path)
            return 0
        if args.command is None:
            from desktop.app import run_gui

            return run_gui(database_target(args), args.lang)
        lock = _lock_if_writing(args)
        try:
            return COMMANDS[args.command](args)
        finally:
            if lock is not None:
                lock.release()
    except DomainError as error:
        print_error(error)
        return 2
    except OSError as error:
        print(f"错误 / Error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
