"""Slack's request signature, checked strictly: a malformed header is a forgery, never an error.

slack_sdk's ``SignatureVerifier.is_valid`` calls ``int()`` on the timestamp and
``hmac.compare_digest`` on the signature without a guard, so ``abc``, ``1.5``, an empty value,
5,000 digits or a non-ASCII signature raise instead of returning False — and Bolt's global
error handler then ran on the unverified body. The HTTP front (``bot.server``) checks with
``is_signed`` before Bolt parses the body and marks the request verified; the middleware in the
Bolt app (``bot.app``) checks only what arrived unmarked (any other adapter), so each request's
signature is checked once. The mark lets the error handler tell a real person from a forger.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware.request_verification import RequestVerification
from slack_sdk.signature import SignatureVerifier

TIMESTAMP_HEADER = "x-slack-request-timestamp"
SIGNATURE_HEADER = "x-slack-signature"
# ASCII digits only: ``\d`` and int() also accept other scripts' digits, spaces and "_".
# Twelve digits reach the year 33658, far past any real timestamp.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
# The key in Bolt's request context that says the request came from Slack.
VERIFIED = "emcoach_verified"

logger = logging.getLogger("emcoach.verification")


def well_formed(timestamp: str | None, signature: str | None) -> bool:
    """True when both headers have the only shape Slack sends."""
    return (
        timestamp is not None
        and signature is not None
        and _TIMESTAMP.fullmatch(timestamp) is not None
        and _SIGNATURE.fullmatch(signature) is not None
    )


def is_signed(
    verifier: SignatureVerifier, *, body: str, timestamp: str | None, signature: str | None
) -> bool:
    """True only for a well-formed, fresh signature of ``body`` with our secret."""
    return well_formed(timestamp, signature) and verifier.is_valid(body, timestamp, signature)


def header(headers: Mapping[str, str | Sequence[str]], name: str) -> str | None:
    """One header's value, whatever the case of its name and whether the framework gives a
    string (Flask) or a list (Bolt); None when it is absent or repeated."""
    for key, value in headers.items():
        if key.lower() == name:
            if isinstance(value, str):
                return value
            return value[0] if len(value) == 1 else None
    return None


class StrictRequestVerification(RequestVerification):
    """Bolt's RequestVerification, answering 401 where Bolt's would raise, and marking each
    request it let through as verified.

    Socket Mode requests are not signed; they count as verified because the socket connection
    itself was opened with the app-level token.
    """

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],
    ) -> BoltResponse:
        if req.context.get(VERIFIED) is True:
            return next()  # the HTTP front (bot.server) checked it before Bolt parsed the body
        if req.mode != "socket_mode" and not is_signed(
            self.verifier,
            body=req.raw_body,
            timestamp=header(req.headers, TIMESTAMP_HEADER),
            signature=header(req.headers, SIGNATURE_HEADER),
        ):
            # Not the body: a forger's text has no place in our logs.
            logger.info("refused a request with a missing, malformed or wrong signature")
            return self._build_error_response()
        req.context[VERIFIED] = True
        return next()


def is_verified(context: Mapping[str, object] | None) -> bool:
    return bool(context and context.get(VERIFIED) is True)
