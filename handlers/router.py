"""The /emcoach router: one registry of subcommands feeds dispatch, help and the App Home."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import Final

from slack_bolt import Ack, BoltContext, BoltRequest, BoltResponse, Respond
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient

from bot.blocks.help import HelpEntry, build_help, build_unknown_subcommand, entry_line
from bot.blocks.reply import Reply
from bot.domain.args import (
    COMMAND_TEXT_MAX,
    ArgumentError,
    check_text,
    closest_subcommand,
    split_subcommand,
)
from bot.domain.roles import Audience, Role, allows
from bot.flows.work import once_more_on_conflict, result_within, roles_started, roles_within
from bot.services import Services
from bot.slack_names import COMMAND
from handlers.unavailable import ROLE_LOOKUP_SECONDS


@dataclass(frozen=True, slots=True, kw_only=True)
class Invocation:
    """One /emcoach call, with the Slack utilities a subcommand may use."""

    team_id: str
    user_id: str
    channel_id: str
    trigger_id: str
    args: str
    roles: frozenset[Role]
    respond: Respond
    client: WebClient
    services: Services
    # Set when the person picked a program from a "which program?" question.
    program_id: int | None = None


SubcommandRun = Callable[[Invocation], Reply | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class HelpLine:
    """One line of `help` and who sees it."""

    usage: str
    summary: str
    audience: Audience


@dataclass(frozen=True, slots=True, kw_only=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    audience: Audience
    run: SubcommandRun
    # True when run() is quick and pure enough to answer inside the 3-second ack itself;
    # False when it calls Slack (a modal's trigger_id is only valid right after ack()).
    # A function of the arguments when that depends on them (typed: pure; alone: a modal).
    answers_in_ack: bool | Callable[[str], bool] = False
    # Who `help` shows it to, when fewer than ``audience`` can run it (e.g. `pause @leader`
    # is for owners and coaches, though anyone in a program may run `pause`).
    help_audience: Audience | None = None
    # More lines of `help`, each for its own audience (e.g. `pause me until …` for leaders).
    more_help: tuple[HelpLine, ...] = ()

    def quick(self, args: str) -> bool:
        if callable(self.answers_in_ack):
            return self.answers_in_ack(args)
        return self.answers_in_ack

    def help_entries(self, roles: frozenset[Role]) -> list[HelpEntry]:
        """The lines of `help` this subcommand shows to someone holding ``roles``."""
        lines = (
            HelpLine(
                usage=self.usage, summary=self.summary, audience=self.help_audience or self.audience
            ),
            *self.more_help,
        )
        return [
            HelpEntry(usage=line.usage, summary=line.summary)
            for line in lines
            if allows(line.audience, roles) and allows(self.audience, roles)
        ]


class Router:
    def __init__(self) -> None:
        self._subcommands: dict[str, Subcommand] = {}
        self._help_cache: dict[frozenset[Role], Reply] = {}

    def add(self, subcommand: Subcommand) -> None:
        if subcommand.name in self._subcommands:
            raise ValueError(f"subcommand {subcommand.name!r} registered twice")
        self._subcommands[subcommand.name] = subcommand
        self._help_cache.clear()

    def names(self) -> list[str]:
        return list(self._subcommands)

    def help_entries(self, roles: frozenset[Role]) -> list[HelpEntry]:
        """What `help` lists for someone holding ``roles`` in any of their programs."""
        return [entry for sub in self._subcommands.values() for entry in sub.help_entries(roles)]

    def help_lines(self, roles: frozenset[Role]) -> list[str]:
        """The same, as the text lines the App Home lists."""
        return [entry_line(entry) for entry in self.help_entries(roles)]

    def help_reply(self, roles: frozenset[Role]) -> Reply:
        # A pure function of the roles, asked on every bare /emcoach: build it once per set.
        reply = self._help_cache.get(roles)
        if reply is None:
            reply = self._help_cache[roles] = build_help(self.help_entries(roles))
        return reply

    def dispatch(self, *, ack: Ack, invocation: Invocation) -> None:
        unusable = unusable_text(invocation.args)
        if unusable is not None:
            ack(**unusable.as_ephemeral())
            return
        word, rest = split_subcommand(invocation.args)
        word = word or "help"
        subcommand = self._subcommands.get(word)
        if subcommand is None:
            suggestion = closest_subcommand(word, self.names())
            unknown = build_unknown_subcommand(
                word, suggestion=suggestion, entries=self.help_entries(invocation.roles)
            )
            ack(**unknown.as_ephemeral())
            return
        invocation = replace(invocation, args=rest)
        if not allows(subcommand.audience, invocation.roles):
            ack(**_refusal(subcommand).as_ephemeral())
            return
        if subcommand.quick(invocation.args):
            immediate = once_more_on_conflict(subcommand.run)(invocation)
            ack(**(immediate or Reply(text="Done.")).as_ephemeral())
            return
        ack()
        self._run_and_respond(subcommand, invocation)

    def run_acknowledged(self, *, name: str, invocation: Invocation) -> None:
        """Run a subcommand for a button click that was already acknowledged."""
        subcommand = self._subcommands.get(name)
        unusable = unusable_text(invocation.args)
        if unusable is not None:
            invocation.respond(**unusable.as_ephemeral())
        elif subcommand is None:
            invocation.respond(**self.help_reply(invocation.roles).as_ephemeral())
        elif not allows(subcommand.audience, invocation.roles):
            invocation.respond(**_refusal(subcommand).as_ephemeral())
        else:
            self._run_and_respond(subcommand, invocation, replace_original=True)

    @staticmethod
    def _run_and_respond(
        subcommand: Subcommand, invocation: Invocation, *, replace_original: bool = False
    ) -> None:
        reply = once_more_on_conflict(subcommand.run)(invocation)
        if reply is not None:
            invocation.respond(**reply.as_ephemeral(), replace_original=replace_original)


_WHO = {
    Audience.OWNERS: "a program's owners",
    Audience.BUDGET_OWNERS: "a program's budget owner",
    Audience.COACHES: "a program's coaches",
    Audience.OVERSEERS: "a program's owners and coaches",
    Audience.LEADERS: "a program's coached leaders",
    Audience.PARTICIPANTS: "people taking part in a program",
    Audience.EVERYONE: "everyone",
}


def _refusal(subcommand: Subcommand) -> Reply:
    instead = (
        f"Start your own program with `{COMMAND} setup`, or ask a program's owner to add you "
        f"with `{COMMAND} owner add @you`."
        if subcommand.audience is Audience.OWNERS
        else "Ask a program's owner to add you."
    )
    return Reply(
        text=(
            f"`{COMMAND} {subcommand.name}` is for {_WHO[subcommand.audience]}, and you aren't "
            f"one yet. {instead} `{COMMAND} help` shows what you can do now."
        )
    )


def unusable_text(args: str) -> Reply | None:
    """What to do instead when no subcommand could take ``args`` (a NUL, a huge paste)."""
    try:
        check_text(args, limit=COMMAND_TEXT_MAX, what="Your command")
    except ArgumentError as error:
        return Reply(text=f"{error.message} `{COMMAND} help` shows what each command takes.")
    return None


def lookup_roles(
    services: Services, *, team_id: str, user_id: str, context: BoltContext | None = None
) -> frozenset[Role]:
    """The caller's roles; the lookup ``StartRoleLookup`` started for this request if there is
    one (``context``). Raises DatabaseUnavailable in time to say so within Slack's 3 s
    (handlers/unavailable.py)."""
    pending = context.get(PENDING_ROLES) if context is not None else None
    if isinstance(pending, PendingRoles) and (pending.team_id, pending.user_id) == (
        team_id,
        user_id,
    ):
        found: set[Role] = result_within(ROLE_LOOKUP_SECONDS, pending.roles)
        return frozenset(found)
    engine, seconds = services.engine, ROLE_LOOKUP_SECONDS
    return frozenset(roles_within(engine, team_id=team_id, user_id=user_id, seconds=seconds))


PENDING_ROLES: Final = "emcoach_pending_roles"


@dataclass(frozen=True, slots=True)
class PendingRoles:
    team_id: str
    user_id: str
    roles: Future[set[Role]]


class StartRoleLookup(Middleware):
    """Starts an /emcoach call's role lookup on the request's own thread, before Bolt hands the
    listener to its pool: the lookup's thread and the listener's then get going side by side
    instead of one after the other, and the listener usually finds the answer waiting
    (benchmarks/ack_latency.py). The same query, and ``lookup_roles`` waits for it no longer
    than it waited for its own."""

    def __init__(self, services: Services) -> None:
        self._engine = services.engine

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        if body.get("command") == COMMAND:
            team_id, user_id = str(body.get("team_id", "")), str(body.get("user_id", ""))
            req.context[PENDING_ROLES] = PendingRoles(
                team_id, user_id, roles_started(self._engine, team_id=team_id, user_id=user_id)
            )
        return next()

    @property
    def name(self) -> str:
        return "StartRoleLookup"


def help_subcommand(router: Router) -> Subcommand:
    return Subcommand(
        name="help",
        usage="help",
        summary="this list",
        audience=Audience.EVERYONE,
        run=lambda invocation: router.help_reply(invocation.roles),
        answers_in_ack=True,
    )
