"""People's time zones from Slack (users.info), cached in the database and refreshed weekly."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session, col, select

from storage.models import Person

logger = logging.getLogger("emcoach.people")

# A profile's zone changes when someone travels or moves; a week keeps users.info traffic low
# (Tier 4) while a move is picked up before most of a program's sessions.
ZONE_MAX_AGE = timedelta(days=7)


def zones_for(
    session: Session,
    client: WebClient,
    *,
    team_id: str,
    user_ids: Iterable[str],
    now: datetime,
) -> dict[str, str]:
    """Each known person's IANA zone; unknown or deleted people are left out (the planner
    falls back to the program's zone)."""
    wanted = set(user_ids)
    cached = {
        person.user_id: person
        for person in session.exec(
            select(Person).where(Person.team_id == team_id, col(Person.user_id).in_(wanted))
        )
    }
    for user_id in sorted(wanted):
        person = cached.get(user_id)
        if person is None or now - person.refreshed_at > ZONE_MAX_AGE:
            cached[user_id] = _refresh(session, client, team_id=team_id, user_id=user_id, now=now)
    return {
        user_id: person.timezone
        for user_id, person in cached.items()
        if person.timezone and not person.deleted
    }


def _refresh(
    session: Session, client: WebClient, *, team_id: str, user_id: str, now: datetime
) -> Person:
    person = session.get(Person, (team_id, user_id)) or Person(
        team_id=team_id, user_id=user_id, refreshed_at=now
    )
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        logger.warning("users.info %s failed: %s", user_id, error.response.get("error"))
        person.deleted = error.response.get("error") == "user_not_found"
    else:
        person.timezone = user.get("tz") or None
        person.deleted = bool(user.get("deleted"))
    person.refreshed_at = now
    session.add(person)
    session.flush()
    return person
