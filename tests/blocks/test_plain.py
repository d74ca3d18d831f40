"""plain(): person-supplied text as mrkdwn that shows what was typed and nothing more."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.args import escape_mrkdwn
from bot.domain.mrkdwn import channel_mention, clip, mention, plain, user_mention

SOFT_HYPHEN = "\u00ad"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        # Slack's control characters become its entities, so no markup can form.
        ("<!channel>", "&lt;!channel&gt;"),
        ("<!here>", "&lt;!here&gt;"),
        ("<!everyone>", "&lt;!everyone&gt;"),
        ("<!subteam^S0|@team>", "&lt;!subteam^S0|@team&gt;"),
        ("<@U0ABC>", "&lt;@U0ABC&gt;"),
        ("<#C0ABC>", "&lt;#C0ABC&gt;"),
        ("<http://evil.example|the plan>", "&lt;http://evil.example|the plan&gt;"),
        ("<!date^1^{date}|x>", "&lt;!date^1^{date}|x&gt;"),
        # A typed entity stays as typed: it must never decode into a "<".
        ("&lt;!channel&gt;", "&amp;lt;!channel&amp;gt;"),
        ("R&D", "R&amp;D"),
        # Formatting characters at a word boundary become look-alikes.
        ("*bold*", "\u2217bold\u2217"),
        ("_italic_", "\u02cditalic\u02cd"),
        ("~strike~", "\u223cstrike\u223c"),
        ("`code`", "\u02cbcode\u02cb"),
        ("```block```", "\u02cb\u02cb\u02cbblock\u02cb\u02cb\u02cb"),
        ("＊wide＊ ＿wide＿ ｀wide｀", "\ufe61wide\ufe61 \u2e0fwide\u2e0f \u02cbwide\u02cb"),
        # Inside a word they cannot format, so names, emoji codes and URLs keep them.
        ("snake_case", "snake_case"),
        ("2*3", "2*3"),
        (":white_check_mark:", ":white_check_mark:"),
        ("https://example.com/a_b~c", "https://example.com/a_b~c"),
        ("a `b` c", "a \u02cbb\u02cb c"),
        # A quote only forms at the start of a line; a soft hyphen keeps ">" a character.
        ("> quote", f"{SOFT_HYPHEN}&gt; quote"),
        (">>> all of it", f"{SOFT_HYPHEN}&gt;&gt;&gt; all of it"),
        ("one\n> two", f"one\n{SOFT_HYPHEN}&gt; two"),
        ("  > indented", f"  {SOFT_HYPHEN}&gt; indented"),
        ("＞ wide", f"{SOFT_HYPHEN}＞ wide"),
        ("a > b", "a &gt; b"),
        # NUL and other control characters are dropped; tabs and line breaks stay.
        ("a\x00b\x07c\x1b\x85d", "abc\nd"),
        (
            "one\r\n> two\u2028> three\r> four",
            f"one\n{SOFT_HYPHEN}&gt; two\n{SOFT_HYPHEN}&gt; three\n{SOFT_HYPHEN}&gt; four",
        ),
        ("a\tb\nc", "a\tb\nc"),
        ("", ""),
        ("Plain words, 100% fine.", "Plain words, 100% fine."),
    ],
)
def test_plain(typed: str, shown: str) -> None:
    assert plain(typed) == shown


def test_the_parsers_echo_uses_the_same_function() -> None:
    assert escape_mrkdwn is plain


# What must never reach Slack from a person's text: any markup Slack parses.
MARKUP = re.compile(
    r"<|>|(?<![A-Za-z0-9])[*_~＊＿]|[*_~＊＿](?![A-Za-z0-9])|[`｀]|[\x00-\x08\x0b-\x1f]"
)


@given(st.text())
def test_no_markup_survives(text: str) -> None:
    shown = plain(text)
    assert not MARKUP.search(shown)
    # Every "&" starts one of Slack's three entities, so a typed "&lt;" cannot decode to "<".
    assert not re.search(r"&(?!amp;|lt;|gt;)", shown)


@given(st.text())
def test_no_line_starts_a_quote(text: str) -> None:
    for line in plain(text).splitlines():
        assert not line.lstrip(" \t").startswith(("&gt;", "＞"))


@given(st.text(alphabet=st.characters(categories=["L", "N", "Zs"])))
def test_words_are_shown_as_typed(text: str) -> None:
    assert plain(text) == text


@pytest.mark.parametrize(
    ("slack_id", "shown"),
    [
        ("U0ABC", "<@U0ABC>"),
        ("W0ABC", "<@W0ABC>"),
        ("B0ABC", "<@B0ABC>"),
        ("C0ABC", "<#C0ABC>"),
        ("G0ABC", "<#G0ABC>"),
        ("U1> <!channel", "U1&gt; &lt;!channel"),
        ("", ""),
    ],
)
def test_mention(slack_id: str, shown: str) -> None:
    assert mention(slack_id) == shown


def test_ids_are_checked_before_they_become_markup() -> None:
    assert user_mention("U0ABC") == "<@U0ABC>"
    assert user_mention("C0ABC") == "C0ABC"
    assert user_mention("u0abc") == "u0abc"
    assert user_mention("U0ABC|anna") == "U0ABC|anna"
    assert channel_mention("C0ABC") == "<#C0ABC>"
    assert channel_mention("U0ABC") == "U0ABC"
    assert channel_mention("C1><!here") == "C1&gt;&lt;!here"


@pytest.mark.parametrize(
    ("text", "limit", "clipped"),
    [
        ("short", 10, "short"),
        ("abcdefghij", 5, "abcd…"),
        ("ab &amp; cd", 6, "ab …"),
        ("ab &amp; cd", 9, "ab &amp;…"),
        ("by <@U0ABC>", 8, "by …"),
        ("by <@U0ABC> ok", 13, "by <@U0ABC> …"),
    ],
)
def test_clip_never_cuts_an_entity_or_a_mention(text: str, limit: int, clipped: str) -> None:
    assert clip(text, limit) == clipped
    assert len(clipped) <= limit
