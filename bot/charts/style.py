"""One look for every chart: sized for a phone screen, colours safe for colour-blind eyes.

Colours are from the Okabe-Ito palette, and no meaning rests on colour alone: points and lines
differ in shape, bands are labelled in words and the low band is also hatched.
"""

from __future__ import annotations

import io
from typing import Any

# 1080 px wide is what phones show at full width; the height leaves room for two panels.
WIDTH_PX, HEIGHT_PX = 1080, 1350
DPI = 150
SIZE_PX = (WIDTH_PX, HEIGHT_PX)

BLUE = "#0072B2"
VERMILLION = "#D55E00"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
GREY = "#BBBBBB"
INK = "#222222"
MUTED = "#666666"

RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.labelsize": 11,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": INK,
    "ytick.color": INK,
    "legend.frameon": False,
    "svg.fonttype": "none",
}


def figure() -> Any:
    """A Figure not tied to pyplot's global state, so two threads could never share one."""
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")


def png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    return buffer.getvalue()
