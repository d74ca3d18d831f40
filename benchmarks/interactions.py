"""The interactions benchmarks/ack_latency.py drives, and the world they act on (issue #12).

* ``help``: signed `/emcoach help` (reads the caller's roles; answered in the ack).
* ``status``: an owner's `/emcoach status` on a committed program: ack, then the checklist
  through ``response_url``.
* ``mixed``: a third each of owners' `status`, leaders' answers to their "rate your 1:1"
  prompt (the answer modal's submission: a write before the ack, then ``chat.update``) and
  coaches' held / not held clicks on their 1:1 log prompt (a write after the ack, then
  ``chat.update``). Each coach's two clicks alternate on the same prompt, so a log changes
  with almost every click; a rating counts once, so after the first pass over the prompts a
  submission reads and is refused with the "already answered" modal (a read, as a replay is).

The world: committed programs seeded as ``benchmarks/seed_agenda.py`` does (the cadence
engine's own rows), with their past 1:1 prompts made due and sent by the real dispatcher to
the Slack stand-in, so each prompt has its channel and ts and every ``chat.update`` finds its
message. Bare Bolt (``benchmarks/bare_bolt.py``) answers the same requests with the same
Slack work and no database.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier
from sqlalchemy import select
from sqlalchemy.engine import Engine

from benchmarks.seed_agenda import TEAM_ID, prepare, seed_due_kinds, seed_programs
from bot.blocks.answers import ANSWERS_SCORE, ANSWERS_VIEW
from bot.blocks.prompts.actions import PROMPT_LOG_HELD, PROMPT_LOG_NOT_HELD
from bot.domain.cadence import AgendaKind, AgendaState
from bot.engine.dispatch import Dispatcher
from storage.models import AgendaRow

SCENARIOS: Final = ("help", "status", "mixed")
STATUS_TEXT: Final = "status"
HELP_TEXT: Final = "help"
FORM: Final = "application/x-www-form-urlencoded"
_RATED: Final = AgendaKind.ONE_ON_ONE_POST
_LOGGED: Final = AgendaKind.ONE_ON_ONE_LOG


@dataclass(frozen=True, slots=True, kw_only=True)
class World:
    """Who can do what in the seeded database."""

    owners: tuple[str, ...]
    ratings: tuple[tuple[int, str], ...]  # (a sent "rate your 1:1" row, its leader)
    logs: tuple[tuple[int, str], ...]  # (a sent 1:1 log row, its coach)

    @property
    def empty(self) -> bool:
        return not self.owners


NO_WORLD: Final = World(owners=(), ratings=(), logs=())


def seed_world(engine: Engine, *, programs: int, dispatcher: Dispatcher) -> World:
    """``programs`` committed programs, their past 1:1 prompts sent through ``dispatcher``."""
    prepare(engine)
    plans = seed_programs(engine, count=programs, full=programs)
    seed_due_kinds(engine, plans, kinds={_RATED, _LOGGED})
    while dispatcher.tick().sent:
        pass
    with engine.connect() as connection:
        rows = connection.execute(
            select(AgendaRow.id, AgendaRow.kind, AgendaRow.recipient)  # type: ignore[call-overload]
            .where(AgendaRow.state == AgendaState.SENT)
            .order_by(AgendaRow.id)
        ).all()
    return World(
        owners=tuple(plan.owner_ids[0] for plan in plans),
        ratings=tuple((row_id, who) for row_id, kind, who in rows if kind == _RATED.value),
        logs=tuple((row_id, who) for row_id, kind, who in rows if kind == _LOGGED.value),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Signer:
    secret: str
    response_url: str

    def sign(self, body: str, *, timestamp: int) -> tuple[bytes, dict[str, str]]:
        stamp = str(timestamp)
        signature = SignatureVerifier(self.secret).generate_signature(timestamp=stamp, body=body)
        assert signature is not None  # None only for a missing timestamp or body
        headers = {
            "Content-Type": FORM,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature,
        }
        return body.encode("utf-8"), headers


def command_body(text: str, *, user_id: str, team_id: str, response_url: str) -> str:
    """A slash-command form body as Slack sends it."""
    return urlencode(
        {
            "token": "legacy-unused",
            "team_id": team_id,
            "team_domain": "bench",
            "channel_id": "C0BENCH",
            "channel_name": "bench",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": "/emcoach",
            "text": text,
            "api_app_id": "A0EMCOACH",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"trig-{uuid.uuid4().hex}",
        }
    )


def _interaction_body(payload: dict[str, Any]) -> str:
    envelope = {"team": {"id": TEAM_ID, "domain": "bench"}, "api_app_id": "A0EMCOACH"} | payload
    return urlencode({"payload": json.dumps(envelope)})


def log_click_body(*, row_id: int, coach: str, held: bool, response_url: str) -> str:
    return _interaction_body(
        {
            "type": "block_actions",
            "user": {"id": coach, "team_id": TEAM_ID},
            "trigger_id": f"trig-{uuid.uuid4().hex}",
            "response_url": response_url,
            "container": {"type": "message"},
            "actions": [
                {
                    "type": "button",
                    "action_id": PROMPT_LOG_HELD if held else PROMPT_LOG_NOT_HELD,
                    "block_id": "b",
                    "value": str(row_id),
                    "action_ts": "1800000000.000001",
                }
            ],
        }
    )


def rating_body(*, row_id: int, leader: str, score: int) -> str:
    values = {
        ANSWERS_SCORE: {
            ANSWERS_SCORE: {"type": "radio_buttons", "selected_option": {"value": str(score)}}
        }
    }
    return _interaction_body(
        {
            "type": "view_submission",
            "user": {"id": leader, "team_id": TEAM_ID},
            "trigger_id": f"trig-{uuid.uuid4().hex}",
            "view": {
                "id": f"V{uuid.uuid4().hex[:10].upper()}",
                "type": "modal",
                "callback_id": ANSWERS_VIEW,
                "private_metadata": json.dumps({"row": row_id}),
                "state": {"values": values},
                "hash": "h",
            },
        }
    )


def bodies(scenario: str, world: World, *, response_url: str) -> list[str]:
    """The request bodies of one pass of ``scenario``, in the order connections take them."""
    if scenario == HELP_TEXT:
        return [
            command_body(HELP_TEXT, user_id="UBENCH", team_id="T0001", response_url=response_url)
        ]
    status = [
        command_body(STATUS_TEXT, user_id=owner, team_id=TEAM_ID, response_url=response_url)
        for owner in world.owners
    ]
    if scenario == STATUS_TEXT:
        return status
    scores = random.Random(7)
    ratings = [
        rating_body(row_id=row_id, leader=leader, score=scores.randint(1, 5))
        for row_id, leader in world.ratings
    ]
    logs = [
        log_click_body(row_id=row_id, coach=coach, held=held, response_url=response_url)
        for row_id, coach in world.logs
        for held in (True, False)
    ]
    return _interleave([status, ratings, logs])


def _interleave(kinds: Sequence[Sequence[str]]) -> list[str]:
    """One of each kind in turn (a third each), as long as the longest; shorter ones cycle."""
    longest = max(len(kind) for kind in kinds if kind)
    return [kind[index % len(kind)] for index in range(longest) for kind in kinds if kind]
