"""Which engine `bot.database` names, and that a PostgreSQL password never shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings
from bot.storage.engine import is_postgres, password, shown, sqlite_path


def test_paths_and_addresses_name_their_engine() -> None:
    assert not is_postgres("haven.db") and sqlite_path("haven.db") == Path("haven.db")
    # As SQLAlchemy writes them: three slashes and a relative path, four for an absolute one.
    assert sqlite_path("sqlite:///haven.db") == Path("haven.db")
    assert sqlite_path("sqlite:////srv/haven/haven.db") == Path("/srv/haven/haven.db")
    assert is_postgres("postgresql://haven@db/haven") and is_postgres("postgres://h@db/x")
    with pytest.raises(ValueError, match="PostgreSQL server, not a file"):
        sqlite_path("postgresql://haven@db/haven")
    # A path given as a Path is kept as text; an address keeps its double slash.
    assert Settings(bot={"database": Path("/tmp/x.db")}).bot.database == "/tmp/x.db"
    address = "postgresql://haven@db.example.org:5433/haven"
    assert Settings(bot={"database": address}).bot.database == address


def test_a_password_is_found_to_be_hidden_and_never_shown() -> None:
    address = "postgresql://haven:pa:ss@word@db.example.org/haven"
    assert password(address) == "pa:ss@word"
    assert shown(address) == "postgresql://haven@db.example.org/haven"
    assert "pa:ss" not in shown(address)
    assert password("postgresql://haven@db/haven") is None
    assert password("haven.db") is None and shown("haven.db") == "haven.db"
