"""What rendering a batch of agenda rows reads, in four queries for the whole batch.

A prompt names its program, the recipient's time zone, and for most kinds a leader and their
pod. Read row by row, those lookups were most of the dispatcher's CPU per prompt
(benchmarks/dispatch.py); read once per claimed batch, they are a few dictionary look-ups.
The objects are detached: read-only once loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from storage.models import AgendaRow, Leader, Person, Pod, Program


@dataclass(frozen=True, slots=True)
class AgendaBatch:
    programs: dict[int, Program]
    zones: dict[tuple[str, str], str]  # (team id, user id) → IANA zone Slack gave
    leaders: dict[tuple[int, str], Leader]  # (program id, user id)
    pods: dict[int, Pod]

    def zone(self, program: Program, user_id: str) -> str:
        """The person's own zone, else the program's."""
        return self.zones.get((program.team_id, user_id)) or program.timezone

    def leader(self, program_id: int, user_id: str) -> Leader | None:
        return self.leaders.get((program_id, user_id))


def load_batch(session: Session, rows: Sequence[AgendaRow]) -> AgendaBatch:
    """Everything the rows' prompts name. A program deleted meanwhile is simply absent."""
    program_ids = {row.program_id for row in rows}
    users = {row.recipient for row in rows} | {row.about for row in rows}
    programs = {
        program.id: program
        for program in session.exec(select(Program).where(col(Program.id).in_(program_ids)))
        if program.id is not None
    }
    teams = {program.team_id for program in programs.values()}
    zones = session.exec(
        select(Person.team_id, Person.user_id, Person.timezone).where(
            col(Person.team_id).in_(teams),
            col(Person.user_id).in_(users),
            col(Person.timezone).is_not(None),
        )
    )
    leaders = session.exec(
        select(Leader).where(
            col(Leader.program_id).in_(program_ids), col(Leader.user_id).in_(users)
        )
    )
    pods = session.exec(select(Pod).where(col(Pod.program_id).in_(program_ids)))
    return AgendaBatch(
        programs=programs,
        zones={(team_id, user_id): zone for team_id, user_id, zone in zones if zone},
        leaders={(leader.program_id, leader.user_id): leader for leader in leaders},
        pods={pod.id: pod for pod in pods if pod.id is not None},
    )
