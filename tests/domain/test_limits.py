from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.args import ArgumentError, check_text


@given(st.text(max_size=50).filter(lambda text: "\x00" not in text))
def test_text_without_nul_within_the_limit_is_taken(text: str) -> None:
    check_text(text, limit=50, what="It")


@given(st.text(max_size=20), st.text(max_size=20))
def test_any_nul_is_refused_with_what_to_do(before: str, after: str) -> None:
    with pytest.raises(ArgumentError, match=r"NUL character.*type it again"):
        check_text(f"{before}\x00{after}", limit=100, what="It")


def test_over_the_limit_names_the_limit_and_the_length() -> None:
    with pytest.raises(ArgumentError, match=r"is 2,001 characters long; I take at most 2,000"):
        check_text("x" * 2001, limit=2000, what="Your command")
