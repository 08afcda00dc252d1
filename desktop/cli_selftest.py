"""``rectify selftest``: check that this copy of the app works on this PC (see
``desktop.selftest``). It never opens the user's database: ``--db`` does not apply."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    selftest = sub.add_parser("selftest", help="run the whole app once in a temporary folder "
                                               "(demo data, workflow, export, sheets, import, "
                                               "audit) and print 'selftest ok'")
    selftest.add_argument("--keep", type=Path, metavar="DIR",
                          help="work in DIR and keep its files (the PDFs, the ledger)")
    selftest.add_argument("--verbose", action="store_true",
                          help="print the traceback of a failing step")


def cmd_selftest(args: argparse.Namespace) -> int:
    from desktop import selftest

    def out(line: str) -> None:
        print(line, flush=True)

    code = selftest.run(out, keep=args.keep, verbose=args.verbose)
    sys.stdout.flush()
    return code


COMMANDS = {"selftest": cmd_selftest}
