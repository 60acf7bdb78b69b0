"""The shared bad-input cases through `haven console`: each gets one private answer with its
reason and usage, nothing is stored, and nothing long is echoed (see tests/bad_input.py)."""

from __future__ import annotations

from bad_input import cases, check_answer, fingerprint

SETUP = [":in lounge", ":as sam lead", "/rules", ":as you", ":dm", "/consent yes"]
BIG = "y" * (1 << 20)  # 1 MB on one line


def test_bad_input_cases_are_refused_and_nothing_is_stored(console):
    console(SETUP)
    before = fingerprint(console([":quit"]).database)
    script: list[str] = []
    for case in cases(BIG):
        script += [":as sam lead", ":in lounge"] if case.lead else [":as you", ":dm"]
        script.append(case.line)
    t = console(script)
    assert "Traceback" not in t.stderr and t.returncode == 0

    for case in cases(BIG):
        messages = t.step(case.line).messages
        assert len(messages) == 1, (case.line[:80], messages)
        (answer,) = messages
        assert answer.header == ("@sam private" if case.lead else "@you private"), case.line
        check_answer(case, answer.text)
    assert fingerprint(t.database) == before

    # The fingerprint does see what a good command stores.
    good = console([":as you", ":dm", '/milestone add "sober" 2025-01-01', "/checkin 4"])
    after = fingerprint(good.database)
    assert len(after["milestones"]) == 1 and len(after["checkins"]) == 1


def test_commands_addressed_to_another_bot_are_ignored(console):
    t = console([*SETUP, "/checkin@OtherBot 4", "/help@OtherBot", "/checkin@HavenBot 4"])
    (ignored,) = t.step("/checkin@OtherBot 4").messages
    assert ignored.is_note and "addressed to another bot" in ignored.text
    (ignored,) = t.step("/help@OtherBot").messages
    assert ignored.is_note
    (ours,) = t.step("/checkin@HavenBot 4").messages
    assert "Recorded privately" in ours.text
    assert t.count("checkins") == 1
