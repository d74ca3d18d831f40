"""The end of the demo: each kind of person opens emcoach's App Home, and the transcript shows
what they see there."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.sim.demo.company import Company
from bot.sim.demo.harness import LiveApp
from bot.sim.demo.transcript import render_message
from bot.sim.standin import StandInUser


def open_home(live: LiveApp, user_id: str) -> dict[str, Any]:
    """Open the person's Home tab over signed HTTP; the view the app published for them."""

    def published() -> int:
        return sum(
            1 for call in live.slack.calls_to("views.publish") if call.args["user_id"] == user_id
        )

    before = published()
    live.sender.event(
        {"type": "app_home_opened", "user": user_id, "channel": f"D{user_id}", "tab": "home"}
    )
    live.slack.wait_for(lambda: published() > before)
    return live.slack.home_view(user_id) or {}


def who_looks(company: Company) -> list[tuple[str, StandInUser]]:
    """One person of every kind: owner, budget owner, coach, a leader, a leader's manager,
    and someone with no role (a direct report)."""
    team = company.teams[0]
    return [
        ("owner", company.owner),
        ("budget owner", company.budget_owner),
        ("coach", company.coach),
        ("leader", team.leader),
        ("leader's manager", team.manager),
        ("no role in the program", team.reports[0]),
    ]


def show_homes(
    live: LiveApp, company: Company, *, names: Mapping[str, str], say: Callable[[str], None]
) -> None:
    say("\nEVERYONE'S APP HOME, AT THE END")
    for role, person in who_looks(company):
        view = open_home(live, person.id)
        say(f"\nWhat {company.who(person)} sees in emcoach's App Home ({role}):")
        say(render_message({"blocks": view.get("blocks", [])}, names))
