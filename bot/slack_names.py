"""Every Slack-side name emcoach uses, in one place; tests check them against manifest.yml."""

from __future__ import annotations

COMMAND = "/emcoach"

# The bot scope each Web API method needs (None: no scope). The manifest test scans the code for
# `client.<method>(` calls and checks that the manifest declares exactly the scopes they need.
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "auth_test": (),
    "chat_postMessage": ("chat:write",),
    "chat_postEphemeral": ("chat:write",),
    "chat_update": ("chat:write",),
    "conversations_open": ("im:write",),
    "conversations_history": ("channels:history", "im:history"),
    "conversations_replies": ("channels:history", "im:history"),
    "users_info": ("users:read",),
    "usergroups_list": ("usergroups:read",),
    "usergroups_users_list": ("usergroups:read",),
    "files_upload_v2": ("files:write",),
    "views_open": (),
    "views_update": (),
    "views_push": (),
    "views_publish": (),
}

# Scopes that come with a feature rather than a Web API call.
FEATURE_SCOPES: dict[str, str] = {"commands": "the /emcoach slash command"}

# Events the code subscribes to.
BOT_EVENTS: tuple[str, ...] = (
    "app_home_opened",
    "user_change",
    "app_uninstalled",
    "tokens_revoked",
)

# Block Kit ids shared by builders and the handlers that read them.
ACTION_HELP_COMMAND = "help_command"
VIEW_ERROR = "emcoach_error"
# Buttons carry the program id after a colon so each action_id in a block is unique.
ACTION_PICK_PROGRAM = "pick_program"
