"""`json.dumps(value, indent=2, ensure_ascii=False)`, character for character, at about three times its speed.

With `indent`, the standard library encodes in Python, through generators, one call per value (CPython's C encoder
cannot indent before 3.14); the JSON report of a warm rescan spent more time there than in the rest of its work.
Here one function walks the tree, strings are escaped by the same C function the standard encoder uses, and
scalars are written inline. Anything but dicts, lists, tuples, strings, numbers, booleans and None (or a dict key
json would refuse) falls back to `json.dumps`, so the output is always what it would give.
"""

from __future__ import annotations

import itertools
import json
from json.encoder import encode_basestring  # the C version when the interpreter has it, as json.dumps uses

_INFINITY = float("inf")


class _Unsupported(Exception):
    """A value this writer does not handle exactly as json does: let json write the whole document."""


def dumps(value: object) -> str:
    parts: list[str] = []
    try:
        _write(value, "\n", parts)
    except (_Unsupported, RecursionError):
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(parts)


def _scalar(value: object) -> str | None:
    """A scalar's JSON text as json writes it, or None for a container."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        if value != value:
            return "NaN"
        if value == _INFINITY:
            return "Infinity"
        if value == -_INFINITY:
            return "-Infinity"
        return float.__repr__(value)
    if kind in (dict, list, tuple):
        return None
    raise _Unsupported  # subclasses (enums, str subclasses), objects: json's own rules apply


def _key(key: object) -> str:
    if type(key) is str:
        return encode_basestring(key)
    if key is None or type(key) in (bool, int, float):
        text = _scalar(key)
        return text if text.startswith('"') else '"' + text + '"'
    raise _Unsupported


def _write(value: object, newline: str, parts: list[str]) -> None:
    """Append `value`'s text to `parts`; `newline` is a line break and the current indentation."""
    text = _scalar(value)
    if text is not None:
        parts.append(text)
        return
    is_dict = type(value) is dict
    if not value:
        parts.append("{}" if is_dict else "[]")
        return
    inner = newline + "  "
    heads = ((encode_basestring(key) if type(key) is str else _key(key)) + ": " for key in value) if is_dict \
        else itertools.repeat("")
    separator = "{" + inner if is_dict else "[" + inner
    for head, item in zip(heads, value.values() if is_dict else value):
        _item(separator + head, item, inner, parts)
        separator = "," + inner
    parts.append(newline + ("}" if is_dict else "]"))


def _item(head: str, item: object, inner: str, parts: list[str]) -> None:
    """One member of a container, after its separator (and key): strings and integers first, inline (they are
    most of a report's values), other scalars inline, containers indented one step further."""
    kind = type(item)
    if kind is str:
        parts.append(head + encode_basestring(item))
    elif kind is int:
        parts.append(head + int.__repr__(item))
    else:
        text = _scalar(item)
        if text is not None:
            parts.append(head + text)
        else:
            parts.append(head)
            _write(item, inner, parts)
