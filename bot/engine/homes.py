"""Publishing App Homes through Slack: the one call the home flows (bot/flows/home.py) need,
shared by the web process (after a request) and the clock (after a post it sent)."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.flows.home import PublishHome

logger = logging.getLogger("emcoach.home")


def publish_with(client: WebClient) -> PublishHome:
    """views.publish over ``client``. A refusal, or no answer, is logged and left to the next
    change to retry (the digest is only recorded for homes Slack accepted), never an error for
    the request or the job that caused the refresh."""

    def publish(user_id: str, view: dict[str, Any]) -> bool:
        try:
            client.views_publish(user_id=user_id, view=view)
        except SlackApiError as error:
            logger.warning("App Home of %s not published: %s", user_id, error.response.get("error"))
            return False
        except (SlackClientError, OSError) as error:  # a timeout, a dropped connection
            logger.warning("App Home of %s not published: %s", user_id, type(error).__name__)
            return False
        return True

    return publish
