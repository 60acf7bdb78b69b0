"""Texts members and leads read must go through the catalogues (bot/i18n.py). Most are still
inline English while the catalogues are filled, so this test is a ratchet: it counts, file by
file, the string literals given straight to what builds a reply (`private`, `public`, `Reply`,
`Button`, `celebrate`, `ArgumentError`, the descriptions of `Command` and `Option`, and a
reply's `lines` list) without `_()`. It fails when a file has more than
`tests/data/unmarked_texts.json` allows (a new inline text: mark it) or fewer (texts were
marked: lower the count there, so it cannot grow back). Texts first kept in other variables
escape it: before a language is offered, each module is read through as well."""

from __future__ import annotations

import ast
import json
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "tests" / "data" / "unmarked_texts.json"
FOLDERS = ("bot", "commands", "adapters")
# What a text is given to, and which positional argument is the text (keywords: "text", "label",
# "description").
BUILDERS = {
    "private": 0,
    "public": 0,
    "Reply": 0,
    "Button": 0,
    "celebrate": 0,
    "ArgumentError": 0,
    "Command": 1,
    "Option": 2,
}
KEYWORDS = {"text", "label", "description"}
LINES = "lines"  # the name replies' lines are gathered under before they are joined


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _inline(node: ast.expr) -> bool:
    """A literal text (plain, f-string, or joined with +), not wrapped in a call such as _()."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(
            isinstance(v, ast.Constant) and any(c.isalpha() for c in str(v.value))
            for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _inline(node.left) or _inline(node.right)
    return False


def unmarked(path: Path) -> int:
    found = 0
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        # A reply's lines gathered first: `lines = [...]`, `lines.append(...)`.
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.List):
            if any(isinstance(t, ast.Name) and t.id == LINES for t in node.targets):
                found += sum(1 for value in node.value.elts if _inline(value))
            continue
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "append"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == LINES
        ):
            found += sum(1 for value in node.args if _inline(value))
            continue
        if not isinstance(node, ast.Call) or (name := _name(node.func)) not in BUILDERS:
            continue
        position = BUILDERS[name]
        given = [node.args[position]] if len(node.args) > position else []
        given += [k.value for k in node.keywords if k.arg in KEYWORDS]
        found += sum(1 for value in given if _inline(value))
    return found


def counts() -> Counter[str]:
    found: Counter[str] = Counter()
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if n := unmarked(path):
                found[path.relative_to(ROOT).as_posix()] = n
    return found


def test_no_file_has_more_inline_texts_than_it_had() -> None:
    allowed = json.loads(BASELINE.read_text(encoding="utf-8"))
    now = counts()
    grown = {f: (allowed.get(f, 0), n) for f, n in now.items() if n > allowed.get(f, 0)}
    assert not grown, f"inline texts added (allowed, now): {grown}; mark them with _()"
    shrunk = {f: (n, now.get(f, 0)) for f, n in allowed.items() if now.get(f, 0) < n}
    assert not shrunk, f"texts marked (was, now): {shrunk}; lower {BASELINE.name} to match"


def test_the_count_sees_what_it_should(tmp_path: Path) -> None:
    source = (
        'private(f"Hello {name}")\n'
        'private(_("Hello {name}").format(name=name))\n'
        'Button("Undo", action=UNDO)\n'
        'Command("settings", "Your settings", show)\n'
        'Option("zone", Kind.WORD, _("Time zone"))\n'
        'public("🎉 " + _("Well done"))\n'
        'lines = ["Your settings:", _("Language")]\n'
        'lines.append(f"Streak: {n}")\n'
        'private("\\n".join(lines))\n'
    )
    path = tmp_path / "probe.py"
    path.write_text(source, encoding="utf-8")
    assert unmarked(path) == 5  # Hello, Undo, Your settings, Your settings:, Streak
