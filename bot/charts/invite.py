"""The invitation card: a poster a member carries to other places (a forum, a clinic's board, a
friend's chat) to reach people who could use the group. It says whose group it is, what it is
for, how it behaves (its first three ground rules) and where to join (the link, in words and as
a QR code), and that it is peer support, not an emergency service.

Everything on it but Haven's own lines was typed by a lead, so it is laid out as plain text by
bot/charts/layout.py (no mathtext, no TeX, wrapped by measure and cut short with "…"), and
nothing a lead types can leave the card; the link alone is never cut, only set smaller. The
card is drawn in the group's language: it speaks for the group. This runs in the chart worker
(bot/charts/renderer.py), so `InviteCard` is plain, picklable data.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot import i18n
from bot.charts import style
from bot.charts.layout import Page, height
from bot.domain.focus import GENERAL, focus_shown
from bot.i18n import N_, _

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INVITED = N_("You're invited to join")
FOCUSED = N_("A peer-support group for {focus}")
GENERAL_FOCUS = N_("A group for {focus}")
UNNAMED = N_("Our peer-support group")
RULES_HEADING = N_("Our ground rules")
SCAN = N_("Scan the code or open the link to join:")
SAFETY = N_(
    "Peer support, not an emergency service. If you are in danger now, call your local "
    "emergency number."
)
ALT_CARD = N_("Invitation card to join {name}.")
ALT_RULES = N_("Its first ground rules:")
ALT_LINK = N_("The link to join, also shown as a QR code: {link}")

RULES_SHOWN = 3
W, H = style.WIDTH_PX, style.HEIGHT_PX
MARGIN = 84  # px at each side
PAD = 28  # px inside the link panel
QUIET = 4  # light modules around the code, as the QR standard asks, so it scans
QR_PX = 320  # the code's box (quiet zone included) at most; modules are whole pixels
QR_BOTTOM = H - 200  # the footer's room below the panel
SCALES = (1.0, 0.92, 0.84, 0.76, 0.68)  # type sizes tried until the top half fits
MONO = "DejaVu Sans Mono"  # the link in monospace: 0/O, 1/l/I differ
PANEL, KICKER, RULE_LINE = "#EEF5FA", "#E3F1FA", "#D9D9D9"


@dataclass(frozen=True)
class InviteCard:
    name: str  # the group's title; "" when it has none
    focus: str | None  # bot/domain/focus.py; None is general peer support
    about: str | None  # the lead's short description
    rules: tuple[str, ...]  # the first RULES_SHOWN ground rules
    link: str  # https://, checked by bot/services/invites.py
    language: str = field(default_factory=i18n.language)  # the group's, carried to the worker


def focus_line(card: InviteCard) -> str:
    """What the group is for, as the card and its alt text both say it."""
    if card.focus in (None, GENERAL):
        return _(GENERAL_FOCUS).format(focus=focus_shown(GENERAL))
    return _(FOCUSED).format(focus=focus_shown(card.focus))


def alt_text(card: InviteCard) -> str:
    """Everything the card shows, in its order, for a screen reader."""
    with i18n.use(card.language):
        lines = [_(ALT_CARD).format(name=card.name or _(UNNAMED)), focus_line(card) + "."]
        if card.about:
            lines.append(card.about)
        if card.rules:
            lines.append(_(ALT_RULES))
            lines += [f"{n}. {rule}" for n, rule in enumerate(card.rules[:RULES_SHOWN], 1)]
        lines += [_(ALT_LINK).format(link=card.link), _(SAFETY)]
        return "\n".join(lines)


def qr_modules(link: str) -> list[list[int]]:
    """The code's modules (1 dark) with the quiet zone around them. Always a full QR code:
    `segno.make` picks a Micro QR for a short link, which most phone cameras cannot read."""
    import segno

    matrix = segno.make_qr(link, error="m").matrix
    side = len(matrix) + 2 * QUIET
    blank = [[0] * side for _ in range(QUIET)]
    rows = [[0] * QUIET + list(row) + [0] * QUIET for row in matrix]
    return blank + rows + [list(row) for row in blank]


def qr_place(count: int) -> tuple[int, int, int]:
    """(left, top, module) in px of a code `count` modules wide: whole pixels a module, so
    every edge is sharp for a camera."""
    module = QR_PX // count
    return MARGIN + PAD, QR_BOTTOM - module * count, module


def draw_invite(card: InviteCard) -> bytes:
    """The card as a 1080×1350 PNG."""
    return style.png(figure_for(card))


def figure_for(card: InviteCard) -> Figure:
    """The laid-out Figure (tests read its texts). Type shrinks step by step until the top
    half fits above the link panel; at the last step the line budgets make it fit."""
    import matplotlib

    modules = qr_modules(card.link)
    left, top, module = qr_place(len(modules))
    room = top - PAD - 40  # the top half ends this far above the panel
    with i18n.use(card.language), matplotlib.rc_context(style.RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        for scale in SCALES:
            end = _top_half(Page(style.figure()), card, scale, 0.0)
            if end <= room or scale == SCALES[-1]:
                break
        page = Page(style.figure())
        _top_half(page, card, scale, max(0.0, room - end) / 2)  # the slack above and below
        _bottom_half(page, card, modules, (left, top, module))
        return page.fig


def _top_half(page: Page, card: InviteCard, s: float, shift: float) -> float:
    """The band (name, focus), the description and the rules; where they end, in px."""
    from matplotlib.patches import Circle, Rectangle

    inner = W - 2 * MARGIN
    y = 64 * s
    y += page.text(MARGIN, y, page.wrap(_(INVITED), inner, 13 * s, 1, "bold"), 13 * s,
                   color=KICKER, weight="bold")  # fmt: skip
    name = page.wrap(card.name or _(UNNAMED), inner, 30 * s, 3, "bold")
    y += 16 * s + page.text(MARGIN, y + 16 * s, name, 30 * s, color="white", weight="bold",
                            linespacing=1.15)  # fmt: skip
    focus = page.wrap(focus_line(card), inner, 16 * s, 2)
    y += 18 * s + page.text(MARGIN, y + 18 * s, focus, 16 * s, color="white")
    y += 56 * s
    page.ax.add_patch(Rectangle((0, 0), W, y, color=style.BLUE, zorder=0))
    page.ax.add_patch(Rectangle((0, y), W, 10, color=style.ORANGE, zorder=0))
    y += 10 + 48 * s + shift
    if card.about:
        about = page.wrap(card.about, inner, 17 * s, 5)
        y += 44 * s + page.text(MARGIN, y, about, 17 * s, color=style.INK, linespacing=1.4)
    if not card.rules:
        return y - shift
    y += page.text(MARGIN, y, [_(RULES_HEADING)], 14 * s, color=style.BLUE, weight="bold")
    page.ax.add_patch(Rectangle((MARGIN, y + 10 * s), 56 * s, 5 * s, color=style.ORANGE))
    y += 34 * s
    radius, gap = 19 * s, 22 * s
    for number, rule in enumerate(card.rules[:RULES_SHOWN], 1):
        x = MARGIN + 2 * radius + gap
        lines = page.wrap(rule, W - MARGIN - x, 15 * s, 2)
        centre = y + radius - 2 * s
        page.ax.add_patch(Circle((MARGIN + radius, centre), radius, color=style.BLUE))
        page.text(MARGIN + radius, centre - 11 * s, [str(number)], 13 * s, color="white",
                  weight="bold", ha="center")  # fmt: skip
        y += 24 * s + page.text(x, y, lines, 15 * s, color=style.INK, linespacing=1.3)
    return y - shift


def _bottom_half(
    page: Page, card: InviteCard, modules: list[list[int]], place: tuple[int, int, int]
) -> None:
    """The panel with the code and the link, and the safety line under it."""
    from matplotlib.patches import FancyBboxPatch, Rectangle

    left, top, module = place
    side = module * len(modules)
    panel = FancyBboxPatch(
        (MARGIN, top - PAD), W - 2 * MARGIN, side + 2 * PAD,
        boxstyle="round,pad=0,rounding_size=22", facecolor=PANEL, edgecolor="none",
    )  # fmt: skip
    page.ax.add_patch(panel)
    page.ax.imshow(
        modules, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest", aspect="auto",
        extent=(left, left + side, top + side, top), zorder=2,
    )  # fmt: skip
    page.ax.set_xlim(0, W)
    page.ax.set_ylim(H, 0)
    x = left + side + 36
    width = W - MARGIN - PAD - x
    scan = page.wrap(_(SCAN), width, 14, 3, "bold")
    scan_h = height(len(scan), 14, 1.3) + 18
    size, link = _link_lines(page, card.link, width, side - scan_h)
    y = top + (side - scan_h - height(len(link), size, 1.25)) / 2  # centred beside the code
    y += 18 + page.text(x, y, scan, 14, color=style.INK, weight="bold", linespacing=1.3)
    page.text(x, y, link, size, color=style.BLUE, family=MONO, linespacing=1.25)
    rule_y = top + side + PAD + 30
    page.ax.add_patch(Rectangle((MARGIN, rule_y), W - 2 * MARGIN, 2, color=RULE_LINE))
    safety = page.wrap(_(SAFETY), W - 2 * MARGIN, 11.5, 3)
    page.text(W / 2, rule_y + 22, safety, 11.5, color=style.MUTED, ha="center",
              multialignment="center", linespacing=1.35)  # fmt: skip


def _link_lines(page: Page, link: str, width: float, room: float) -> tuple[float, list[str]]:
    """The link on one line when it fits at 12 pt or more; else the largest size (down to
    8 pt) at which all of it fits beside the code, broken after / ? & = # where it can be.
    It is read and typed exactly, so it is never cut short."""
    sizes = (15.0, 14.0, 13.0, 12.0, 11.0, 10.0, 9.0, 8.0)
    packed = [
        (size, _pack(link, int(width / page.width("M", size, family=MONO)))) for size in sizes
    ]
    for size, lines in packed:
        if size >= 12 and len(lines) == 1:
            return size, lines
    for size, lines in packed:
        if height(len(lines), size, 1.25) <= room:
            return size, lines
    return packed[-1]


def _pack(link: str, per_line: int) -> list[str]:
    """`link` in lines of at most `per_line` characters, a part (up to / ? & = #) starting a
    line of its own rather than being split when it fits one."""
    per_line = max(8, per_line)
    lines = [""]
    for part in re.split(r"(?<=[/?&=#])", link):
        if lines[-1] and len(lines[-1]) + len(part) > per_line >= len(part):
            lines.append("")
        while part:
            if len(lines[-1]) == per_line:
                lines.append("")
            room = per_line - len(lines[-1])
            lines[-1], part = lines[-1] + part[:room], part[room:]
    return lines
