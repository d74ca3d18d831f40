from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.domain.program_rules import ProgramState
from bot.domain.roles import Role
from storage.db import session_scope
from storage.events import claim_event, prune_events
from storage.models import Program, ProgramMember, Workspace
from storage.programs import programs_of, roles_of, roles_within
from storage.workspaces import ensure_workspace

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def _program(engine: Engine, *, team_id: str = "T1", name: str = "Pilot") -> int:
    with session_scope(engine) as session:
        ensure_workspace(session, team_id=team_id, now=NOW)
        program = Program(team_id=team_id, name=name, created_by="U1", created_at=NOW)
        session.add(program)
        session.flush()
        assert program.id is not None
        session.add(
            ProgramMember(
                program_id=program.id, user_id="U1", role=Role.OWNER, added_by="U1", added_at=NOW
            )
        )
        return program.id


def test_roles_are_scoped_to_the_workspace(engine: Engine) -> None:
    _program(engine, team_id="T1")
    _program(engine, team_id="T2", name="Other")
    with engine.connect() as connection:
        assert roles_of(connection, team_id="T1", user_id="U1") == {Role.OWNER}
        assert roles_of(connection, team_id="T3", user_id="U1") == set()
        assert roles_of(connection, team_id="T1", user_id="U2") == set()
    with session_scope(engine) as session:
        assert [p.name for p in programs_of(session, team_id="T2")] == ["Other"]


def test_the_bounded_role_lookup_answers_as_the_statement_does(engine: Engine) -> None:
    """roles_within sends the statement's SQL straight to the driver (and on SQLite with no
    transaction around it): same answers, and nothing left open on the pooled connection."""
    _program(engine, team_id="T1")
    _program(engine, team_id="T2", name="Other")
    with session_scope(engine) as session:
        session.add(
            ProgramMember(
                program_id=_program(engine, team_id="T1", name="Second"),
                user_id="U1",
                role=Role.COACH,
                added_by="U1",
                added_at=NOW,
            )
        )
    for team_id, user_id in (("T1", "U1"), ("T2", "U1"), ("T3", "U1"), ("T1", "U2")):
        with engine.connect() as connection:
            expected = roles_of(connection, team_id=team_id, user_id=user_id)
        found = roles_within(engine, team_id=team_id, user_id=user_id, seconds=5)
        assert (team_id, user_id, found) == (team_id, user_id, expected)
    assert roles_within(engine, team_id="T1", user_id="U1", seconds=5) == {Role.OWNER, Role.COACH}
    _program(engine, team_id="T1", name="Third")  # a writer right after: no read held on
    assert roles_within(engine, team_id="T1", user_id="U1", seconds=5) == {Role.OWNER, Role.COACH}


def test_program_round_trip_keeps_enums_and_aware_datetimes(engine: Engine) -> None:
    program_id = _program(engine)
    with session_scope(engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        assert program.status is ProgramState.DRAFT
        assert program.created_at == NOW
        assert program.created_at.tzinfo is not None


def test_program_names_are_unique_per_workspace(engine: Engine) -> None:
    _program(engine, name="Pilot")
    _program(engine, team_id="T2", name="Pilot")  # another workspace may reuse the name
    with pytest.raises(IntegrityError):
        _program(engine, name="Pilot")


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(Program(team_id="T-missing", name="x", created_by="U1", created_at=NOW))


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive datetime refused"), session_scope(engine) as session:
        session.add(Workspace(team_id="T9", first_seen_at=datetime(2027, 1, 1)))


def test_other_offsets_are_stored_as_the_same_instant(engine: Engine) -> None:
    warsaw_winter = timezone(timedelta(hours=1))
    with session_scope(engine) as session:
        session.add(Workspace(team_id="T8", first_seen_at=NOW.astimezone(warsaw_winter)))
    with session_scope(engine) as session:
        workspace = session.get(Workspace, "T8")
        assert workspace is not None
        assert workspace.first_seen_at == NOW
        assert workspace.first_seen_at.utcoffset() == timedelta(0)


def test_an_event_is_claimed_once(engine: Engine) -> None:
    assert claim_event(engine, event_id="Ev1", team_id="T1", now=NOW) is True
    assert claim_event(engine, event_id="Ev1", team_id="T1", now=NOW) is False
    assert claim_event(engine, event_id="Ev2", team_id="T1", now=NOW) is True


def test_pruning_forgets_only_old_events(engine: Engine) -> None:
    claim_event(engine, event_id="old", team_id="T1", now=NOW - timedelta(days=2))
    claim_event(engine, event_id="new", team_id="T1", now=NOW)
    assert prune_events(engine, older_than=NOW - timedelta(days=1)) == 1
    assert claim_event(engine, event_id="old", team_id="T1", now=NOW) is True
    assert claim_event(engine, event_id="new", team_id="T1", now=NOW) is False
