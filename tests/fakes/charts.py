"""Helpers for end-to-end tests of charts: seeding check-ins in the past, reading a PNG."""

from __future__ import annotations

import io
import struct
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from fakes.members import consent_all
from PIL import Image
from shared import connect

from bot.app import App
from bot.core.messages import Place

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHART_SIZE = (1080, 1350)
LAST_WEEK = timedelta(days=7)  # always inside the last complete Monday-to-Sunday week


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a complete, valid PNG (signature, IHDR, every chunk's CRC)."""
    assert data[:8] == PNG_SIGNATURE, data[:16]
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        image.verify()
    return width, height


async def check_ins(
    app: App,
    platform: str,
    members: dict[int, str],
    ago: tuple[timedelta, ...],
    *,
    place: Place | None = None,
    moods: tuple[int, ...] = (2, 3, 3, 4, 3),
) -> None:
    """Each member agrees and checks in once per entry of `ago` (that long before now), in the
    community of `place` when given, as `/checkin` would have recorded it then. Members take
    `moods` in turn: a spread, since a week where all share one band shows no mood at all."""
    await consent_all(app, platform, members)
    community_id = None
    if place is not None:
        community = await app.services.people.community_of(place)
        assert community is not None
        community_id = community.id
    now = app.services.clock.now()
    for index, user_id in enumerate(members):
        mood = moods[index % len(moods)]
        member = await app.services.people.members.find(platform, str(user_id))
        assert member is not None
        for delta in ago:
            await app.services.checkins.record(
                member.id, community_id, mood, (), None, now - delta, ZoneInfo("UTC")
            )


def outbox_rows(database: Path | str) -> list[tuple]:
    """(state, attachment_name, attachment bytes still stored) of every outbox row."""
    with connect(database) as conn:
        return conn.execute(
            "SELECT state, attachment_name, attachment IS NOT NULL FROM outbox ORDER BY id"
        ).fetchall()
