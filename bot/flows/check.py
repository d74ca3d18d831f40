"""/emcoach check: does this company need a mentoring program yet? Open to everyone.

The answers are stored on the person's draft program when they own one, with whether they
are going ahead against the advice (PRODUCT.md: "The owner may still continue (recorded)").
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

from bot.domain.eligibility import Assessment, Condition, EligibilityVerdict, assess
from storage.eligibility import (
    latest_owned_draft,
    owned_draft,
    record_eligibility,
    stored_conditions,
)
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckForm:
    """The questions, prefilled from the person's latest draft program if they own one."""

    program_id: int | None = None
    program_name: str | None = None
    checked: frozenset[Condition] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckResult:
    assessment: Assessment
    override: bool  # going ahead against the advice
    saved_on: str | None  # the draft program the answers were stored on


def check_form(uow: UnitOfWork, *, team_id: str, user_id: str) -> CheckForm:
    with uow as session:
        draft = latest_owned_draft(session, team_id=team_id, user_id=user_id)
        if draft is None:
            return CheckForm()
        return CheckForm(
            program_id=draft.id, program_name=draft.name, checked=stored_conditions(draft)
        )


def record_check(
    uow: UnitOfWork,
    *,
    team_id: str,
    user_id: str,
    program_id: int | None,
    conditions: Set[Condition],
) -> CheckResult:
    assessment = assess(conditions)
    override = assessment.verdict is not EligibilityVerdict.RECOMMENDED
    saved_on = None
    with uow as session:
        program = owned_draft(session, team_id=team_id, user_id=user_id, program_id=program_id)
        if program is not None:
            record_eligibility(session, program, conditions=conditions, override=override)
            saved_on = program.name
    return CheckResult(assessment=assessment, override=override, saved_on=saved_on)
