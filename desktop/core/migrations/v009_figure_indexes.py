"""Schema version 9: indexes that let the dashboard's figures read narrow index entries
instead of the wide problem, measure, progress-note and transition rows (frozen copy; do not
edit).

At 100,000 problems every figure reads the whole campaign; the rows themselves carry the
long texts (问题表现, 整改措施, opinions), so walking them costs far more than the counting.
Each index below holds exactly the columns one kind of figure reads, so SQLite answers from
the index alone ("covering"):

- ``problem_live_figures``: the grouped counts by unit, area, state and light, the persons'
  breakdown, the sign-off queues (campaign, then state, so a queue seeks to its state) and
  the burn-down's creations. ``deleted_at`` is listed although the partial index holds only
  NULLs there: SQLite 3.40 counts an index as covering only if it names every column the
  query mentions, the ``deleted_at IS NULL`` test included.
- ``progress_note_live_date``: the stale light's "live progress since" test.
- ``measure_live_person``: the responsible persons of each problem.
- ``transition_problem_action``: a problem's latest closing request, verification or return
  (the rowid, i.e. the id, is part of every SQLite index entry).
- ``transition_into_state`` / ``transition_from_state``: the burn-down's closings and
  reopenings without reading the other transitions.

Plain ``CREATE INDEX IF NOT EXISTS`` with quoted names and simple partial conditions, so the
step means the same on SQLite and PostgreSQL. Building them at 100,000 problems takes about a
second.
"""

from __future__ import annotations

from peewee import Database

INDEXES = (
    'CREATE INDEX IF NOT EXISTS "problem_live_figures" ON "problem" ("campaign_id", "state",'
    ' "unit_id", "catalog_id", "kind", "due_date", "closed_at", "scope", "person_id",'
    ' "created_at", "deleted_at") WHERE "deleted_at" IS NULL',
    'CREATE INDEX IF NOT EXISTS "progress_note_live_date" ON "progress_note" ("problem_id",'
    ' "date", "deleted_at") WHERE "deleted_at" IS NULL',
    'CREATE INDEX IF NOT EXISTS "measure_live_person" ON "measure" ("problem_id",'
    ' "resp_person", "deleted_at") WHERE "deleted_at" IS NULL',
    'CREATE INDEX IF NOT EXISTS "transition_problem_action" ON "transition" ("problem_id",'
    ' "action")',
    'CREATE INDEX IF NOT EXISTS "transition_into_state" ON "transition" ("to_state",'
    ' "from_state", "at", "problem_id", "deleted_at")',
    'CREATE INDEX IF NOT EXISTS "transition_from_state" ON "transition" ("from_state",'
    ' "to_state", "at", "problem_id", "deleted_at")',
)


def apply(db: Database) -> None:
    for statement in INDEXES:
        db.execute_sql(statement)
