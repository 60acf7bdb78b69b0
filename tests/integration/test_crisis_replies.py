"""The crisis reply in the member's language with their country's lines; the gentle pointer for
talk about suicide; nothing of the triggering text kept."""

from __future__ import annotations

from dataclasses import replace

from bot.core.messages import Priority, Reply, Via


async def say(harness, text: str, **kwargs) -> list[Reply]:
    request = replace(harness.request("/x", **kwargs), command="", text=text, via=Via.TEXT)
    return await harness.app.handle(request)


async def test_a_spanish_message_gets_the_spanish_reply_with_spains_lines(harness):
    await harness.send("/settings country ES")
    (reply,) = await say(harness, "ya no quiero vivir, quiero morirme")
    assert reply.private and reply.priority is Priority.CRISIS
    assert "Gracias por contármelo" in reply.text
    assert "Emergencias: llama al 112" in reply.text
    assert "Línea 024 de atención a la conducta suicida: llama al 024 (24/7)" in reply.text
    assert "Líneas de ayuda en España:" in reply.text
    assert reply.buttons[0][0].label == "Ejercicio para centrarte"


async def test_french_and_german(harness):
    await harness.send("/settings country FR", user="lea")
    (fr,) = await say(harness, "je veux mourir", user="lea")
    assert "Merci de me l'avoir dit" in fr.text and "3114" in fr.text
    assert "Urgences : appelle le 112" in fr.text
    await harness.send("/settings country DE", user="jan")
    (de,) = await say(harness, "ich will nicht mehr leben", user="jan")
    assert "Danke, dass du mir das schreibst" in de.text
    assert "TelefonSeelsorge" in de.text and "Hilfetelefone in Deutschland:" in de.text


async def test_sos_follows_the_language_the_platform_reports(harness):
    request = replace(harness.request("/sos"), locale="de-AT")
    (reply,) = await harness.app.handle(request)
    assert "Du bist damit nicht allein" in reply.text
    request = replace(harness.request("/sos"), locale="pt-BR")
    (reply,) = await harness.app.handle(request)
    assert "Você não está só" in reply.text
    request = replace(harness.request("/sos"), locale="it-IT")  # no reviewed text: English
    (reply,) = await harness.app.handle(request)
    assert "You're not alone" in reply.text


async def test_a_brazilian_message_gets_the_portuguese_reply_with_brazils_lines(harness):
    await harness.send("/settings country BR", user="ana")
    (reply,) = await say(harness, "não quero mais viver, quero morrer", user="ana")
    assert reply.private and reply.priority is Priority.CRISIS
    assert "Obrigado por me contar" in reply.text
    assert "Emergência: ligue 192" in reply.text
    assert "Linhas de apoio (Brasil):" in reply.text and "188" in reply.text
    assert reply.buttons[0][0].label == "Exercício para se acalmar"


async def test_english_words_in_a_member_set_to_spanish_platform_get_english(harness):
    """The language the member wrote in wins over what the platform reports."""
    request = replace(
        harness.request("/x"), command="", text="I want to die", via=Via.TEXT, locale="es"
    )
    (reply,) = await harness.app.handle(request)
    assert "Thank you for telling me" in reply.text


async def test_talk_about_suicide_gets_one_gentle_line(harness):
    (reply,) = await say(harness, "I read a news article about suicide rates in farmers")
    assert reply.private and reply.priority is Priority.NORMAL
    assert "/sos lists people you can reach" in reply.text
    assert "116 123" not in reply.text and "Emergency" not in reply.text


async def test_a_check_in_that_talks_about_suicide_is_recorded_with_the_pointer(harness):
    await harness.consent()
    replies = await harness.send("/checkin 2 watched a documentary about suicide, heavy")
    assert "Recorded privately" in replies[0].text
    assert "/sos lists people you can reach" in replies[-1].text
    assert harness.query("SELECT COUNT(*) FROM checkins")[0][0] == 1


async def test_a_crisis_in_a_check_in_note_is_answered_and_nothing_is_stored(harness):
    await harness.consent()
    (reply,) = await harness.send("/checkin 1 tonight i am going to take all my pills")
    assert reply.priority is Priority.CRISIS
    assert harness.query("SELECT COUNT(*) FROM checkins")[0][0] == 0


async def test_crisis_replies_stay_within_telegrams_limit_with_a_full_plan(harness):
    long = "; ".join("x" * 190 for _ in range(8))
    for step in ("signs", "coping", "distractions", "people", "professionals", "safer"):
        await harness.send(f"/safetyplan set {step} {long}")
    (reply,) = await say(harness, "I want to die")
    assert len(reply.text.encode("utf-16-le")) // 2 < 4096
    assert "/safetyplan shows all of it" in reply.text
