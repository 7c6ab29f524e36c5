"""Machine-readable copies of the review schedule: JSON for tools, iCalendar for owners
to subscribe to review deadlines."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import icalendar

from handbook.model.handbook import Handbook
from handbook.views.site_pages import ReviewEntry, schedule_entries

JSON_NAME = "review-schedule.json"
CALENDAR_NAME = "review-schedule.ics"


def _as_json(entry: ReviewEntry) -> dict:
    data = dataclasses.asdict(entry)
    data.update(last_reviewed=entry.last_reviewed.isoformat(), next_review=entry.next_review.isoformat())
    return data


def review_json(handbook: Handbook) -> str:
    return json.dumps({"generated_on": handbook.today.isoformat(),
                       "documents": [_as_json(e) for e in schedule_entries(handbook)]}, indent=2) + "\n"


def review_calendar(handbook: Handbook, site_url: str = "") -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Cura Care Homes//Handbook review schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Handbook review deadlines")
    stamp = dt.datetime.combine(handbook.today, dt.time(0, 0), tzinfo=dt.UTC)
    for entry in schedule_entries(handbook):
        due = entry.next_review
        event = icalendar.Event()
        # Unique to the home: a calendar that subscribes to two homes of a provider would take their
        # documents of the same id and due day as one event, and show one home's deadline only.
        home = f"{handbook.home_id}." if handbook.home_id else ""
        event.add("uid", f"{entry.id}-{due.isoformat()}@{home}handbook.curacarehomes")
        event.add("dtstamp", stamp)
        event.add("dtstart", due)
        event.add("dtend", due + dt.timedelta(days=1))
        event.add("summary", f"Review due: {entry.title}")
        page = site_url.rstrip("/") + "/" + entry.path.removesuffix(".md") + ".html" if site_url else entry.path
        event.add("description", f"Owner: {entry.owner}. Version {entry.version}, last reviewed "
                                 f"{entry.last_reviewed.isoformat()}. {page}")
        calendar.add_component(event)
    return calendar.to_ical()
