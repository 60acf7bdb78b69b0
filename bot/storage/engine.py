"""Which engine `bot.database` names: a path or `sqlite:///path` for SQLite (the embedded
default; as SQLAlchemy writes it, `sqlite:////srv/haven.db` for an absolute path),
`postgresql://...` for PostgreSQL (many processes, one community)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.storage.database import Database
    from bot.storage.postgres import PgDatabase

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
SQLITE_SCHEME = "sqlite:///"


def is_postgres(database: str | Path) -> bool:
    return str(database).startswith(POSTGRES_SCHEMES)


def sqlite_path(database: str | Path) -> Path:
    """The SQLite file `bot.database` names (":memory:" stays as it is)."""
    text = str(database)
    if is_postgres(text):
        raise ValueError("bot.database names a PostgreSQL server, not a file")
    return Path(text.removeprefix(SQLITE_SCHEME))


def shown(database: str | Path) -> str:
    """`bot.database` for a message or a log: a PostgreSQL address without its password."""
    text = str(database)
    if not is_postgres(text) or "@" not in text:
        return text
    scheme, rest = text.split("://", 1)
    who, where = rest.rsplit("@", 1)
    return f"{scheme}://{who.split(':', 1)[0]}@{where}"


def password(database: str | Path) -> str | None:
    """The password in a PostgreSQL address, if it holds one: a secret, never logged."""
    text = str(database)
    if not is_postgres(text) or "@" not in text:
        return None
    who = text.split("://", 1)[1].rsplit("@", 1)[0]
    return who.split(":", 1)[1] if ":" in who else None


def open_engine(database: str | Path) -> Database | PgDatabase:
    """The engine for `bot.database`, not yet opened."""
    if is_postgres(database):
        from bot.storage.postgres import PgDatabase

        return PgDatabase(str(database))
    from bot.storage.database import Database

    return Database(sqlite_path(database))
