#!/usr/bin/env python3
"""Set-up and entry point for a fresh checkout: `python3 tasks.py run` or `python3 tasks.py test`.

It needs nothing but Python 3.11+: it creates `.venv`, installs Haven with its test tools there
(again only when `pyproject.toml` changed), then runs the bot or the test suite inside it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".haven-installed"
USAGE = (
    "usage: python3 tasks.py run [console|check|invite|backup ...] [haven options]"
    " | test [pytest options] | bench"
)
# `tasks.py run console ...` is `haven console ...`; `tasks.py run --database X` is `haven run ...`.
HAVEN_COMMANDS = {"run", "console", "check", "invite", "backup"}


def _python() -> Path:
    return BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_environment() -> None:
    """Install into .venv once per pyproject.toml version, so repeat runs start at once."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file must run on any python3
        sys.exit(f"Haven needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted and _python().exists():
        return
    if not _python().exists():
        print("Creating .venv ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing Haven and its test tools into .venv (a minute or two) ...", file=sys.stderr)
    pip = [str(_python()), "-m", "pip", "--disable-pip-version-check", "-q", "-q"]
    subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)
    print("Installed.", file=sys.stderr)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "bench"}:
        print(USAGE, file=sys.stderr)
        return 2
    ensure_environment()
    task, rest = argv[0], argv[1:]
    if task == "run":
        # From where it was called: a config.toml there is read, its data kept beside it.
        if not rest or rest[0] not in HAVEN_COMMANDS:
            rest = ["run", *rest]
        return subprocess.call([str(_python()), "-m", "bot", *rest])
    os.chdir(ROOT)
    if task == "bench":
        return subprocess.call([str(_python()), "-m", "bench", *rest])
    code = subprocess.call([str(_python()), "-m", "pytest", *rest])
    if code == 5:  # pytest ran no test: that is a broken suite, not a pass
        print("pytest collected no tests", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
