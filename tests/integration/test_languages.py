"""Which language a member is answered in: their own setting, else what their platform reports,
else their group's, else `bot.language`; chosen per request, so two members are each answered in
their own at the same time."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from bot import i18n


async def said(harness, line: str, locale: str | None = None, **kwargs) -> str:
    request = dataclasses.replace(harness.request(line, **kwargs), locale=locale)
    return "\n".join(r.text for r in await harness.app.handle(request))


async def test_the_member_then_the_platform_then_the_group_then_the_default(harness) -> None:
    assert "I don't know /nope" in await said(harness, "/nope")  # bot.language
    assert "kenne ich nicht" in await said(harness, "/nope", "de-AT")  # the platform's
    assert "Não conheço /nope" in await said(harness, "/nope", "pt")

    await said(harness, "/rules", chat="lounge", lead=True)  # the group exists
    done = await said(harness, "/community language fr", chat="lounge", lead=True)
    assert "en français" not in done and "French" in done  # said in the lead's language
    assert "Je ne connais pas /nope" in await said(harness, "/nope", chat="lounge")
    assert "kenne ich nicht" in await said(harness, "/nope", "de", chat="lounge")

    chosen = await said(harness, "/settings language es", "de")
    assert "Haven antwortet dir auf Spanisch." in chosen  # asked in German: told in German
    for locale in (None, "de", "fr"):
        assert "No conozco /nope" in await said(harness, "/nope", locale, chat="lounge")
    assert "• idioma: español" in await said(harness, "/settings")
    assert harness.query("SELECT language FROM members WHERE user_id = 'ana'") == [("es",)]

    await said(harness, "/settings language auto")
    assert "kenne ich nicht" in await said(harness, "/nope", "de")
    assert harness.query("SELECT language FROM members WHERE user_id = 'ana'") == [(None,)]


async def test_members_answered_at_once_each_get_their_own_language(harness) -> None:
    answers = await asyncio.gather(
        *(
            said(harness, "/nope", locale, user=f"m{n}")
            for n, locale in enumerate(["es", "fr"] * 20)
        )
    )
    assert all(
        ("No conozco" if n % 2 == 0 else "Je ne connais") in a for n, a in enumerate(answers)
    )


async def test_a_language_not_yet_complete_is_refused_with_the_usage_line(
    harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(i18n, "OFFERED", ("en",))  # as a new language is until it is complete
    answer = await said(harness, "/settings language es")
    assert "Spanish is still being translated" in answer
    assert "Usage: /settings language <language>" in answer
    assert await said(harness, "/nope", "es") == "I don't know /nope. /help lists what I can do."
    assert harness.query("SELECT language FROM members WHERE language IS NOT NULL") == []


async def test_a_check_in_in_spanish_keeps_english_data(harness) -> None:
    """Moods and feelings are shown in the member's language and stored as ever: a chart, a
    summary or an export reads the same rows whatever language the member used."""
    await harness.consent()
    answer = await harness.app.handle(
        dataclasses.replace(harness.request("/checkin 4 tired"), locale="es")
    )
    [reply] = answer
    assert "Guardado en privado: 🙂 4 (bien)." in reply.text
    assert "Emociones: cansancio." in reply.text and "Racha de registros: 1 día." in reply.text
    assert harness.query("SELECT mood, tags FROM checkins") == [(4, "tired")]
    low = await harness.app.handle(dataclasses.replace(harness.request("/checkin 1"), locale="fr"))
    buttons = [b for row in low[0].buttons for b in row]
    assert "Ça a l’air vraiment difficile" in low[0].text and "/sos" in low[0].text
    assert "Annuler" in [b.label for b in buttons]


async def test_feelings_are_understood_in_every_language_with_or_without_accents(harness) -> None:
    """Even while only English is offered: a member may name a feeling in their own words."""
    await harness.consent()
    [reply] = await harness.send("/checkin 2 cansancio,solidao,müde long week")
    assert "Feelings: tired, lonely." in reply.text
    assert harness.query("SELECT tags, note FROM checkins") == [("tired,lonely", "long week")]
    [reply] = await harness.send("/checkin feel Überfordert")
    assert "overwhelmed" in reply.text


async def test_yes_and_day_names_are_understood_in_every_language(harness) -> None:
    [reply] = await harness.send("/consent sí")
    assert "consent is recorded" in reply.text
    assert harness.query("SELECT COUNT(*) FROM consents") == [(1,)]
    [reply] = await harness.send("/consent NÃO", user="bo")
    assert "consent is recorded" not in reply.text
    assert harness.query("SELECT COUNT(*) FROM consents") == [(1,)]

    await harness.send("/rules", chat="lounge", lead=True)
    for typed, kept in [
        ("mié,vie 19:00", "every Wednesday and Friday at 19:00"),
        ("Sonntag 18:00", "every Sunday at 18:00"),
        ("lun-vie 08:00", "weekdays at 08:00"),
        ("quarta 07:30", "every Wednesday at 07:30"),
    ]:
        [reply] = await harness.send(f"/schedule rules {typed}", chat="lounge", lead=True)
        assert kept in reply.text, reply.text
    [reply] = await harness.send("/schedule rules mitwoch 18:00", chat="lounge", lead=True)
    assert "Unknown day 'mitwoch'" in reply.text and "Usage:" in reply.text


async def test_a_near_miss_is_answered_in_the_members_words(harness) -> None:
    """A typo of a feeling in Spanish gets the usage line with the Spanish word it was near and
    the Spanish list; nothing is stored, and the English data is untouched."""
    await harness.consent()
    answer = await harness.app.handle(
        dataclasses.replace(harness.request("/checkin 2 cansacio"), locale="es")
    )
    [reply] = answer
    assert "¿quisiste decir cansancio?" in reply.text and "ansiedad, estrés" in reply.text
    assert "Uso: /checkin" in reply.text
    assert harness.query("SELECT COUNT(*) FROM checkins") == [(0,)]


async def test_a_date_with_a_month_name_in_the_members_language(harness) -> None:
    await harness.consent()
    request = harness.request('/milestone add "sin fumar" 10 de enero de 2025')
    [reply] = await harness.app.handle(dataclasses.replace(request, locale="es"))
    assert "sin fumar desde el 10 ene 2025" in reply.text
    assert harness.query("SELECT label, start_date FROM milestones") == [
        ("sin fumar", "2025-01-10")
    ]


async def test_the_adapters_notes_know_a_members_choice_without_a_read(harness) -> None:
    """The platforms' own notes ("Sent to you privately.") follow the member's choice as Haven
    last read it, from memory: nothing waits on the database after an answer."""
    people = harness.app.services.people
    ana = harness.request("/nope").actor
    assert people.chosen_language(ana) is None  # never read: no guess, no read
    await said(harness, "/settings language fr")
    await said(harness, "/nope")
    assert people.chosen_language(ana) == "fr"
