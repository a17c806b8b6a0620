"""SQLite's word-search index: an FTS5 trigram index over `products.name_search`, kept in sync by triggers.

The one place its DDL lives: migration 0003 creates it, and any later migration that rebuilds the
products table on SQLite (batch mode copies it and drops the original, and its triggers with it) must
run CREATE_STATEMENTS again; they are idempotent. PostgreSQL has no use for it: pg_trgm serves the same
`LIKE '%word%'` filters there.

An external-content table (`content='products'`), not a contentless one: the text stays only in
`products` (no second copy of 100,000 names), the index can be filled and repaired from it with FTS5's
'rebuild' command, and with SQLite 3.40 a contentless table cannot take an UPDATE or a DELETE without
being handed the old text, which is exactly what an external-content table's triggers do anyway.

The trigram tokenizer indexes every run of three characters, so `MATCH '"abc"'` finds rows whose text
contains "abc" anywhere, like `LIKE '%abc%'`; strings shorter than three characters match nothing.
`name_search` is already case- and diacritics-folded (`domain.validation.search_key`), so the
tokenizer's own case folding changes nothing (and its `remove_diacritics` option needs SQLite 3.45).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Integer, column, table

FTS_TABLE = "products_fts"

CREATE_STATEMENTS: tuple[str, ...] = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "name_search, content='products', content_rowid='id', tokenize='trigram')",
    # An external-content index forgets a row only when told the text it indexed: hence 'delete' with
    # the old values, before the new text goes in.
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON products BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, name_search) VALUES (new.id, new.name_search); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON products BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name_search) "
    "VALUES ('delete', old.id, old.name_search); END",
    # Stock edits, archiving and version bumps update products all day: only a new text re-indexes.
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF id, name_search ON products "
    "WHEN old.name_search IS NOT new.name_search OR old.id IS NOT new.id BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name_search) "
    "VALUES ('delete', old.id, old.name_search); "
    f"INSERT INTO {FTS_TABLE}(rowid, name_search) VALUES (new.id, new.name_search); END",
    # Indexes the rows already there (and repairs an index that drifted): reads all of `products`.
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
)

DROP_STATEMENTS: tuple[str, ...] = (
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_au",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",  # drops its shadow tables too
)

# For queries: `rowid` is the product id, and the column named like the table is the one MATCH takes.
products_fts = table(FTS_TABLE, column("rowid", Integer), column(FTS_TABLE))


def is_index_table(name: str) -> bool:
    """The FTS table or one of its shadow tables (`products_fts_data`, `_idx`, `_docsize`, `_config`)."""
    return name == FTS_TABLE or name.startswith(f"{FTS_TABLE}_")


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic's `include_name` hook: the index lives outside the ORM metadata, so autogenerate skips it."""
    return not (type_ == "table" and name is not None and is_index_table(name))


def match_query(words: Iterable[str]) -> str:
    """An FTS5 query finding rows that contain every word: each one a quoted string, never FTS syntax.

    Inside an FTS5 string only `"` is special (written twice), so `*`, `-`, `NEAR`, `OR`, `^`, `:` and
    parentheses in the user's text are plain characters.
    """
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)
