"""How a check function declares the rule it reports."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from linespec.core.lint.context import Issue, LintContext
from linespec.core.model import Record

RecordCheckFn = Callable[[Record, LintContext], Iterator[Issue]]
SetCheckFn = Callable[[LintContext], Iterator[tuple[Record, Issue]]]

CHECKS: dict[str, list[object]] = {}


class RecordCheck:
    """A per-record check and the rule it reports."""

    def __init__(self, rule: str, fn: RecordCheckFn) -> None:
        self.rule = rule
        self.fn = fn
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__

    def __call__(self, record: Record, ctx: LintContext) -> Iterator[Issue]:
        return self.fn(record, ctx)


class SetCheck:
    """A check over the whole record set (dead records, locked layers)."""

    def __init__(self, rule: str, fn: SetCheckFn) -> None:
        self.rule = rule
        self.fn = fn
        self.__name__ = fn.__name__

    def __call__(self, ctx: LintContext) -> Iterator[tuple[Record, Issue]]:
        return self.fn(ctx)


def record_check(rule: str) -> Callable[[RecordCheckFn], RecordCheck]:
    def register(fn: RecordCheckFn) -> RecordCheck:
        check = RecordCheck(rule, fn)
        CHECKS.setdefault(rule, []).append(check)
        return check

    return register


def set_check(rule: str) -> Callable[[SetCheckFn], SetCheck]:
    def register(fn: SetCheckFn) -> SetCheck:
        check = SetCheck(rule, fn)
        CHECKS.setdefault(rule, []).append(check)
        return check

    return register
