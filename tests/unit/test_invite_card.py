"""The invitation card's drawing: its size, a QR code that is segno's matrix module for module
(read back from the PNG's pixels, so it scans like the code segno made), what a lead typed
drawn as plain text, and nothing leaving the card however long the texts are."""

from __future__ import annotations

import io

import pytest
import segno
from PIL import Image

from bot.charts.invite import (
    QUIET,
    InviteCard,
    alt_text,
    draw_invite,
    figure_for,
    qr_modules,
    qr_place,
)
from bot.charts.style import HEIGHT_PX, WIDTH_PX

LINK = "https://t.me/+calmharbour-example"
HOSTILE = r"$\frac{1}{2}$ <b>x</b> @everyone"
CARD = InviteCard(
    name="Calm Harbour",
    focus="anxiety",
    about="A friendly place to talk about anxiety, every day of the week.",
    rules=("Be kind.", "What is shared here stays here.", "No advice about medication."),
    link=LINK,
    language="en",
)
LONGEST = InviteCard(  # every text at its longest, words too long for a line among them
    name="The Very Long Name Of A Community Group " * 3 + "X" * 60,
    focus="grief",
    about=("Supercalifragilisticexpialidocious " * 6)[:200],
    rules=tuple(("Rule " + "w" * 40 + " and more words " * 20)[:300] for _ in range(3)),
    link="https://example.org/" + "a1/" * 93 + "end",
    language="en",
)


def _picture(card: InviteCard) -> Image.Image:
    return Image.open(io.BytesIO(draw_invite(card))).convert("L")


@pytest.mark.parametrize("link", [LINK, "https://a.io/x", LONGEST.link])
def test_the_code_is_segnos_full_qr_with_its_quiet_zone(link: str) -> None:
    modules = qr_modules(link)
    matrix = segno.make_qr(link, error="m").matrix  # never a Micro QR, which phones can't read
    assert len(modules) == len(matrix) + 2 * QUIET == len(modules[0])
    inner = [row[QUIET:-QUIET] for row in modules[QUIET:-QUIET]]
    assert inner == [list(row) for row in matrix]
    assert not any(modules[0]) and not any(row[0] for row in modules)


@pytest.mark.parametrize("card", [CARD, LONGEST], ids=["sample", "longest"])
def test_the_png_is_1080_by_1350_and_its_code_reads_back_module_for_module(
    card: InviteCard,
) -> None:
    picture = _picture(card)
    assert picture.size == (WIDTH_PX, HEIGHT_PX) == (1080, 1350)
    modules = qr_modules(card.link)
    left, top, size = qr_place(len(modules))
    assert size >= 3  # whole pixels a module, enough for a phone's camera
    for row, cells in enumerate(modules):
        for col, dark in enumerate(cells):
            # Every pixel of the module, not just its centre: the edges are sharp.
            for dx, dy in ((0, 0), (size - 1, size - 1), (size // 2, size // 2)):
                shade = picture.getpixel((left + col * size + dx, top + row * size + dy))
                assert (shade < 64) if dark else (shade > 230), (row, col, dx, dy, shade)


def _texts(card: InviteCard) -> tuple[list[str], list[object], object]:
    fig = figure_for(card)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    texts = [t for ax in fig.axes for t in ax.texts]
    return [t.get_text() for t in texts], texts, renderer


def test_what_a_lead_typed_is_drawn_literally() -> None:
    card = InviteCard(
        name=HOSTILE, focus=None, about=HOSTILE, rules=(HOSTILE, "$5 a month? No: free."),
        link=LINK, language="en",
    )  # fmt: skip
    shown, texts, _renderer = _texts(card)
    shown = [s.replace("\n", " ") for s in shown]  # as wrapped
    assert shown.count(HOSTILE) == 3  # name, description, first rule: as typed
    assert "$5 a month? No: free." in shown
    assert all(t.get_parse_math() is False and t.get_usetex() is False for t in texts)
    assert _picture(card).size == (1080, 1350)
    assert "A group for general peer support" in shown


def test_nothing_leaves_the_card_and_long_texts_are_cut_with_an_ellipsis() -> None:
    shown, texts, renderer = _texts(LONGEST)
    for text in texts:
        box = text.get_window_extent(renderer)
        assert box.x0 >= 40 and box.x1 <= WIDTH_PX - 40, (text.get_text(), box)
        assert box.y0 >= 20 and box.y1 <= HEIGHT_PX - 20, (text.get_text(), box)
    assert any(s.endswith("…") for s in shown)
    link = next(s for s in shown if s.startswith("https://example.org/"))
    assert link.replace("\n", "") == LONGEST.link  # the link is never cut


def test_emoji_the_font_lacks_are_left_out_of_the_picture_not_shown_as_boxes() -> None:
    card = InviteCard("🌿 Calm Harbour 🌊", "stress", None, (), LINK, "en")
    shown = _texts(card)[0]
    assert "Calm Harbour" in shown and not any("🌿" in s for s in shown)
    assert "🌿 Calm Harbour 🌊" in alt_text(card)


def test_the_alt_text_says_everything_the_card_shows() -> None:
    alt = alt_text(CARD)
    for part in ("Calm Harbour", "anxiety", CARD.about, *CARD.rules, LINK, "emergency"):
        assert part in alt, part
    assert "1. Be kind." in alt and "3. No advice about medication." in alt
    spanish = alt_text(InviteCard("Puerto", "grief", None, (), LINK, "es"))
    assert "duelo" in spanish  # the focus in the group's language
