"""The JSON and SARIF reports are written by report/indented_json.py: it must give exactly
`json.dumps(value, indent=2, ensure_ascii=False)` for every value, the documented output."""

from __future__ import annotations

import enum
import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from whackachip_lint.report import indented_json

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text()
KEYS = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(KEYS, inner, max_size=4), max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_the_text_is_what_json_dumps_gives(value):
    assert indented_json.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


class Colour(str, enum.Enum):
    RED = "red"


class Count(int):
    pass


def test_values_json_treats_its_own_way_fall_back_to_json_itself():
    for value in ({"a": Colour.RED}, [Count(3)], {Colour.RED: 1}, {"nested": [{"x": math.inf, "y": -0.0}]},
                  {"a": [], "b": {}, "c": [[]], "d": "\u202e\x00é\ud800"}):
        assert indented_json.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False), value


def test_what_json_refuses_it_refuses_the_same_way():
    for bad in ({"a": object()}, {("tuple", "key"): 1}):
        try:
            json.dumps(bad, indent=2)
        except TypeError as expected:
            message = str(expected)
        try:
            indented_json.dumps(bad)
        except TypeError as exc:
            assert str(exc) == message
        else:
            raise AssertionError(f"{bad!r} was written")
