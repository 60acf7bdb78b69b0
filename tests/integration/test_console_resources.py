"""`haven console` transcripts: resources, coping exercises, helplines and /sos."""

from __future__ import annotations

import re

import pytest

from bot.catalog import load_catalog

URL = re.compile(r"https?://\S+")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def _urls(text: str) -> list[str]:
    return URL.findall(text)


def test_resources_topics_entries_typos_and_no_match(console, catalog):
    t = console(
        [
            "/resources",
            "/resources anxiety",
            "/resources anxeity",
            "/resources zzqxv",
        ]
    )
    (topics,) = t.step("/resources").messages
    assert topics.private
    for slug in catalog.topics:
        # An English reader sees the English entries (not the Spanish or German ones).
        count = sum(1 for r in catalog.resources if r.topic == slug and r.language == "en")
        assert f"• {slug}: {catalog.topics[slug].title} ({count})" in topics.text
    assert list(topics.buttons) == [topic.title for topic in catalog.topics.values()]

    anxiety_urls = {r.url for r in catalog.resources if r.topic == "anxiety" and r.language == "en"}
    assert anxiety_urls, "the shipped data has an anxiety topic"
    (entries,) = t.step("/resources anxiety").messages
    assert set(_urls(entries.text)) == anxiety_urls
    entry_lines = [line for line in entries.text.splitlines() if line.startswith("• ")]
    assert len(entry_lines) == len(anxiety_urls)  # one bullet, one link each

    (typo,) = t.step("/resources anxeity").messages
    assert typo.text.startswith("Best matches:")
    found = _urls(typo.text)
    assert found and found[0] in anxiety_urls
    by_url = {r.url: r for r in catalog.resources}
    for url in found:  # everything found is about anxiety, though the word was misspelt
        r = by_url[url]
        assert "anxi" in " ".join((r.topic, r.title, r.description, *r.tags)).casefold()

    (nothing,) = t.step("/resources zzqxv").messages
    assert "Nothing matched" in nothing.text
    assert not _urls(nothing.text)


def test_cope_helplines_and_sos(console, catalog):
    t = console(
        [
            "/cope anxious",
            "/helpline GB",
            "/helpline gb",
            "/helpline",
            "/sos",
            "/settings country GB",
            "/sos",
            ":in lounge",
            "/sos",
        ]
    )
    (cope,) = t.step("/cope anxious").messages
    assert cope.private
    heading = cope.text.splitlines()[0]
    exercise = next(e for e in catalog.exercises if heading.startswith(e.title + " (about"))
    assert "anxious" in exercise.feelings
    for number, step in enumerate(exercise.steps, start=1):
        assert f"{number}. {step}" in cope.text
    assert cope.buttons == ("Another exercise",)

    (gb,) = t.step("/helpline GB").messages
    assert "Samaritans: call 116 123" in gb.text
    assert "Emergency: call 999" in gb.text
    assert "checked " in gb.text  # every line says when and where it was verified
    assert t.step("/helpline gb").text == gb.text

    (world,) = t.step("/helpline").messages
    assert world.text.startswith("Helplines in International:")
    for line in catalog.international.lines:
        assert line.name in world.text
    assert "/settings country" in world.text
    assert "999" not in world.text

    (sos_anywhere,) = t.step("/sos").messages
    assert sos_anywhere.header == "@you private"
    assert "can't help in an emergency" in sos_anywhere.text
    assert "Helplines in International:" in sos_anywhere.text
    assert "call 999" not in sos_anywhere.text  # no country known: no guessed number
    assert sos_anywhere.buttons == ("Grounding exercise", "Reach someone you trust")

    assert "Country set to" in t.step("/settings country GB").text
    assert t.query("SELECT country FROM members WHERE user_id = 'you'") == [("GB",)]
    (sos_gb,) = t.step("/sos", 1).messages
    assert sos_gb.private
    assert "If you are in immediate danger, call 999 now." in sos_gb.text
    assert "Samaritans: call 116 123" in sos_gb.text

    (sos_group,) = t.step("/sos", 2).messages
    assert sos_group.header == "@you private"  # never posted in the group
    assert "call 999" in sos_group.text
    assert not any(m.public for m in t.messages)


def test_a_short_word_matches_titles_not_inside_descriptions(console):
    t = console(["/resources art", "/resources sle", "/resources lgbtq books"])
    assert "Nothing matched" in t.step("/resources art").text  # never "articles"
    assert "Sleep" in t.step("/resources sle").text  # a word still being typed
    none = t.step("/resources lgbtq books").text
    assert "No books matched" in none and "/resources book lists them all" in none
    assert "/cope" in none  # an exercise is there at once


def test_the_readers_country_first_and_a_lead_hides_a_built_in_entry(console):
    """A group in Germany gets the entries for everyone before other countries' services; a
    group in Britain gets British ones first; a lead hides a built-in entry for the group
    only (by its link, so it stays hidden after a restart reloads the built-in rows)."""
    t = console(
        [
            ":in lounge",
            ":as sam lead",
            "/community country DE",
            "/resources anxiety",
            "/community country GB",
            "/resources anxiety",
            "/resources hide 5",
            "/resources hidden",
            ":as kim",
            "/resources anxiety",
            ":in other",
            "/resources anxiety",
        ]
    )
    german = t.step("/resources anxiety", 0).text
    lines = [line for line in german.splitlines() if line.startswith("• ")]
    assert lines[0].startswith("• WHO:")  # for everyone, before any one country's service
    assert all("NHS" not in line for line in lines[:2])
    british = [x for x in t.step("/resources anxiety", 1).text.splitlines() if x.startswith("• ")]
    assert "NHS" in british[0] or "Mind" in british[0]
    assert "is hidden in this group" in t.step("/resources hide 5").text
    hidden_title = t.step("/resources hidden").text.splitlines()[1].split(" [#")[0]
    assert hidden_title not in t.step("/resources anxiety", 2).text  # kim, in lounge
    assert hidden_title in t.step("/resources anxiety", 3).text  # another group still has it
    assert t.query("SELECT COUNT(*) FROM resource_hidden") == [(1,)]


def test_a_member_suggests_a_resource_and_a_lead_decides(console):
    t = console(
        [
            ":in lounge",
            ":as kim",
            '/resources suggest https://example.org/calm "Calm breathing" A gentle guide',
            "/resources stress",
            ":as sam lead",
            "/resources suggestions",
            "/resources approve 1 stress course",
            "/resources approve 1 stress",
            ":as kim",
            '/resources suggest https://example.org/x "Something else"',
            "/resources suggestions",
            ":as sam lead",
            "/resources decline 2",
            ":as kim",
            "/resources stress",
            "/forgetme confirm",
        ]
    )
    asked = t.step('/resources suggest https://example.org/calm "Calm breathing" A gentle guide')
    assert "waits for a lead of lounge" in asked.text
    assert "Calm breathing" not in t.step("/resources stress", 0).text  # not before a lead
    assert "#1 Calm breathing: A gentle guide" in t.step("/resources suggestions", 0).text
    approved = t.step("/resources approve 1 stress course").messages
    assert [m.header for m in approved] == ["@sam private", "@kim private"]
    assert "was added to lounge's resources" in approved[1].text
    assert "no waiting suggestion" in t.step("/resources approve 1 stress").text
    assert "is for group leads" in t.step("/resources suggestions", 1).text
    declined = t.step("/resources decline 2").messages
    assert "decided not to add it" in declined[1].text and declined[1].header == "@kim private"
    assert "Calm breathing" in t.step("/resources stress", 1).text
    assert t.query("SELECT COUNT(*) FROM resource_suggestions") == [(0,)]  # erased with kim
    assert t.query("SELECT title, kind FROM resources WHERE community_id IS NOT NULL") == [
        ("Calm breathing", "course")
    ]


def test_words_members_use_find_what_the_entries_call_otherwise(console):
    t = console(["/resources meditation", "/resources calm counselling"])
    assert "Best matches" in t.step("/resources meditation").text  # mindfulness, relaxation
    assert "Best matches" in t.step("/resources calm counselling").text


def test_a_kind_word_asks_for_books_podcasts_apps_or_therapists(console):
    t = console(
        [
            "/resources books",
            "/resources podcst",  # a near miss of a kind word
            "/resources mindfulness",  # a topic
            "/resources sleep apps",  # a subject and a kind
            "/resources find a therapist",
            ":in lounge",
            ":as sam lead",
            '/resources add sleep podcast https://example.org/talks "Sleep talks" Calm talks',
            '/resources add sleep https://example.org/guide "Sleep guide"',
            '/resources add sleep podcast,book https://example.org/x "Two kinds"',
            "/resources sleep",
            "/resources podcasts",
        ]
    )
    books = t.step("/resources books").text
    assert books.startswith("Books:") and "Reading Well" in books
    assert all("(book)" in line for line in books.splitlines()[1::2])  # nothing but books
    podcasts = t.step("/resources podcst").text
    assert podcasts.startswith("Podcasts:") and "The Happiness Lab (podcast)" in podcasts
    topic = t.step("/resources mindfulness").text
    assert topic.startswith("Mindfulness:") and "Palouse Mindfulness (course)" in topic
    assert "(app)" in topic
    apps = t.step("/resources sleep apps").text
    assert apps.startswith("Apps:") and "Medito (app)" in apps and "Sleep Foundation" not in apps
    therapists = t.step("/resources find a therapist").text
    assert therapists.startswith("Therapist directories:") and "NHS Talking Therapies" in therapists

    refused = t.step('/resources add sleep podcast,book https://example.org/x "Two kinds"').text
    assert "give one kind, not 2" in refused.casefold() and "Usage: /resources add" in refused
    listed = t.step("/resources sleep").text
    assert "• Sleep talks (podcast) [#" in listed and "Sleep guide [#" in listed
    assert "Sleep guide (" not in listed  # an article: no label
    assert "Two kinds" not in listed
    assert "Sleep talks (podcast)" in t.step("/resources podcasts").text  # the group's own too
