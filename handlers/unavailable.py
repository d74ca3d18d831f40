"""What a person is told when emcoach's database does not answer in time."""

from __future__ import annotations

# Slack waits 3 s for an acknowledgement; the role lookup before it gets 2 of them, so a hung
# database still leaves time to say so (instead of Slack's own "/emcoach failed").
ROLE_LOOKUP_SECONDS = 2.0

DATABASE_APOLOGY = (
    "emcoach can't reach its database right now; nothing was changed — try again in a minute."
)
