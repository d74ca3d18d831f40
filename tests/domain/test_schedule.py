"""Reading `/emcoach schedule …` and the span it covers: pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.args import ArgumentError
from bot.domain.schedule import (
    PAGE_SIZE,
    Query,
    Scope,
    Span,
    clamp_page,
    pages,
    parse_query,
    window,
)

NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", Query(scope=Scope.MINE, span=Span.FORTNIGHT)),
        ("week", Query(scope=Scope.MINE, span=Span.WEEK)),
        ("MONTH", Query(scope=Scope.MINE, span=Span.MONTH)),
        ("everything", Query(scope=Scope.MINE, span=Span.EVERYTHING)),
        ("all", Query(scope=Scope.PROGRAM, span=Span.EVERYTHING)),
        ("all week", Query(scope=Scope.PROGRAM, span=Span.WEEK)),
        (
            'all "Second wave"',
            Query(scope=Scope.PROGRAM, span=Span.EVERYTHING, program_words="Second wave"),
        ),
        ("all month Pilot", Query(scope=Scope.PROGRAM, span=Span.MONTH, program_words="Pilot")),
        ("<@U0LEAD1|lena>", Query(scope=Scope.PERSON, span=Span.EVERYTHING, person="U0LEAD1")),
        ("week <@U0LEAD1>", Query(scope=Scope.PERSON, span=Span.WEEK, person="U0LEAD1")),
    ],
)
def test_what_is_typed_says_whose_and_how_far(typed: str, expected: Query) -> None:
    assert parse_query(typed) == expected


@pytest.mark.parametrize("typed", ["tomorrow", "week later", "<@U0A> <@U0B>"])
def test_words_that_mean_nothing_here_are_refused(typed: str) -> None:
    with pytest.raises(ArgumentError):
        parse_query(typed)


@pytest.mark.parametrize(
    "typed", ["&lt;!channel&gt;", "&lt;@U0ABC&gt;", "*bold* &lt;http://evil.example|x&gt;"]
)
def test_refused_words_are_echoed_as_text_never_as_markup(typed: str) -> None:
    """Slack sends `<!channel>` typed after the command as `&lt;!channel&gt;`; the words are
    read back as typed, and the refusal that quotes them must not turn them into a mention
    (found by tests/scenario/test_fuzz.py)."""
    with pytest.raises(ArgumentError) as refused:
        parse_query(typed)
    message = refused.value.message
    assert "<" not in message and "*bold*" not in message, message
    assert "channel" in message or "U0ABC" in message or "evil" in message


def test_a_span_runs_from_now() -> None:
    assert window(Span.WEEK, now=NOW).until == NOW + timedelta(days=7)
    assert window(Span.MONTH, now=NOW).until == NOW + timedelta(days=30)
    assert window(Span.EVERYTHING, now=NOW).until is None


def test_before_kickoff_the_default_span_covers_the_program_s_first_fortnight() -> None:
    kickoff = datetime(2027, 2, 1, tzinfo=UTC)
    stretched = window(Span.FORTNIGHT, now=NOW, starts=[kickoff, kickoff + timedelta(days=30)])
    assert (stretched.until, stretched.to_kickoff) == (kickoff + timedelta(days=14), True)
    # Week and month say what they say; a program that started changes nothing.
    assert window(Span.WEEK, now=NOW, starts=[kickoff]).until == NOW + timedelta(days=7)
    plain = window(Span.FORTNIGHT, now=NOW, starts=[NOW - timedelta(days=1)])
    assert (plain.until, plain.to_kickoff) == (NOW + timedelta(days=14), False)


def test_pages_and_an_old_button_s_page() -> None:
    assert [pages(n) for n in (0, 1, PAGE_SIZE, PAGE_SIZE + 1)] == [1, 1, 1, 2]
    assert clamp_page(5, PAGE_SIZE + 1) == 2
    assert clamp_page(0, 100) == 1
