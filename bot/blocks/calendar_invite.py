"""The handoff sync as a calendar invite: an .ics file and add-to-calendar links."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode


def ics(
    *, uid: str, title: str, start: datetime, minutes: int, description: str, now: datetime
) -> bytes:
    from icalendar import Calendar, Event  # imported when an invite is made: slow to load

    calendar = Calendar()
    calendar.add("prodid", "-//Handoff//handoff sync//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=minutes))
    event.add("summary", title)
    event.add("description", description)
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def google_link(*, title: str, start: datetime, minutes: int, description: str) -> str:
    fmt = "%Y%m%dT%H%M%SZ"
    end = start + timedelta(minutes=minutes)
    query = urlencode(
        {
            "action": "TEMPLATE",
            "text": title,
            "dates": f"{start:{fmt}}/{end:{fmt}}",
            "details": description,
        }
    )
    return f"https://calendar.google.com/calendar/render?{query}"


def outlook_link(*, title: str, start: datetime, minutes: int, description: str) -> str:
    end = start + timedelta(minutes=minutes)
    query = urlencode(
        {
            "subject": title,
            "startdt": start.isoformat(),
            "enddt": end.isoformat(),
            "body": description,
            "path": "/calendar/action/compose",
        }
    )
    return f"https://outlook.office.com/calendar/0/deeplink/compose?{query}"
