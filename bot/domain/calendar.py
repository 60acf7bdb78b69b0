"""An event as an iCalendar file (`/event ics`), for a member's own calendar: written with the
icalendar library (RFC 5545), in UTC, so every calendar shows it in its owner's zone."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event

PRODUCT = "-//Haven//Gatherings//EN"


def event_file(
    uid: str,
    title: str,
    starts_at: datetime,
    minutes: int,
    place: str | None,
    description: str,
    now: datetime,
    cancelled: bool = False,
) -> bytes:
    """One VEVENT in a VCALENDAR. `uid` is stable, so importing it again updates the same
    event; a place that is an https link is its URL, otherwise its location."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", uid)
    event.add("summary", title)
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + timedelta(minutes=minutes))
    event.add("dtstamp", now)
    event.add("description", description)
    if place and place.startswith("https://"):
        event.add("url", place)
    elif place:
        event.add("location", place)
    if cancelled:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical()
