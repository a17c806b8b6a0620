"""products fts: SQLite's trigram index for word search over products.name_search

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 12:05:00.000000

On SQLite, an FTS5 trigram index (external content over `products`) plus the triggers that keep it in
step, filled from the rows already there; `domain.search_index` holds the DDL and says why. PostgreSQL
already has its pg_trgm index (0001): nothing to do there.
"""

from collections.abc import Sequence

from alembic import op

from domain.search_index import CREATE_STATEMENTS, DROP_STATEMENTS

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _statements(statements: Sequence[str]) -> None:
    if op.get_context().dialect.name != "sqlite":
        return
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _statements(CREATE_STATEMENTS)


def downgrade() -> None:
    _statements(DROP_STATEMENTS)
