"""The README, word for word: its first command opens the console in a terminal, and the console
tour gives the answers the README shows (`...` stands for text left out there)."""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYTHON3 = shutil.which("python3") or sys.executable
ENV = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}


def tour_block() -> str:
    start = README.index("A short session")
    opening = README.index("```text\n", start) + len("```text\n")
    return README[opening : README.index("```", opening)]


def tour_command() -> list[str]:
    """The command the README gives for the tour, as written (`< tour.txt` is the stdin)."""
    found = re.search(r"`(python3 tasks\.py run console [^`<]*)< tour\.txt`", README)
    assert found, "the README names the tour's command"
    return found.group(1).split()


def expected_blocks(block: str) -> list[str]:
    """Each answer shown in the tour, as a pattern: `...` is anything (on one or more lines)."""
    answers, current = [], []
    for line in block.splitlines():
        if line.startswith(("/", ":")) or not line.strip():
            if current:
                answers.append("\n".join(current))
                current = []
            continue
        current.append(line)
    if current:
        answers.append("\n".join(current))
    return answers


def pattern(answer: str) -> re.Pattern[str]:
    parts = answer.split("...")
    trimmed = [part.rstrip(" ") if i < len(parts) - 1 else part for i, part in enumerate(parts)]
    trimmed = [part.lstrip(" ") if i > 0 else part for i, part in enumerate(trimmed)]
    return re.compile(r"[\s\S]*?".join(re.escape(part) for part in trimmed))


def test_the_console_tour_answers_as_the_readme_shows(tmp_path: Path) -> None:
    block = tour_block()
    lines = [line for line in block.splitlines() if line.startswith(("/", ":"))]
    (tmp_path / "tour.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = tour_command()
    assert command[:2] == ["python3", "tasks.py"]
    with open(tmp_path / "tour.txt", encoding="utf-8") as tour:
        done = subprocess.run(
            [PYTHON3, str(ROOT / "tasks.py"), *command[2:]],
            stdin=tour,
            capture_output=True,
            text=True,
            cwd=tmp_path,  # the data lands where it is run, not in the checkout
            env=ENV,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    position = 0
    for answer in expected_blocks(block):
        found = pattern(answer).search(out, position)
        assert found, f"the README shows\n{answer}\nbut from here Haven said\n{out[position:]}"
        position = found.end()
    assert (tmp_path / "haven.db").is_file()


def test_the_bad_input_the_readme_suggests_is_answered_with_the_usage(tmp_path: Path) -> None:
    paragraph = README[README.index("Try bad input too") :].split("\n\n", 1)[0]
    examples = [e for e in re.findall(r"`(/[^`]+)`", paragraph.replace("\n", " "))]
    assert len(examples) >= 4
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--database", str(tmp_path / "h.db")],
        input="\n".join(examples) + "\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=ENV,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    answers = [b for b in done.stdout.split("\n\n") if b.strip()]
    assert len(answers) == len(examples), done.stdout
    for example, answer in zip(examples, answers, strict=True):
        assert "Usage: /" in answer, (example, answer)


def test_the_first_command_opens_the_console_in_a_terminal(tmp_path: Path) -> None:
    """`python3 tasks.py run`, in a terminal: the banner, then an answer to /help."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the README's command, in a terminal of its own
        os.chdir(tmp_path)
        os.execve(PYTHON3, [PYTHON3, str(ROOT / "tasks.py"), "run"], ENV)
    seen = b""

    def read_until(marker: bytes, seconds: float) -> None:
        nonlocal seen
        deadline = time.monotonic() + seconds
        while marker not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    return

    try:
        read_until(b"> ", 60)
        assert b":help" in seen and b"/help" in seen, seen
        os.write(fd, b"/help\n")
        read_until(b"/checkin", 30)
        assert b"/checkin" in seen, seen
        os.write(fd, b":quit\n")
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        os.close(fd)
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
