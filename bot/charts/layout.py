"""Plain text laid out by measure on a fixed-size picture (the invitation card): one axes over
the whole figure in pixels from the top left, texts wrapped by their measured width and cut
short with "…" after a line budget, so what a member or lead typed can never leave the
picture, and drawn with mathtext and TeX off, so "$x$" shows as typed.

Characters the font cannot draw (emoji, mostly) are left out of what is drawn rather than shown
as empty boxes; a picture's alt text keeps them.
"""

from __future__ import annotations

import textwrap
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from bot.charts import style

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FONT = "DejaVu Sans"
W, H = style.WIDTH_PX, style.HEIGHT_PX


def height(lines: int, size: float, spacing: float) -> float:
    """About how tall `lines` lines of `size` pt are, in px."""
    return lines * size * style.DPI / 72 * spacing


class Page:
    """One axes over the whole figure, in pixels from the top left, and a measuring renderer."""

    def __init__(self, fig: Figure) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.fig = fig
        self.renderer = FigureCanvasAgg(fig).get_renderer()
        self.ax = fig.add_axes((0, 0, 1, 1))
        self.ax.set_axis_off()
        self.ax.set_xlim(0, W)
        self.ax.set_ylim(H, 0)

    @staticmethod
    def width(text: str, size: float, weight: str = "normal", family: str = FONT) -> float:
        return _width(text, size, weight, family)

    def wrap(
        self, text: str, width: float, size: float, lines: int, weight: str = "normal"
    ) -> list[str]:
        """`text` in lines no wider than `width` px, at most `lines` of them (the last cut
        short with "…")."""
        text = printable(text)
        sample = text[:60]  # a guess from a sample: measuring is the slow step
        chars = max(4, int(len(sample) * width / max(self.width(sample, size, weight), 1.0)))
        while True:
            wrapped = textwrap.wrap(text, chars, break_on_hyphens=False) or [""]
            widest = max(self.width(x, size, weight) for x in wrapped)
            if chars <= 4 or widest <= width:
                break
            chars = max(4, min(chars - 1, int(chars * width / widest)))
        if len(wrapped) <= lines:
            return wrapped
        last = " ".join(wrapped[lines - 1 :])[: chars + 1]  # a line holds about `chars`
        while last and self.width(last + "…", size, weight) > width:
            last = last[:-1]
        return [*wrapped[: lines - 1], last.rstrip(" ,;:.") + "…"]

    def text(self, x: float, y: float, lines: list[str], size: float, **style_: Any) -> float:
        """Draw `lines` with their top at `y`, as plain text; their height in px."""
        style_.setdefault("family", FONT)
        drawn = self.ax.text(
            x, y, "\n".join(lines), fontsize=size, va="top", parse_math=False, usetex=False,
            **style_,
        )  # fmt: skip
        return float(drawn.get_window_extent(self.renderer).height)


@lru_cache(maxsize=4096)
def _width(text: str, size: float, weight: str, family: str) -> float:
    """A text's width in px at the card's DPI, remembered: a card measures the same lines
    at each try of a type size and again when it draws them."""
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(family=family, size=size, weight=weight)
    return float(_measurer().get_text_width_height_descent(text, prop, False)[0])


@cache
def _measurer() -> Any:
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(1, 1, style.DPI)


@cache
def _font_chars() -> frozenset[int]:
    from matplotlib import font_manager

    path = font_manager.findfont(font_manager.FontProperties(family=FONT))
    return frozenset(font_manager.get_font(path).get_charmap())


def printable(text: str) -> str:
    """`text` without what the font cannot draw; unchanged when that would leave nothing."""
    kept = " ".join("".join(c for c in text if ord(c) in _font_chars() or c.isspace()).split())
    return kept or " ".join(text.split())
