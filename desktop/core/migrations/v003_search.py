"""Schema version 3: a full-text index of the problems that works for Chinese.

Chinese has no spaces between words, so a word tokenizer cannot find 整改 inside 限期整改到位;
FTS5's trigram tokenizer indexes every three-character window and so finds any substring of
three characters or more. ``problem_search`` holds one row per live problem (id = problem id):
the problem's texts and those of its live measures, joined by newlines. It is the content
of the trigram index ``problem_fts`` (an external-content table, so the text is stored once)
and is itself scanned with ``instr`` for terms too short for trigrams, which is faster than
reading the problem and measure tables. Triggers keep both current, so every writer
(services, imports, raw SQL) keeps them right without knowing about them.

The triggers stand still while ``meta`` holds the key ``problem_search_paused``: bulk loads set
it, then rebuild the index once (see ``problem_query.search_index_paused``).

Where FTS5 or its trigram tokenizer is missing (an old SQLite, or PostgreSQL), nothing is
created and ``meta.problem_search`` says ``none``; searching then reads the base tables.
This step is frozen: it must keep meaning the same SQL after the live code changes.
"""

from __future__ import annotations

from peewee import Database, OperationalError, SqliteDatabase

SEARCH_KEY = "problem_search"
AVAILABLE = "fts5_trigram"
UNAVAILABLE = "none"
PAUSED_KEY = "problem_search_paused"

_SEP = " || char(10) || "
_PROBLEM_TEXT = _SEP.join(
    f"ifnull(p.{column}, '')" for column in ("code", "description", "root_cause", "target", "note")
)
_MEASURE_TEXT = _SEP.join(
    f"ifnull(m.{column}, '')" for column in ("text", "resp_leader", "resp_person", "result")
)
_BODY = (
    f"{_PROBLEM_TEXT}{_SEP}ifnull((SELECT group_concat({_MEASURE_TEXT}, char(10))"
    " FROM measure m WHERE m.problem_id = p.id AND m.deleted_at IS NULL), '')"
)
_ACTIVE = f"NOT EXISTS (SELECT 1 FROM meta WHERE key = '{PAUSED_KEY}')"


def _refresh(problem_id: str) -> str:
    """Re-index one problem: an external-content FTS5 table must be told the old text to
    forget it, so the old row is read from ``problem_search`` before it is replaced."""
    return (
        "INSERT INTO problem_fts (problem_fts, rowid, body) SELECT 'delete', id, body"
        f" FROM problem_search WHERE id = {problem_id};"
        f" DELETE FROM problem_search WHERE id = {problem_id};"
        f" INSERT INTO problem_search (id, body) SELECT p.id, {_BODY} FROM problem p"
        f" WHERE p.id = {problem_id} AND p.deleted_at IS NULL;"
        " INSERT INTO problem_fts (rowid, body) SELECT id, body FROM problem_search"
        f" WHERE id = {problem_id};"
    )


_TRIGGERS = {
    "problem_fts_problem_insert": ("AFTER INSERT ON problem", _refresh("new.id")),
    "problem_fts_problem_update": (
        "AFTER UPDATE OF code, description, root_cause, target, note, deleted_at ON problem",
        _refresh("new.id"),
    ),
    "problem_fts_problem_delete": ("AFTER DELETE ON problem", _refresh("old.id")),
    "problem_fts_measure_insert": ("AFTER INSERT ON measure", _refresh("new.problem_id")),
    "problem_fts_measure_update": (
        "AFTER UPDATE OF text, resp_leader, resp_person, result, deleted_at, problem_id"
        " ON measure",
        _refresh("old.problem_id") + " " + _refresh("new.problem_id"),
    ),
    "problem_fts_measure_delete": ("AFTER DELETE ON measure", _refresh("old.problem_id")),
}


def _record(db: Database, value: str) -> None:
    p = db.param
    db.execute_sql(f"DELETE FROM meta WHERE key = {p}", (SEARCH_KEY,))
    db.execute_sql(f"INSERT INTO meta (key, value) VALUES ({p}, {p})", (SEARCH_KEY, value))


def _create_index(db: Database) -> bool:
    """False when this SQLite cannot make a trigram FTS5 table (the savepoint undoes the try)."""
    try:
        with db.atomic():
            db.execute_sql("CREATE TABLE problem_search (id INTEGER PRIMARY KEY, body TEXT)")
            db.execute_sql(
                "CREATE VIRTUAL TABLE problem_fts USING fts5(body, tokenize = 'trigram',"
                " content = 'problem_search', content_rowid = 'id')"
            )
    except OperationalError:
        return False
    return True


def apply(db: Database) -> None:
    # the problem list's default order (by code) read straight from an index, live rows only
    db.execute_sql(
        "CREATE INDEX problem_live_code ON problem (campaign_id, code) WHERE deleted_at IS NULL"
    )
    if not isinstance(db, SqliteDatabase) or not _create_index(db):
        _record(db, UNAVAILABLE)
        return
    for name, (event, body) in _TRIGGERS.items():
        db.execute_sql(f"CREATE TRIGGER {name} {event} WHEN {_ACTIVE} BEGIN {body} END")
    db.execute_sql(
        f"INSERT INTO problem_search (id, body) SELECT p.id, {_BODY} FROM problem p"
        " WHERE p.deleted_at IS NULL"
    )
    db.execute_sql("INSERT INTO problem_fts (problem_fts) VALUES ('rebuild')")
    _record(db, AVAILABLE)
