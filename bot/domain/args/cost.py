"""The typed form of /emcoach cost (`/emcoach cost pod 4`, `/emcoach cost 1:1 2 months 9`,
`/emcoach cost hybrid 4 price 2500`) and the request it describes. The grammar is forgiving:
the model anywhere, numbers as "4 leaders", "leaders 4", "9 months", "months 9", "9mo", a bare
number first for leaders and then for months, and an own price as "price 2500", "at
$2,500/month" or any amount written with a dollar sign or "k".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from bot.domain.args.errors import ArgumentError, normalize, typed
from bot.domain.args.numbers import format_dollars, parse_int, parse_money
from bot.domain.args.tokens import unescape
from bot.domain.cost import (
    MAX_LEADERS,
    MAX_OWN_MONTHLY_PRICE,
    CostEstimate,
    CostModel,
    estimate,
)
from bot.domain.program_rules import MAX_EXECUTION_MONTHS, MIN_EXECUTION_MONTHS
from bot.slack_names import COMMAND

# The word each model is typed as in examples and in the "type it next time" hint.
MODEL_WORD: Final = {
    CostModel.INTERNAL: "internal",
    CostModel.EXTERNAL_POD: "pod",
    CostModel.EXTERNAL_ONE_ON_ONE: "1:1",
    CostModel.HYBRID: "hybrid",
}
_MODEL_ALIASES: Final = {
    **dict.fromkeys(("internal", "in-house", "inhouse", "mentoring"), CostModel.INTERNAL),
    **dict.fromkeys(("pod", "pods", "group", "cohort", "external_pod"), CostModel.EXTERNAL_POD),
    **dict.fromkeys(
        ("1:1", "1-1", "1on1", "one-on-one", "individual", "external_one_on_one"),
        CostModel.EXTERNAL_ONE_ON_ONE,
    ),
    **dict.fromkeys(("hybrid", "mixed"), CostModel.HYBRID),
}
# "External coaching pod" names the pod model, so "coaching" alone means 1:1 only when no
# other model is named; "external" alone can't tell pod from 1:1.
_WEAK_ONE_ON_ONE: Final = frozenset({"coaching", "coach", "coached"})
_EXTERNAL: Final = frozenset({"external", "outside"})
_UNITS: Final = {
    **dict.fromkeys(("month", "months", "mo", "mos", "mth", "mths"), "months"),
    **dict.fromkeys(("leader", "leaders", "em", "ems", "manager", "managers"), "leaders"),
}
_PRICE_WORDS: Final = frozenset({"price", "at", "quote", "paying", "pay", "rate"})
_FILLERS: Final = frozenset({"for", "x", "×", "over", "with", "and", "of", "own", "my", "our"})
# "per month", "a month", "/month", "per leader": the price is always per leader per month.
_PER_PHRASE: Final = re.compile(r"(?:\b(?:per|a|each|every)\s+|/\s*)(?:leader|month|mo|em)\b")
_ONE_ON_ONE_PHRASE: Final = re.compile(r"\b(?:one|1)[\s-]*on[\s-]*(?:one|1)\b")
_GLUED_UNIT: Final = re.compile(r"([+-]?\d+)([a-z]+)")
_TIMES_PREFIX: Final = re.compile(r"[x×](\d+)")  # "x2", as in "1:1 coaching x2"
_WHOLE: Final = re.compile(r"[+-]?\d{1,6}")
_MONEY_HINT: Final = re.compile(r"[$€£¥₹]|usd|eur|gbp|\d[km]$|\d\.\d|\d,\d")
_TRAILING: Final = ".,;:!?"


@dataclass(frozen=True, slots=True, kw_only=True)
class CostRequest:
    model: CostModel
    leaders: int
    months: int = MIN_EXECUTION_MONTHS
    own_monthly_price: Decimal | None = None


def quote(request: CostRequest) -> CostEstimate:
    """The estimate; a DomainError says why the numbers can't be priced."""
    return estimate(
        request.model,
        leaders=request.leaders,
        months=request.months,
        own_monthly_price=request.own_monthly_price,
    )


def typed_cost_command(request: CostRequest) -> str:
    """The shortest typed command that gives ``request`` (what the modal teaches)."""
    parts = [COMMAND, "cost", MODEL_WORD[request.model], str(request.leaders)]
    if request.months != MIN_EXECUTION_MONTHS:
        parts += ["months", str(request.months)]
    if request.own_monthly_price is not None:
        parts += ["price", format_dollars(request.own_monthly_price)]
    return " ".join(parts)


def parse_leaders(text: str) -> int:
    return parse_int(text, name="leaders", minimum=1, maximum=MAX_LEADERS)


def parse_months(text: str) -> int:
    # The minimum is left to the program rules, so 5 months gets the framework's reason.
    return parse_int(text, name="months", minimum=1, maximum=MAX_EXECUTION_MONTHS)


def parse_price(text: str) -> Decimal:
    return parse_money(text, maximum=MAX_OWN_MONTHLY_PRICE)


@dataclass
class _Parse:
    tokens: list[str]
    used: set[int] = field(default_factory=set)
    numbers: dict[str, str] = field(default_factory=dict)  # "leaders"/"months" → as typed
    price: str | None = None
    models: set[CostModel] = field(default_factory=set)
    weak_one_on_one: bool = False
    external: bool = False

    def put(self, unit: str, value: str) -> None:
        if unit in self.numbers:
            raise ArgumentError(
                f"You gave {unit} twice ({typed(self.numbers[unit])} and {typed(value)}) — "
                "keep one.",
                example=f"{unit} {self.numbers[unit]}",
            )
        self.numbers[unit] = value

    def put_price(self, value: str) -> None:
        if self.price is not None:
            raise ArgumentError(
                f"You gave two prices ({typed(self.price)} and {typed(value)}) — keep one.",
                example="price $1,500",
            )
        self.price = value


def _tokens(text: str) -> list[str]:
    lowered = normalize(unescape(text)).replace("×", " x ")
    lowered = _ONE_ON_ONE_PHRASE.sub("1:1", _PER_PHRASE.sub(" ", lowered))
    tokens: list[str] = []
    for raw in lowered.split():
        word = raw.rstrip(_TRAILING) or raw
        glued = _GLUED_UNIT.fullmatch(word)
        times = _TIMES_PREFIX.fullmatch(word)
        if times:
            tokens.append(times.group(1))
        elif glued and (glued.group(2) in _UNITS or glued.group(2) == "x"):
            tokens.append(glued.group(1))
            if glued.group(2) != "x":
                tokens.append(glued.group(2))
        elif word not in {",", ";"}:
            tokens.append(word)
    return tokens


def _is_whole(token: str | None) -> bool:
    return token is not None and _WHOLE.fullmatch(token) is not None


def _bind_unit(state: _Parse, index: int) -> int:
    """Which number a unit word ("months", "leaders") belongs to: the one before it ("9
    months") or after it ("months 9"). With numbers on both sides, "after" wins unless the
    number after carries the other unit ("4 leaders 9 months")."""
    tokens = state.tokens

    def free_number(position: int) -> bool:
        return (
            0 <= position < len(tokens)
            and position not in state.used
            and _is_whole(tokens[position])
        )

    before, after = index - 1, index + 1
    following = tokens[index + 2] if index + 2 < len(tokens) else None
    unit = _UNITS[tokens[index]]
    other_unit_follows = following in _UNITS and _UNITS[following] != unit
    if free_number(after) and not (free_number(before) and other_unit_follows):
        return after
    if free_number(before):
        return before
    example = f"{unit} {_default_example(unit)}"
    raise ArgumentError(
        f"I need a number with “{tokens[index]}”, like `{example}`.", example=example
    )


def _default_example(unit: str) -> str:
    return "9" if unit == "months" else "4"


def _claim_labelled(state: _Parse) -> None:
    """First pass: numbers named by a unit word and prices named by a price word."""
    for index, token in enumerate(state.tokens):
        if index in state.used:
            continue
        if token in _UNITS:
            target = _bind_unit(state, index)
            state.put(_UNITS[token], state.tokens[target])
            state.used |= {index, target}
        elif token in _PRICE_WORDS:
            if index + 1 >= len(state.tokens):
                raise ArgumentError(
                    f"I need an amount after “{token}”, like `price $1,500`.",
                    example="price $1,500",
                )
            state.put_price(state.tokens[index + 1])
            state.used |= {index, index + 1}


def _read_rest(state: _Parse) -> None:
    """Second pass: models, fillers, a dollar amount, and bare numbers in order."""
    for index, token in enumerate(state.tokens):
        if index in state.used or token in _FILLERS:
            continue
        if token in _MODEL_ALIASES:
            state.models.add(_MODEL_ALIASES[token])
        elif token in _WEAK_ONE_ON_ONE:
            state.weak_one_on_one = True
        elif token in _EXTERNAL:
            state.external = True
        elif _is_whole(token):
            _put_bare_number(state, token)
        elif _MONEY_HINT.search(token):
            state.put_price(token)
        else:
            raise ArgumentError(f"I don't know what {typed(token)} means here.", example="pod")


def _put_bare_number(state: _Parse, token: str) -> None:
    """A number without a unit is the leaders, then the months; a third one is a mystery."""
    for unit in ("leaders", "months"):
        if unit not in state.numbers:
            state.put(unit, token)
            return
    raise ArgumentError(
        f"I don't know what {typed(token)} is for — write `months {token}` or `price {token}`.",
        example=f"price {token}",
    )


def _model(state: _Parse) -> CostModel:
    if len(state.models) > 1:
        named = " and ".join(sorted(MODEL_WORD[model] for model in state.models))
        raise ArgumentError(f"Pick one model, not {named}.", example="pod")
    if state.models:
        return next(iter(state.models))
    if state.weak_one_on_one:
        return CostModel.EXTERNAL_ONE_ON_ONE
    if state.external:
        raise ArgumentError(
            "External how — a coaching pod or 1:1 coaching? Write `pod` or `1:1`.", example="pod"
        )
    raise ArgumentError("Which model? Name one of internal, pod, 1:1 or hybrid.", example="pod 4")


def parse_cost_args(text: str) -> CostRequest:
    """The request typed after ``/emcoach cost``; ArgumentError says what to fix."""
    state = _Parse(tokens=_tokens(text))
    _claim_labelled(state)
    _read_rest(state)
    model = _model(state)
    if "leaders" not in state.numbers:
        raise ArgumentError(
            f"How many leaders? Add the number, like `{COMMAND} cost {MODEL_WORD[model]} 4`.",
            example="4",
        )
    return CostRequest(
        model=model,
        leaders=parse_leaders(state.numbers["leaders"]),
        months=parse_months(state.numbers.get("months", str(MIN_EXECUTION_MONTHS))),
        own_monthly_price=None if state.price is None else parse_price(state.price),
    )
