"""/emcoach renew: start the next cohort as a draft from a running or closed program."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks.picker import build_program_choice
from bot.blocks.renew import build_renew_refused, build_renewed
from bot.blocks.reply import Reply
from bot.domain.roles import Audience
from bot.flows.programs import NotChosen, ProgramAsk, choose_alone
from bot.flows.renew import RenewAnswer, renew_program
from bot.flows.work import unit_of_work
from bot.services import Services
from handlers.router import Invocation, Router, Subcommand


def run_renew(invocation: Invocation) -> Reply | None:
    ask = ProgramAsk.of(invocation)
    chosen = choose_alone(unit_of_work(invocation.services.engine), ask)
    if isinstance(chosen, NotChosen):
        return build_program_choice(
            roles=chosen.roles, candidates=chosen.candidates, subcommand="renew", args=ask.args
        )
    assert chosen.program.id is not None
    outcome = renew_program(
        invocation.services.engine,
        team_id=invocation.team_id,
        user_id=invocation.user_id,
        program_id=chosen.program.id,
        now=invocation.services.clock.now(),
    )
    if outcome.renewal is not None:
        return build_renewed(outcome.renewal, already=outcome.answer is RenewAnswer.ALREADY)
    return build_renew_refused(outcome.program_name, reason=outcome.answer.value)


def register(_app: App, _services: Services, router: Router) -> None:
    router.add(
        Subcommand(
            name="renew",
            usage="renew [program]",
            summary="start the next cohort as a draft from a program (same criteria, new pods)",
            audience=Audience.OWNERS,
            run=run_renew,
        )
    )
