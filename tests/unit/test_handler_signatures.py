"""The cached signature check gives NiceGUI the same answers as inspecting every time."""

from __future__ import annotations

import functools

from web import handler_signatures
from web.handler_signatures import expects_arguments


class Handlers:
    def with_argument(self, event: object) -> None: ...

    def without(self) -> None: ...

    def __call__(self, event: object) -> None: ...


def takes(event: object) -> None: ...


def test_answers_match_inspecting_each_time():
    one, two = Handlers(), Handlers()
    callables = [
        one.with_argument, two.with_argument, one.without, two.without, takes, Handlers.without,
        lambda: None, lambda event: event, lambda *args: args, functools.partial(takes), one,
        print, [].append,
    ]  # fmt: skip
    for _ in range(2):  # the second round answers from the cache
        for func in callables:
            assert expects_arguments(func) == handler_signatures._inspect(func), func


def test_a_bound_method_and_its_function_are_kept_apart():
    assert expects_arguments(Handlers.without) is True  # unbound: `self` is an argument
    assert expects_arguments(Handlers().without) is False
    assert expects_arguments(Handlers.without) is True
