"""Publishing App Homes through Slack: the one call the home flows (bot/flows/home.py) need,
shared by the web process (after a request) and the clock (after a post it sent)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.flows.home import PublishHome
from bot.slack.delivery import attempt


def publish_with(client: WebClient) -> PublishHome:
    """views.publish over ``client``. A refusal, or no answer, is logged and left to the next
    change to retry (the digest is only recorded for homes Slack accepted), never an error for
    the request or the job that caused the refresh."""

    def publish(user_id: str, view: dict[str, Any]) -> bool:
        published = attempt(
            lambda: client.views_publish(user_id=user_id, view=view),
            what=f"App Home of {user_id}",
        )
        return published is None

    return publish
