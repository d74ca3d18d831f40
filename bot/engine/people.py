"""People's time zones from Slack (users.info), cached in the database and refreshed weekly."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage.db import session_scope
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
    falls back to the program's zone). Asks Slack for the ones not seen for a week, inside
    the caller's unit of work: only for one person a command is about, whose zone is almost
    always cached; whole programs go through ``refresh_zones`` first."""
    wanted = set(user_ids)
    for user_id in _stale(session, team_id=team_id, user_ids=wanted, now=now):
        _store(session, team_id=team_id, user_id=user_id, found=_lookup(client, user_id), now=now)
    return cached_zones(session, team_id=team_id, user_ids=wanted)


def refresh_zones(
    engine: Engine, client: WebClient, *, team_id: str, user_ids: Iterable[str], now: datetime
) -> int:
    """Ask Slack for the zones of people not seen for a week, with no transaction open while
    Slack answers: read who is stale, ask, then store the answers. Returns how many were asked."""
    wanted = set(user_ids)
    with session_scope(engine) as session:
        stale = _stale(session, team_id=team_id, user_ids=wanted, now=now)
    answers = {user_id: _lookup(client, user_id) for user_id in stale}
    if answers:
        with session_scope(engine) as session:
            for user_id, found in answers.items():
                _store(session, team_id=team_id, user_id=user_id, found=found, now=now)
    return len(answers)


def zones_of(
    engine: Engine, client: WebClient, *, team_id: str, user_ids: Iterable[str], now: datetime
) -> dict[str, str]:
    """Each known person's zone, asking Slack first for the ones not seen for a week, with
    no transaction open while Slack answers. For a request to fetch before its unit of work
    opens and hand the zones in as values; unknown people are left out (fall back to the
    program's zone, as the planner does)."""
    wanted = set(user_ids)
    refresh_zones(engine, client, team_id=team_id, user_ids=wanted, now=now)
    with session_scope(engine) as session:
        return cached_zones(session, team_id=team_id, user_ids=wanted)


def cached_zones(session: Session, *, team_id: str, user_ids: Iterable[str]) -> dict[str, str]:
    """The zones the database knows, without asking Slack."""
    people = session.exec(
        select(Person).where(Person.team_id == team_id, col(Person.user_id).in_(set(user_ids)))
    )
    return {
        person.user_id: person.timezone
        for person in people
        if person.timezone and not person.deleted
    }


def _stale(session: Session, *, team_id: str, user_ids: set[str], now: datetime) -> list[str]:
    fresh = {
        person.user_id
        for person in session.exec(
            select(Person).where(Person.team_id == team_id, col(Person.user_id).in_(user_ids))
        )
        if now - person.refreshed_at <= ZONE_MAX_AGE
    }
    return sorted(user_ids - fresh)


@dataclass(frozen=True, slots=True)
class _Found:
    timezone: str | None
    deleted: bool
    answered: bool  # False when Slack refused for another reason: keep what we knew


def _lookup(client: WebClient, user_id: str) -> _Found:
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        code = error.response.get("error")
        logger.warning("users.info %s failed: %s", user_id, code)
        return _Found(timezone=None, deleted=code == "user_not_found", answered=False)
    return _Found(timezone=user.get("tz") or None, deleted=bool(user.get("deleted")), answered=True)


def _store(session: Session, *, team_id: str, user_id: str, found: _Found, now: datetime) -> None:
    person = session.get(Person, (team_id, user_id)) or Person(
        team_id=team_id, user_id=user_id, refreshed_at=now
    )
    if found.answered:
        person.timezone = found.timezone
    person.deleted = found.deleted
    person.refreshed_at = now
    session.add(person)
    session.flush()
