"""People's time zones from Slack (users.info), cached in the database and refreshed weekly."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.slack.directory import lookup_zone
from bot.slack.ports import ZoneAnswer
from storage.db import session_scope
from storage.people import ZONE_MAX_AGE, cached_zones, stale_people, store_zone

__all__ = [
    "ZONE_MAX_AGE",
    "cached_zones",
    "refresh_zones",
    "store_answers",
    "zones_for",
    "zones_of",
]


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
    stale = stale_people(session, team_id=team_id, user_ids=wanted, now=now)
    answers = {user_id: lookup_zone(client, user_id) for user_id in stale}
    store_answers(session, team_id=team_id, answers=answers, now=now)
    return cached_zones(session, team_id=team_id, user_ids=wanted)


def refresh_zones(
    engine: Engine, client: WebClient, *, team_id: str, user_ids: Collection[str], now: datetime
) -> int:
    """Ask Slack for the zones of people not seen for a week, with no transaction open while
    Slack answers: read who is stale, ask, then store the answers. Returns how many were asked."""
    with session_scope(engine) as session:
        stale = stale_people(session, team_id=team_id, user_ids=user_ids, now=now)
    answers = {user_id: lookup_zone(client, user_id) for user_id in stale}
    if answers:
        with session_scope(engine) as session:
            store_answers(session, team_id=team_id, answers=answers, now=now)
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


def store_answers(
    session: Session, *, team_id: str, answers: Mapping[str, ZoneAnswer], now: datetime
) -> None:
    for user_id, found in answers.items():
        store_zone(
            session,
            team_id=team_id,
            user_id=user_id,
            timezone=found.timezone,
            deleted=found.deleted,
            answered=found.answered,
            now=now,
        )
