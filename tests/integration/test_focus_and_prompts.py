"""A community's purpose (`/community focus`) and creative prompts (`/prompt`,
`/schedule prompt`), through the console: the focus leads the resource topics, the coping
exercises and the prompts, and is said in the welcome and in /community; prompts come in the
member's (or, posted, the group's) language; bad input gets the usage line and stores nothing."""

from __future__ import annotations

from bot.catalog import load_catalog
from bot.domain.focus import FEELINGS

CATALOG = load_catalog()
GRIEF_PROMPTS = {
    CATALOG.prompt_shown(p, "en") for p in CATALOG.prompts if not p.focus or "grief" in p.focus
}


def test_a_grief_group_meets_grief_first(console) -> None:
    t = console(
        [
            ":in lounge",
            ":as sam lead",
            "/community focus grief",
            "/community",
            ":join kim",
            ":as kim",
            ":dm",
            "/resources",
            "/cope",
            "/prompt",
            "/prompt gratitude",
        ]
    )
    (done,) = t.step("/community focus grief").messages
    assert "grief and loss" in done.text
    assert t.query("SELECT focus FROM communities") == [("grief",)]
    assert "• focus: grief and loss" in t.step("/community").messages[0].text
    (welcome,) = t.step(":join kim").messages
    assert "This group is here for grief and loss." in welcome.text
    (topics,) = t.step("/resources").messages
    assert topics.text.splitlines()[1].startswith("• grief:")
    assert topics.buttons[0] == "Grief"
    (exercise,) = t.step("/cope").messages
    title = exercise.text.splitlines()[0]
    chosen = next(e for e in CATALOG.exercises if title.startswith(e.title))
    assert set(chosen.feelings) & set(FEELINGS["grief"])
    (prompt,) = t.step("/prompt").messages
    assert prompt.private and prompt.buttons == ("Another prompt",)
    assert prompt.text.splitlines()[1] in GRIEF_PROMPTS
    (gratitude,) = t.step("/prompt gratitude").messages
    assert "A gratitude prompt:" in gratitude.text


def test_a_focus_and_a_theme_in_the_members_language(console) -> None:
    t = console(
        [
            ":in lounge",
            ":as sam lead",
            ":lang es",
            "/community focus ansiedad",
            ":dm",
            "/prompt escritura",
        ]
    )
    assert t.query("SELECT focus FROM communities") == [("anxiety",)]
    (prompt,) = t.step("/prompt escritura").messages
    assert "escritura" in prompt.text.splitlines()[0] and prompt.buttons == ("Otra propuesta",)


def test_bad_focus_theme_or_member_is_refused_and_nothing_is_stored(console) -> None:
    t = console(
        [
            ":in lounge",
            ":as sam lead",
            "/community focus blorp",
            ":as kim",
            "/community focus grief",
            ":dm",
            "/prompt blorp",
        ]
    )
    (bad,) = t.step("/community focus blorp").messages
    assert "Usage: /community focus <focus>" in bad.text and "grief and loss" in bad.text
    (member,) = t.step("/community focus grief").messages
    assert "lead" in member.text
    assert t.query("SELECT focus FROM communities WHERE focus IS NOT NULL") == []
    (theme,) = t.step("/prompt blorp").messages
    assert "Usage: /prompt [theme]" in theme.text and "gratitude" in theme.text


def test_a_scheduled_prompt_posts_in_the_group_in_its_language(console) -> None:
    t = console(
        [
            ":in lounge",
            ":as sam lead",
            "/community language de",
            "/schedule prompt weekly mon 09:00 drawing",
            "/schedule prompt daily 10:00 blorp",
            ":clock 2026-01-05T09:30",
        ]
    )
    (made,) = t.step("/schedule prompt weekly mon 09:00 drawing").messages
    assert made.private and "#1" in made.text
    assert t.query("SELECT kind, note FROM schedules") == [("prompt", "drawing")]
    (bad,) = t.step("/schedule prompt daily 10:00 blorp").messages
    assert "Verwendung" in bad.text and t.count("schedules") == 1
    posted = [m for m in t.step(":clock 2026-01-05T09:30").messages if m.public]
    assert len(posted) == 1 and posted[0].header == "#lounge"
    assert "Zeichnen" in posted[0].text or "zeichn" in posted[0].text.casefold()
