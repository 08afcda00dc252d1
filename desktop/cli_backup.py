"""``rectify backup``, ``rectify restore`` and ``rectify verify-backup``: the window's
备份与恢复 on a terminal, for scheduled copies and for an IT helper at a broken PC.

``restore`` runs as the system (whoever may run commands on the PC can copy the files
anyway) and, like the window, checks the whole archive and keeps the current data first.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from desktop.cli import _add_db, database_target, print_error

EXIT_DAMAGED = 3  # the archive fails its checks (other refusals exit with 2, as elsewhere)


def add_parser(sub: argparse._SubParsersAction) -> None:
    making = sub.add_parser("backup", help="write a backup archive (.zip) of the database and "
                                           "its evidence files; works while the window is open")
    _add_db(making)
    making.add_argument("--out", required=True, metavar="FILE|FOLDER",
                        help="the archive to write, or a folder (a USB stick; a new one when "
                             "the path ends with /) to write it in under the usual name")
    restoring = sub.add_parser("restore", help="check a backup archive and replace the "
                                               "database with it (the current one is backed "
                                               "up first)")
    _add_db(restoring)
    restoring.add_argument("file", type=Path, metavar="FILE")
    checking = sub.add_parser("verify-backup", help="check every checksum of a backup archive")
    checking.add_argument("file", type=Path, metavar="FILE")


def _progress():
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        print(f"\r{100 * done // max(total, 1):3d}%", end="", file=sys.stderr, flush=True)

    return report


def _end_progress() -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)


def _counts(manifest: dict) -> str:
    counts = manifest.get("counts", {})
    return (f"问题 problems={counts.get('problems')}  审计事件 audit events="
            f"{counts.get('audit_events')}  佐证文件 evidence files={counts.get('evidence_files')}")


def cmd_backup(args: argparse.Namespace) -> int:
    from desktop.exchange import backup
    from desktop.exchange.safe_write import size_text

    target = database_target(args)
    out = Path(args.out)
    try:
        if out.is_dir() or args.out.endswith(("/", os.sep)):
            info = backup.backup_into(out, target, progress=_progress())
        else:
            info = backup.create_backup(target, out, progress=_progress())
    finally:
        _end_progress()
    print(f"已备份并校验 / backup written and verified: {info.path}  ({size_text(info.size)})")
    print("  " + _counts(info.manifest))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from desktop.core.session import Session
    from desktop.exchange.backup import DamagedBackup
    from desktop.exchange.restore import restore_backup

    target = database_target(args)
    try:
        result = restore_backup(Session.system(), target, args.file, _progress())
    except DamagedBackup as error:
        _end_progress()
        print_error(error)
        print("未恢复，当前数据库未作任何改动 / not restored; the current database is "
              "unchanged", file=sys.stderr)
        return EXIT_DAMAGED
    _end_progress()
    print(f"已恢复 / restored: {target}  ←  {args.file}")
    print("  " + _counts(result.manifest) + f"  (备份时间 made {result.manifest['created_at']})")
    if result.safety_backup is not None:
        print(f"  恢复前的数据已备份到 / the data before the restore is kept in: "
              f"{result.safety_backup}")
    for path in result.kept_aside:
        print(f"  已损坏的文件改名保留 / the damaged file is kept as: {path}")
    return 0


def cmd_verify_backup(args: argparse.Namespace) -> int:
    from desktop.exchange.backup import DamagedBackup, verify_archive

    try:
        manifest = verify_archive(args.file, _progress())
    except DamagedBackup as error:
        _end_progress()
        print_error(error)
        return EXIT_DAMAGED
    _end_progress()
    print(f"备份完好 / backup intact: {args.file}  ({len(manifest['members'])} files, "
          f"made {manifest['created_at']}, schema {manifest['schema_version']})")
    print("  " + _counts(manifest))
    return 0


COMMANDS = {"backup": cmd_backup, "restore": cmd_restore, "verify-backup": cmd_verify_backup}
# commands that change the database take its instance lock (cli.WRITES)
WRITES = {"restore": lambda args: True}
