"""Which rules run: `--select` / `--ignore` with ruff's habits.

A selector is `ALL`, a code (`ED102`), a code prefix (`ED1`, `ED40`) or a rule name (`numpy-abi`);
options take comma-separated lists and repeat. For each rule the most specific matching selector
decides (a name counts as a full code); between a select and an ignore of the same specificity the
ignore wins. So `--ignore ED4 --select ED401` runs ED401 and no other ED4xx rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from envdoctor.errors import UsageError

if TYPE_CHECKING:
    from envdoctor.rules._registry import C, Rule

_PREFIX = re.compile(r"^ED\d{0,3}$")


def split_selectors(values: Iterable[str]) -> list[str]:
    """`["ED101,ED102", " ED4 "]` -> `["ED101", "ED102", "ED4"]`."""
    out: list[str] = []
    for value in values:
        out += [part.strip() for part in value.split(",") if part.strip()]
    return out


@dataclass(frozen=True)
class Selection:
    """The selectors in force: `select` empty means ALL."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    @classmethod
    def parse(cls, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> Selection:
        return cls(tuple(split_selectors(select)), tuple(split_selectors(ignore)))

    def validate(self, rules: Sequence[Rule[Any]], *, where: str = "") -> None:
        """Every selector must match at least one rule: a typo is an error, not a silent no-op."""
        for selector in (*self.select, *self.ignore):
            if not any(_specificity(selector, r) for r in rules):
                place = f" in {where}" if where else ""
                raise UsageError(
                    f"unknown rule selector {selector!r}{place}: expected ALL, a code (ED102), "
                    "a code prefix (ED1) or a rule name (see `envdoctor check --list-rules`)"
                )

    def apply(self, rules: Sequence[Rule[C]]) -> list[Rule[C]]:
        return [r for r in rules if self.enabled(r)]

    def enabled(self, rule: Rule[Any]) -> bool:
        best_select = max((_specificity(s, rule) for s in self.select), default=1 if not self.select else 0)
        best_ignore = max((_specificity(s, rule) for s in self.ignore), default=0)
        if best_select == 0:
            return False
        return best_select > best_ignore

    def key(self) -> list[list[str]]:
        """A stable form for cache keys."""
        return [sorted(self.select), sorted(self.ignore)]


def _specificity(selector: str, rule: Rule[Any]) -> int:
    """0: no match; 1: ALL; 2 + length of the prefix for codes; 2 + 5 for a name (a full code)."""
    if selector.upper() == "ALL":
        return 1
    if selector == rule.name:
        return 2 + len(rule.code)
    upper = selector.upper()
    if _PREFIX.match(upper) and rule.code.startswith(upper):
        return 2 + len(upper)
    return 0
