"""web.lean_observables: NiceGUI's collections call the same handlers in the same order, with fewer objects."""

from __future__ import annotations

import copy
import gc
import pickle
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from nicegui import Client, ui
from nicegui.events import ObservableChangeEventArguments
from nicegui.observables import ObservableDict, ObservableList, ObservableSet
from nicegui.page import page

from web import handler_signatures, lean_observables


@pytest.fixture(autouse=True, scope="module")
def installed() -> None:
    handler_signatures.install()
    lean_observables.install()  # as create_app does; installing twice changes nothing


class Owned(ObservableDict):
    """Like NiceGUI's props: a collection whose own method is its change handler."""

    def __init__(self, calls: list[str], data: dict[str, Any] | None = None) -> None:
        self.calls = calls
        super().__init__(data, on_change=self._update)

    def _update(self) -> None:
        self.calls.append("own")


def test_a_collections_handlers_run_own_first_then_added_then_observers_then_the_parents():
    calls: list[str] = []
    parent = ObservableDict(on_change=lambda: calls.append("parent"))
    observer = ObservableDict(on_change=lambda: calls.append("observer"))
    owned = Owned(calls)
    owned.on_change(lambda event: calls.append(f"added with {type(event.sender).__name__}"))
    parent["child"] = owned  # the parent observes it from now on
    observer["same child"] = owned
    calls.clear()
    owned["key"] = 1
    # A collection put into another is observed by it (NiceGUI's observers, in the order they came).
    assert calls == ["own", "added with Owned", "parent", "observer"]
    nested = ObservableDict(on_change=lambda: calls.append("outer"))
    nested["plain"] = {"x": 1}  # plain data is wrapped with the outer dict as its parent
    wrapped = nested["plain"]
    wrapped.on_change(lambda: calls.append("inner"))
    calls.clear()
    wrapped["x"] = 2
    assert calls == ["inner", "outer"]


def test_a_nested_collection_reports_to_its_parent_and_a_removed_one_no_longer_does():
    calls: list[Any] = []
    outer = ObservableDict(on_change=lambda event: calls.append(event))
    outer["inner"] = {"list": [1, 2]}  # plain data is wrapped, with the outer dict as parent
    inner = outer["inner"]
    calls.clear()
    inner["list"].append(3)
    assert len(calls) == 1 and isinstance(calls[0], ObservableChangeEventArguments)
    assert calls[0].sender is inner["list"]
    kept = ObservableList([1])
    outer["kept"] = kept
    del outer["kept"]
    calls.clear()
    kept.append(2)
    assert calls == []


def test_lists_and_sets_without_handlers_still_take_handlers_and_observers_later():
    calls: list[str] = []
    values, tags = ObservableList(), ObservableSet()
    values.on_change(lambda: calls.append("list"))
    tags.on_change(lambda: calls.append("set"))
    values.append(1)
    tags.add("x")
    holder = ObservableDict(on_change=lambda: calls.append("holder"))
    holder["values"] = values
    calls.clear()
    values.append(2)
    assert calls == ["list", "holder"]
    assert values.change_handlers and tags.change_handlers


def test_copies_and_pickles_keep_the_data_and_not_the_handlers():
    calls: list[str] = []
    owned = Owned(calls, {"a": [1, {"b": 2}]})
    for twin in (copy.copy(owned), copy.deepcopy(owned), pickle.loads(pickle.dumps(owned))):
        assert twin == {"a": [1, {"b": 2}]} and twin is not owned
        calls.clear()
        twin["c"] = 3
        assert calls == []
    # A pickled copy's nested list is its own. (NiceGUI's copies keep the nested collections'
    # parent: a change inside a copy's nested list reports to the original, as it did before.)
    pickle.loads(pickle.dumps(owned))["a"].append(4)
    assert calls == []
    copy.deepcopy(owned)["a"].append(4)
    assert calls == ["own"]
    calls.clear()
    owned["a"].append(5)  # the original still reports, through its nested list
    assert calls == ["own"]


@pytest.fixture
def client() -> Iterator[Client]:
    with Client(page("/lean-observables-test"), request=None) as made:
        yield made


def test_an_elements_classes_props_and_style_still_schedule_its_update(client: Client):
    label = ui.label("text")
    for change in (
        lambda: label.classes("text-h6"),
        lambda: label.props("dense"),
        lambda: label.style("color: red"),
        lambda: label.props.update(color="primary"),
        lambda: label.classes.remove("text-h6"),
    ):
        client.outbox.updates.clear()
        change()
        assert label.id in client.outbox.updates
    assert label.props["color"] == "primary" and "dense" in label.props
    assert "text-h6" not in label.classes and label.style["color"] == "red"
    assert label._props.change_handlers == [label._props._update]


def test_a_bare_element_leaves_half_the_objects_for_the_collector(client: Client):
    gc.collect()
    before = Counter(type(item).__name__ for item in gc.get_objects())
    elements = [ui.element("div") for _ in range(1000)]  # many: a stray object elsewhere is noise
    gc.collect()
    after = Counter(type(item).__name__ for item in gc.get_objects())
    per_element = sum((after - before).values()) / len(elements)
    # NiceGUI's collections left 26 (each: a list of handlers, a tuple, a bound method, a list of
    # observers); what is left is the element, its slot, its three collections and NiceGUI's own.
    assert per_element <= 15, after - before
