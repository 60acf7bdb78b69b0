"""Commands call services, never repositories or the database: whatever a second adapter or a
web page needs is a service method, so the storage behind it can change (SQLite, PostgreSQL)
without touching a command."""

from __future__ import annotations

import ast
from pathlib import Path

COMMANDS = Path(__file__).resolve().parents[2] / "commands"
DATA_ONLY = {"settings", "catalog", "clock", "registry", "rng"}  # plain data, not services


def _chain(node: ast.Attribute) -> list[str]:
    names: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        names.append(current.attr)
        current = current.value
    if isinstance(current, ast.Name):
        names.append(current.id)
    return names[::-1]


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain = _chain(node)
            if chain[:1] != ["svc"] or len(chain) < 2:
                continue
            # `svc.db` itself (its inner node), or a service's member object's attribute.
            if chain[1:] == ["db"] or (len(chain) >= 4 and chain[1] not in DATA_ONLY):
                found.append(f"{path.name}:{node.lineno}: {'.'.join(chain)}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot.storage"):
            for alias in node.names:
                if alias.name.endswith("Repo") or alias.name in {"Database", "Statement"}:
                    found.append(f"{path.name}:{node.lineno}: imports {alias.name}")
    return found


def test_no_command_reaches_past_a_service() -> None:
    found = [v for path in sorted(COMMANDS.glob("*.py")) for v in _violations(path)]
    assert found == [], "\n".join(found)


def test_the_check_finds_a_repository_call(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from bot.storage.people import CommunityRepo\n"
        "async def h(svc):\n"
        "    await svc.people.communities.update(1, welcome=0)\n"
        "    await svc.db.execute('DELETE FROM members')\n"
        "    return svc.settings.bot.database\n"
    )
    assert sorted(v.split(": ", 1)[1] for v in _violations(bad)) == [
        "imports CommunityRepo",
        "svc.db",
        "svc.people.communities.update",
    ]
