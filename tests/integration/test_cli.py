"""`haven` as a maintainer runs it: from any folder, with its config file's folder as home for
its data, never exiting silently, backing up safely while running and before a migration."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import bot.storage.database as database_module
from bot.storage.backup import backup, before_migration
from bot.storage.database import Database, migrations

CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}


def haven(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=CLEAN_ENV,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_with_no_token_and_no_terminal_says_why_and_fails(tmp_path: Path) -> None:
    done = haven("run", cwd=tmp_path)
    assert done.returncode == 2
    assert "no platform token" in done.stderr and "haven console" in done.stderr
    assert not (tmp_path / "haven.db").exists()  # nothing started, nothing created


def test_config_in_the_current_folder_is_read_and_data_stays_beside_it(tmp_path: Path) -> None:
    home, elsewhere = tmp_path / "srv", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    (home / "config.toml").write_text('[bot]\ndatabase = "data/haven.db"\ntimezone = "UTC"\n')
    done = haven("console", cwd=home, stdin="/help\n")
    assert done.returncode == 0, done.stderr
    assert (home / "data" / "haven.db").is_file()
    # From another folder, the same file by --config: the data is still beside the config.
    (home / "data" / "haven.db").unlink()
    done = haven("console", "--config", str(home / "config.toml"), cwd=elsewhere, stdin="/help\n")
    assert done.returncode == 0, done.stderr
    assert (home / "data" / "haven.db").is_file()
    assert not any(elsewhere.iterdir())


def test_a_broken_config_stops_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[bot]\ntimezone = "Mars/Olympus"\n')
    done = haven("check", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "bot.timezone" in done.stderr


def test_check_without_tokens_reports_each_part(tmp_path: Path) -> None:
    done = haven("check", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("config: ok")
    assert lines[1].startswith("database: ok") and "created at the first start" in lines[1]
    assert lines[2].startswith("platforms: none configured")


def test_invite_without_tokens_says_there_is_nothing_to_invite_to(tmp_path: Path) -> None:
    done = haven("invite", cwd=tmp_path)
    assert done.returncode == 2 and "no platform token" in done.stderr


def test_backup_while_a_write_is_open_copies_what_is_committed(tmp_path: Path) -> None:
    db = tmp_path / "haven.db"
    done = haven("console", "--database", str(db), cwd=tmp_path, stdin="/help\n")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE notes (v TEXT)")
        conn.execute("INSERT INTO notes VALUES ('committed')")
    writer = sqlite3.connect(db, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO notes VALUES ('not yet')")  # open while the copy is taken
        done = haven("backup", str(tmp_path / "copy.db"), "--database", str(db), cwd=tmp_path)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("backup: ")
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("SELECT v FROM notes").fetchall() == [("committed",)]
        assert copy.execute("PRAGMA user_version").fetchone() == (len(migrations()),)
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not list(tmp_path.glob("*.partial"))


def test_backup_into_a_folder_names_the_copy_by_date(tmp_path: Path) -> None:
    db = tmp_path / "haven.db"
    sqlite3.connect(db).close()
    folder = tmp_path / "backups"
    folder.mkdir()
    written = backup(db, folder)
    assert written.parent == folder and written.name.startswith("haven-")


def test_backup_of_a_missing_database_fails_with_a_line(tmp_path: Path) -> None:
    done = haven("backup", "--database", str(tmp_path / "none.db"), cwd=tmp_path)
    assert done.returncode == 1 and "no database at" in done.stderr


async def test_a_migration_is_preceded_by_a_copy(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "haven.db"
    every = migrations()
    monkeypatch.setattr(database_module, "migrations", lambda: every[:-1])
    old = Database(path)
    await old.open()
    await old.execute(
        "INSERT INTO members (platform, user_id, name, created_at) "
        "VALUES ('console', 'u1', 'Ann', '2026-01-01T00:00:00+00:00')"
    )
    await old.close()
    monkeypatch.setattr(database_module, "migrations", lambda: every)
    new = Database(path)
    await new.open()
    await new.close()
    copy = before_migration(path, len(every))
    assert copy.name == f"haven.before-migration-{len(every):03d}.db"
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (len(every) - 1,)
        assert conn.execute("SELECT name FROM members").fetchall() == [("Ann",)]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (len(every),)


async def test_a_new_database_is_not_copied(tmp_path: Path) -> None:
    db = Database(tmp_path / "fresh.db")
    await db.open()
    await db.close()
    assert not list(tmp_path.glob("*before-migration*"))


@pytest.mark.parametrize(
    ("given", "haven_args"),
    [
        (
            ["run", "console", "--clock", "2026-01-05T08:00"],
            ["console", "--clock", "2026-01-05T08:00"],
        ),
        (["run"], ["run"]),
        (["run", "--database", "x.db"], ["run", "--database", "x.db"]),
        (["run", "check"], ["check"]),
    ],
)
def test_the_task_runner_passes_haven_commands_through(
    given: list[str], haven_args: list[str], monkeypatch, tmp_path: Path
) -> None:
    """`python3 tasks.py run console ...` is `haven console ...` (the README's example), run
    from the caller's folder so its config.toml is read."""
    import tasks

    seen: list[tuple[list[str], str]] = []
    monkeypatch.setattr(tasks, "ensure_environment", lambda: None)
    monkeypatch.setattr(
        tasks.subprocess, "call", lambda cmd, **kw: seen.append((cmd, os.getcwd())) or 0
    )
    monkeypatch.chdir(tmp_path)
    assert tasks.main(given) == 0
    [(command, folder)] = seen
    assert command[1:3] == ["-m", "bot"] and command[3:] == haven_args
    assert folder == str(tmp_path)


async def test_an_older_haven_refuses_a_database_a_newer_one_migrated(tmp_path: Path) -> None:
    path = tmp_path / "haven.db"
    db = Database(path)
    await db.open()
    await db.close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {len(migrations()) + 1}")
    newer = Database(path)
    with pytest.raises(RuntimeError, match="newer than this version of Haven"):
        await newer.open()
    await newer.close()
    done = haven("console", "--database", str(path), cwd=tmp_path, stdin="/help\n")
    assert done.returncode == 1 and "newer than this version" in done.stderr


def test_a_reader_that_goes_away_ends_the_console_quietly(tmp_path: Path) -> None:
    """`haven console < tour.txt | head`: no traceback and no error line when head is done."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--database", str(tmp_path / "h.db")],
        cwd=tmp_path,
        env=CLEAN_ENV,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("/help\n" * 300)
    process.stdin.close()
    process.stdout.readline()
    process.stdout.close()  # as head does after its lines
    process.wait(timeout=60)
    assert process.stderr is not None
    err = process.stderr.read()
    assert "BrokenPipe" not in err and "Traceback" not in err, err
    assert process.returncode == 0


def test_a_webhook_without_its_secret_is_refused_and_the_secret_never_shown(
    tmp_path: Path,
) -> None:
    (tmp_path / "config.toml").write_text(
        '[telegram]\ntoken = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789"\n'
        'webhook_url = "https://bot.example.org/telegram"\n'
    )
    done = haven("check", cwd=tmp_path)
    assert done.returncode == 2
    assert "telegram: webhook_url needs webhook_secret" in done.stderr
    (tmp_path / "config.toml").write_text(
        '[telegram]\ntoken = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789"\n'
        'webhook_url = "https://bot.example.org/telegram"\nwebhook_secret = "short"\n'
    )
    done = haven("check", cwd=tmp_path)
    assert done.returncode == 2 and "webhook_secret: must be 16 to 256" in done.stderr
    assert "short" not in done.stderr


def test_migrate_needs_a_postgresql_address_and_a_sqlite_file(tmp_path: Path) -> None:
    done = haven("migrate", "--to", "mysql://x", cwd=tmp_path)
    assert done.returncode == 2 and "--to takes a postgresql:// address" in done.stderr
    done = haven("migrate", "--to", "postgresql://haven@127.0.0.1:1/none", cwd=tmp_path)
    assert done.returncode == 2 and "no SQLite database at" in done.stderr
