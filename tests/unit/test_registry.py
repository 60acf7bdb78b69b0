"""The command registry: what it refuses at build time, and how it picks verbs and options."""

from __future__ import annotations

import pytest

from bot.catalog import load_catalog
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import (
    MAX_ACTION_BYTES,
    MAX_DESCRIPTION,
    Command,
    Registry,
    pack_action,
    split_action,
)
from commands import all_commands


async def _handler(svc, request, args):  # pragma: no cover - never called here
    return []


def cmd(name: str = "ping", description: str = "Answer", **kwargs) -> Command:
    kwargs.setdefault("handler", None if kwargs.get("subcommands") else _handler)
    return Command(name, description, **kwargs)


NUMBER = Option("number", Kind.INT, "A number", required=True, min=1, max=9)
NOTE = Option("note", Kind.TEXT, "Free text")
WORD = Option("word", Kind.WORD, "One word")


# -- build-time validation --------------------------------------------------------------------


def test_a_small_valid_registry_builds():
    registry = Registry([cmd("ping"), cmd("echo", options=(NUMBER, NOTE), actions=("echo 3",))])
    assert [c.name for c in registry] == ["ping", "echo"]


@pytest.mark.parametrize(
    "commands",
    [
        [cmd("ping"), cmd("ping")],
        [cmd("ping", aliases=("pong",)), cmd("pong")],
        [cmd("pong"), cmd("ping", aliases=("pong",))],
    ],
    ids=["same-name", "alias-then-name", "name-then-alias"],
)
def test_duplicate_names_are_rejected(commands):
    with pytest.raises(ValueError, match="declared twice"):
        Registry(commands)


def test_descriptions_up_to_the_limit_only():
    Registry([cmd(description="x" * MAX_DESCRIPTION)])
    with pytest.raises(ValueError, match="description"):
        Registry([cmd(description="x" * (MAX_DESCRIPTION + 1))])
    with pytest.raises(ValueError, match="description"):
        Registry([cmd(description="")])
    long_option = Option("word", Kind.WORD, "y" * (MAX_DESCRIPTION + 1))
    with pytest.raises(ValueError, match="description"):
        Registry([cmd(options=(long_option,))])
    long_verb = cmd("go", description="z" * (MAX_DESCRIPTION + 1))
    with pytest.raises(ValueError, match="description"):
        Registry([cmd("parent", subcommands=(long_verb,))])


@pytest.mark.parametrize("name", ["Ping", "1ping", "check-in", "", "p" * 33, "pi ng", "píng"])
def test_bad_command_names_are_rejected(name):
    with pytest.raises(ValueError, match="bad command name"):
        Registry([cmd(name)])


@pytest.mark.parametrize("name", ["Word", "two words", "", "x" * 33])
def test_bad_or_repeated_option_names_are_rejected(name):
    with pytest.raises(ValueError, match="bad or repeated option"):
        Registry([cmd(options=(Option(name, Kind.WORD, "A word"),))])


def test_repeated_option_names_are_rejected():
    with pytest.raises(ValueError, match="bad or repeated option 'word'"):
        Registry([cmd(options=(WORD, Option("word", Kind.INT, "Again")))])


def test_a_text_option_must_be_last_and_alone():
    with pytest.raises(ValueError, match="text option"):
        Registry([cmd(options=(NOTE, NUMBER))])
    with pytest.raises(ValueError, match="text option"):
        Registry([cmd(options=(NOTE, Option("more", Kind.TEXT, "More text")))])


def test_structural_mistakes_are_rejected():
    with pytest.raises(ValueError, match="options or verbs"):
        Registry([cmd("x", subcommands=(cmd("go"),), options=(WORD,))])
    with pytest.raises(ValueError, match="no handler"):
        Registry([Command("x", "No handler")])
    with pytest.raises(ValueError, match="default verb"):
        Registry([cmd("x", subcommands=(cmd("go"),), default="stop")])
    with pytest.raises(ValueError, match="do not nest"):
        Registry([cmd("x", subcommands=(cmd("go", subcommands=(cmd("deeper"),)),))])


def test_actions_too_long_are_rejected_in_bytes_not_characters():
    fits = "echo " + "a" * (MAX_ACTION_BYTES - 5)
    Registry([cmd("echo", options=(NOTE,), actions=(fits,))])
    with pytest.raises(ValueError, match="too long"):
        Registry([cmd("echo", options=(NOTE,), actions=(fits + "a",))])
    accented = "echo " + "é" * 26  # 31 characters but 57 bytes in UTF-8
    assert len(accented) < MAX_ACTION_BYTES < len(accented.encode())
    with pytest.raises(ValueError, match="too long"):
        Registry([cmd("echo", options=(NOTE,), actions=(accented,))])


@pytest.mark.parametrize(
    ("action", "error"),
    [
        ("echo 0", ArgumentError),  # out of range
        ("echo five", ArgumentError),
        ("echo", ArgumentError),  # required option missing
        ("echo 3 extra", ArgumentError),
        ("nothing 3", ValueError),  # names no command (a plain ValueError, not a member's error)
    ],
)
def test_actions_that_would_not_parse_are_rejected(action, error):
    with pytest.raises(error):
        Registry([cmd("echo", options=(NUMBER,), actions=(action,))])


def test_pack_action_refuses_what_a_platform_could_not_carry():
    assert pack_action("checkin", 4) == "checkin 4"
    assert split_action("/CheckIn 4 tired") == ("checkin", "4 tired")
    with pytest.raises(ValueError):
        pack_action("resources", "x" * MAX_ACTION_BYTES)


# -- verbs and defaults -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(all_commands())


def test_default_verb_takes_the_whole_line(registry):
    resources = registry.get("resources")
    plain = registry.resolve(resources, "panic attacks")
    explicit = registry.resolve(resources, "show panic attacks")
    assert plain.command.name == explicit.command.name == "show"
    assert plain.args == explicit.args == {"query": "panic attacks"}
    empty = registry.resolve(resources, "")
    assert empty.command.name == "show" and empty.args == {}


def test_a_verb_is_chosen_by_its_first_word_in_any_case(registry):
    rules = registry.get("rules")
    added = registry.resolve(rules, "ADD Be gentle")
    assert added.command.name == "add" and added.command.path == "rules add"
    assert added.args == {"text": "Be gentle"}
    moved = registry.resolve(rules, "move 3 1")
    assert moved.command.name == "move" and moved.args == {"number": 3, "to": 1}
    assert registry.resolve(rules, "").command.name == "show"


def test_an_unknown_word_for_a_default_without_options_is_an_argument_error(registry):
    with pytest.raises(ArgumentError, match="choose one of"):
        registry.resolve(registry.get("rules"), "frobnicate")


def test_a_command_without_default_needs_a_verb():
    registry = Registry([cmd("x", subcommands=(cmd("go"), cmd("stop")))])
    with pytest.raises(ArgumentError, match="choose one of: go, stop"):
        registry.resolve(registry.get("x"), "")
    assert registry.resolve(registry.get("x"), "stop").command.name == "stop"


def test_aliases_and_case_find_the_same_command(registry):
    assert registry.get("milestones") is registry.get("milestone") is registry.get("MILESTONE")
    assert registry.get("nope") is None


def test_resolve_typed_checks_values_like_the_text_parser(registry):
    checkin = registry.get("checkin")
    typed = registry.resolve_typed(checkin, None, {"mood": "４", "feelings": "Tired,calm"})
    assert typed.args == {"mood": 4, "feelings": ("tired", "calm")}
    for bad in ({"mood": 6}, {"mood": "abc"}, {"colour": "blue"}):
        with pytest.raises(ArgumentError):
            registry.resolve_typed(checkin, None, bad)


def test_resolve_typed_needs_a_known_verb_for_commands_with_verbs(registry):
    rules = registry.get("rules")
    moved = registry.resolve_typed(rules, "move", {"number": 2, "to": 1})
    assert moved.command.path == "rules move" and moved.args == {"number": 2, "to": 1}
    with pytest.raises(ArgumentError, match="unknown subcommand"):
        registry.resolve_typed(rules, None, {})
    with pytest.raises(ArgumentError, match="unknown subcommand"):
        registry.resolve_typed(rules, "explode", {})
    with pytest.raises(ArgumentError, match="missing"):
        registry.resolve_typed(rules, "move", {"number": 2})
    with pytest.raises(ArgumentError):
        registry.resolve_typed(registry.get("checkin"), "show", {})


# -- the real registry ------------------------------------------------------------------------


def test_the_real_registry_keeps_every_platform_limit(registry):
    commands = list(registry)
    assert {"checkin", "mood", "resources", "rules", "milestone", "sos", "help"} <= {
        c.name for c in commands
    }
    for command in commands:
        assert 0 < len(command.description) <= MAX_DESCRIPTION, command.name
        for target in (command, *command.subcommands):
            assert 0 < len(target.description) <= MAX_DESCRIPTION, target.path
            for option in target.options:
                assert 0 < len(option.description) <= MAX_DESCRIPTION, (target.path, option)
        for action in command.actions:
            assert len(action.encode()) <= MAX_ACTION_BYTES, action
            name, text = split_action(action)
            registry.resolve(registry.get(name), text)


def test_buttons_built_at_run_time_fit_and_parse(registry):
    from commands.checkin import mood_buttons

    actions = [b.action for row in mood_buttons() for b in row]
    actions += [pack_action("resources", slug) for slug in load_catalog().topics]
    for action in actions:
        assert action is not None and len(action.encode()) <= MAX_ACTION_BYTES
        name, text = split_action(action)
        resolved = registry.resolve(registry.get(name), text)
        assert resolved.args  # a press always carries its value
