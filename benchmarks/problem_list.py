"""How fast the problem list answers at county scale (DESIGN §7: 100,000 problems).

    python -m benchmarks.problem_list --db /tmp/bench.db [--problems 100000]

Builds a demo database of that many problems (or reuses the one at --db if it already holds
a campaign) and times each query the list makes: counting and listing ids under typical
filters, searching Chinese text, sorting, and fetching the rows of one screen.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desktop.core import db, demo, paths  # noqa: E402
from desktop.core import problem_query as pq  # noqa: E402
from desktop.core.deadlines import Light  # noqa: E402
from desktop.core.models import Campaign, Problem, State, Unit  # noqa: E402

REPEAT = 5


def timed(run: Callable[[], object]) -> tuple[float, object]:
    """Best and median of a few runs in milliseconds (the first run warms the page cache)."""
    result = run()
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--problems", type=int, default=100_000)
    args = parser.parse_args(argv)

    paths.set_data_dir(args.db.parent)
    db.open_database(args.db)
    campaign = Campaign.live().order_by(Campaign.id.desc()).first()
    if campaign is None:
        start = time.perf_counter()
        demo.build_demo(args.problems, units=30, progress=None)
        print(f"built a demo of {args.problems} problems in {time.perf_counter() - start:.1f} s")
        campaign = Campaign.live().order_by(Campaign.id.desc()).first()
    total = Problem.live().where(Problem.campaign == campaign).count()
    print(f"{args.db}: campaign {campaign.id}, {total} problems, "
          f"search index {'ready' if pq.search_index_ready() else 'not used'}")

    rules = pq.light_rules(campaign)
    everything = pq.ProblemFilter(campaign.id)
    town = Unit.live().where(Unit.parent.is_null(False)).order_by(Unit.id.desc()).first()
    cases: list[tuple[str, pq.ProblemFilter, str]] = [
        ("no filter", everything, "code"),
        ("state: in rectification", pq.ProblemFilter(
            campaign.id, states=frozenset({State.RECTIFYING.value})), "code"),
        ("light: red", pq.ProblemFilter(campaign.id, lights=frozenset({Light.RED.value})),
         "code"),
        (f"unit: {town.name}", pq.ProblemFilter(campaign.id, unit_ids=frozenset({town.id})),
         "code"),
        ("text: 会议 (2 chars)", pq.ProblemFilter(campaign.id, text="会议"), "code"),
        ("text: 一窗受理 (4 chars)", pq.ProblemFilter(campaign.id, text="一窗受理"), "code"),
        ("sort: due date", everything, "due_date"),
        ("sort: unit", everything, "unit"),
        ("sort: light", everything, "light"),
    ]
    print(f"{'query':32} {'count ms':>9} {'ids ms':>9} {'matches':>9}")
    ids: list[int] = []
    for name, f, sort in cases:
        count_ms, count = timed(lambda f=f: pq.count_matching(f, rules))
        ids_ms, ids = timed(lambda f=f, sort=sort: pq.matching_ids(f, sort, rules=rules))
        assert count == len(ids)
        print(f"{name:32} {count_ms:9.1f} {ids_ms:9.1f} {count:9}")
    all_ids = pq.matching_ids(everything, "due_date", rules=rules)
    screen = all_ids[len(all_ids) // 2:][:50]
    rows_ms, rows = timed(lambda: pq.fetch_rows(screen, rules))
    print(f"{'fetch_rows, 50 ids':32} {'':9} {rows_ms:9.1f} {len(rows):9}")
    choices_ms, _ = timed(lambda: pq.filter_choices(campaign.id))
    print(f"{'filter_choices':32} {'':9} {choices_ms:9.1f}")
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
