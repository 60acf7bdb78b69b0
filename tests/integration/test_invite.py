"""The invitation card through the console: a lead sets the group's link and description, any
member then gets the card (a 1080×1350 PNG) privately with the link in words, and its alt
text says everything the card shows. Before a link is set, members are told a lead sets it
and a lead sees the usage; a link that is not https://, a description too long, or a member
who is not a lead is refused with the usage line, and nothing is stored."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

LINK = "https://t.me/+calmharbour-example"
ABOUT = "A friendly place to talk about anxiety, every day of the week."
WRITTEN = re.compile(r"\(attachment: (?P<name>[^)]+)\) written to (?P<path>\S+)")


def _attachment(text: str) -> tuple[str, Path] | None:
    found = WRITTEN.search(text)
    return (found["name"], Path(found["path"])) if found else None


def test_a_lead_sets_the_card_and_a_member_gets_it_privately(console) -> None:
    t = console(
        [
            ":in lounge",
            ":as ana",
            "/invite",
            ":as lee lead",
            "/invite",
            "/community focus anxiety",
            f"/invite set {LINK} {ABOUT}",
            ":as ana",
            "/invite",
        ]
    )
    (unset,) = t.step("/invite", 0).messages
    assert unset.header == "@ana private"
    assert "lounge has no invitation link yet" in unset.text and "/invite set <link>" in unset.text
    assert "Usage:" not in unset.text and _attachment(unset.text) is None
    (unset_lead,) = t.step("/invite", 1).messages
    assert "Usage: /invite set <link> [description]" in unset_lead.text

    (saved,) = t.step(f"/invite set {LINK} {ABOUT}").messages
    assert saved.header == "@lee private" and "Saved" in saved.text and LINK in saved.text
    assert t.query("SELECT link, about FROM invites") == [(LINK, ABOUT)]

    (card,) = t.step("/invite", 2).messages  # asked in the group, answered privately
    assert card.header == "@ana private" and LINK in card.text
    found = _attachment(card.text)
    assert found is not None and found[0] == "invite.png"
    with Image.open(found[1]) as picture:
        assert picture.format == "PNG" and picture.size == (1080, 1350)
    assert not any(m.public for m in t.messages)  # nothing of it is posted in the group


def test_bad_links_long_descriptions_and_members_are_refused_and_nothing_is_stored(
    console,
) -> None:
    bad = {
        "/invite set http://t.me/+abc": "must start with https://",
        "/invite set javascript:alert(1)": "must start with https://",
        "/invite set https://": "must start with https://",
        "/invite set https://t.me/" + "x" * 290: "300 characters",
        "/invite set " + LINK + " " + "x" * 201: "limit is 200",
        '/invite set "https://t.me/+a b"': "spaces",
        "/invite set": "Missing <link>",
    }
    t = console([":in lounge", ":as lee lead", *bad, ":as kim", f"/invite set {LINK} Hello"])
    for line, why in bad.items():
        said = t.step(line).messages[0].text
        assert why in said and "Usage: /invite set" in said, (line, said)
    refused = t.step(f"/invite set {LINK} Hello").messages[0].text
    assert "for group leads" in refused and "Usage: /invite set" in refused
    assert t.query("SELECT COUNT(*) FROM invites") == [(0,)]


async def test_the_card_is_described_in_full_for_screen_readers(harness) -> None:
    lead = {"user": "lee", "chat": "lounge", "lead": True}
    await harness.send("/community focus grief", **lead)
    await harness.send("/rules add Tea is always on.", **lead)
    await harness.send(f"/invite set {LINK} {ABOUT}", **lead)
    (reply,) = await harness.send("/invite", user="ana", chat="lounge")
    assert reply.private and reply.attachment is not None
    card = reply.attachment
    assert (card.name, card.mime) == ("invite.png", "image/png")
    assert card.data.startswith(b"\x89PNG")
    rules = harness.app.services.catalog.default_rules("en")[:3]
    for part in ("lounge", "grief and loss", ABOUT, *rules, LINK, "emergency number"):
        assert part in card.alt, part
    assert "Tea is always on." not in card.alt  # only the first three rules
    assert harness.query("SELECT link FROM invites") == [(LINK,)]


async def test_the_service_refuses_what_no_surface_should_store(harness) -> None:
    """The checks hold for any caller (a dashboard, Discord's typed options), not only the
    text parser: an invisible character could make a printed link read as another place."""
    invites = harness.app.services.invites
    now = harness.clock.now()
    for link, about in (
        ("https://t.me/\u202e+elpmaxe", None),  # a right-to-left override
        ("https://t.me/+a\u200bb", None),  # a zero-width space
        ("https://localhost/x", None),
        ("ftp://t.me/+abc", None),
        (LINK, "x" * 201),
    ):
        try:
            await invites.set(1, link, about, now)
        except ValueError:
            continue
        raise AssertionError(f"stored {link!r} {about!r}")
    assert harness.query("SELECT COUNT(*) FROM invites") == [(0,)]
