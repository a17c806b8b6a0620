"""INSERT … ON CONFLICT for the engine at hand: PostgreSQL or SQLite.

Both dialects offer the same `insert(table).on_conflict_do_update(…)` / `.on_conflict_do_nothing(…)`
with `excluded`, each in its own module. Importing `sqlalchemy.dialects.postgresql` costs ~2 MB that a
SQLite deployment would keep resident for nothing, so each dialect's module is imported by the first
statement built for it, never when our modules are imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.sql._typing import _DMLTableArgument


def insert_for(dialect_name: str, table: _DMLTableArgument) -> postgresql.Insert | sqlite.Insert:
    """The INSERT into `table` of the dialect named (`session.get_bind().dialect.name`), with ON CONFLICT."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    if dialect_name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    raise ValueError(f"no INSERT … ON CONFLICT for the {dialect_name!r} dialect")
