"""Shell word expansion, as far as the file itself decides it.

A value is a list of `Chunk`s, each remembering where its text is written, so
a flag that reaches a launcher through `ARGS="--nproc_per_node $GPUS"` is
still traced to the line that wrote it. What the file cannot decide (the
caller's environment, `$(...)`, `$1`) stays an unknown chunk holding its raw
text: it is never guessed.
"""

from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass, replace
from typing import Union

from ..treesitter import Point

# Marks a forced word boundary inside a list of chunks ("${ARR[@]}" elements, split fields).
BREAK = None


@dataclass(frozen=True)
class Chunk:
    text: str
    start: Point
    end: Point
    known: bool = True
    split: bool = False  # came from an unquoted expansion: subject to word splitting
    default_of: str | None = None  # "${VAR:-x}" with VAR never set in the file
    variable: str | None = None  # the variable it came through


@dataclass(frozen=True)
class Word:
    """One command-line word after expansion."""

    text: str
    start: Point
    end: Point
    known: bool
    default_of: str | None = None
    variables: tuple[str, ...] = ()

    @property
    def is_option(self) -> bool:
        # Unknown parts hold expansions ("$X", "$(...)"), so a leading "-" is always literal.
        return self.text.startswith("-") and len(self.text) > 1


class Unknown:
    """A variable assigned in the file whose value the file does not decide."""

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "UNKNOWN"


UNKNOWN = Unknown()


@dataclass(frozen=True)
class Array:
    elements: tuple[tuple[Chunk, ...], ...]


VarValue = Union[tuple, Array, Unknown]  # tuple of Chunks for a scalar

_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_DEFAULT_OPS = {":-", "-", ":=", "="}
_ALT_OPS = {":+", "+"}
_ARITH = re.compile(r"^[\d\s+\-*/%()]+$")


def same_value(a: VarValue | None, b: VarValue | None) -> bool:
    """Whether two variable states expand to the same text (positions aside)."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        return [(c.text, c.known) for c in a] == [(c.text, c.known) for c in b]
    if isinstance(a, Array) and isinstance(b, Array):
        return [[c.text for c in e] for e in a.elements] == [[c.text for c in e] for e in b.elements]
    return a is b


class Expander:
    """Expands word nodes against the variables known at one point of the walk."""

    def __init__(self, data: bytes, shift) -> None:
        self.data = data
        self.shift = shift  # node point -> file point

    def raw(self, node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def _chunk(self, node, text: str, **kw) -> Chunk:
        return Chunk(text, self.shift(node.start_point), self.shift(node.end_point), **kw)

    def unknown(self, node, quoted: bool) -> list:
        return [self._chunk(node, self.raw(node), known=False, split=not quoted)]

    def expand(self, node, env: dict, quoted: bool = False) -> list:
        """Chunks (and BREAKs) for one word node."""
        kind = node.type
        if kind in ("word", "number", "extglob_pattern", "regex", "variable_name"):
            return [self._chunk(node, _ESCAPE.sub(r"\1", self.raw(node)) if not quoted else self.raw(node))]
        if kind == "raw_string":
            return [self._chunk(node, self.raw(node)[1:-1])]
        if kind == "ansi_c_string":
            return [self._chunk(node, self.raw(node)[2:-1])]
        if kind in ("string", "translated_string"):
            return self._string(node, env)
        if kind == "concatenation":
            out: list = []
            for child in node.children:
                out.extend(self.expand(child, env, quoted))
            return out
        if kind in ("simple_expansion", "expansion"):
            return self._expansion(node, env, quoted)
        if kind == "arithmetic_expansion":
            return self._arithmetic(node, env, quoted)
        return self.unknown(node, quoted)

    def _string(self, node, env: dict) -> list:
        out: list = []
        inner_start = node.start_byte + (2 if node.type == "translated_string" else 1)
        inner_end = node.end_byte - 1
        cursor = inner_start
        for child in node.named_children:
            if child.type == "string_content":
                continue
            if child.start_byte > cursor:
                out.append(self._literal(cursor, child.start_byte, node))
            out.extend(self.expand(child, env, quoted=True))
            cursor = child.end_byte
        if inner_end > cursor:
            out.append(self._literal(cursor, inner_end, node))
        if not out:
            out.append(Chunk("", self.shift(node.start_point), self.shift(node.end_point)))
        return out

    def _literal(self, start: int, end: int, within) -> Chunk:
        text = self.data[start:end].decode("utf-8", "replace")
        start_point = self._point_of(start, within)
        end_point = self._point_of(end, within)
        return Chunk(_unescape_double(text), start_point, end_point)

    def _point_of(self, byte: int, within) -> Point:
        row, col = within.start_point[0], within.start_point[1]
        before = self.data[within.start_byte : byte]
        newlines = before.count(b"\n")
        if newlines:
            row += newlines
            col = len(before) - before.rfind(b"\n") - 1
        else:
            col += len(before)
        return self.shift((row, col))

    def _expansion(self, node, env: dict, quoted: bool) -> list:
        parts = [c for c in node.children if c.type not in ("$", "${", "}")]
        if not parts:
            return self.unknown(node, quoted)
        head = parts[0]
        index = None
        if head.type == "subscript":
            name_node = head.child_by_field_name("name")
            index_node = head.child_by_field_name("index")
            if name_node is None or index_node is None:
                return self.unknown(node, quoted)
            name, index = self.raw(name_node), self.raw(index_node)
        elif head.type in ("variable_name", "special_variable_name"):
            name = self.raw(head)
        else:
            return self.unknown(node, quoted)  # ${#X}, ${!X}...
        if head.type == "special_variable_name" or name.isdigit():
            return self.unknown(node, quoted)
        rest = parts[1:]
        operator = rest[0].type if rest else None
        if operator is not None and operator not in _DEFAULT_OPS | _ALT_OPS:
            return self.unknown(node, quoted)  # ${X%suffix}, ${X/a/b}...: not worth guessing
        value = env.get(name)
        if operator in _ALT_OPS:
            if value is None or isinstance(value, Unknown):
                return self.unknown(node, quoted)
            if isinstance(value, tuple) and not "".join(c.text for c in value) and operator == ":+":
                return [self._chunk(node, "")]
            return self._operand(rest[1:], node, env, quoted)
        if value is None and operator in _DEFAULT_OPS:
            chunks = self._operand(rest[1:], node, env, quoted)
            return [replace(c, default_of=name) if c is not BREAK else c for c in chunks]
        if isinstance(value, tuple) and operator in (":-", ":=") and not "".join(c.text for c in value):
            return self._operand(rest[1:], node, env, quoted)
        return self._value(value, name, index, node, quoted)

    def _operand(self, nodes, node, env: dict, quoted: bool) -> list:
        out: list = []
        for child in nodes:
            out.extend(self.expand(child, env, quoted))
        return out or [self._chunk(node, "")]

    def _value(self, value, name: str, index: str | None, node, quoted: bool) -> list:
        if value is None or isinstance(value, Unknown):
            return self.unknown(node, quoted)
        if isinstance(value, Array):
            if index in ("@", "*"):
                out: list = []
                for element in value.elements:
                    if out:
                        out.append(BREAK)
                    out.extend(replace(c, split=not quoted, variable=name) for c in element)
                return out
            position = 0 if index is None else int(index) if index.isdigit() else None
            if position is None or position >= len(value.elements):
                return self.unknown(node, quoted)
            return [replace(c, split=not quoted, variable=name) for c in value.elements[position]]
        if index not in (None, "0", "@", "*"):
            return self.unknown(node, quoted)
        return [replace(c, split=not quoted and c.known, variable=name) for c in value]

    def _arithmetic(self, node, env: dict, quoted: bool) -> list:
        """$((...)) over known integers only."""
        text = self.raw(node)[3:-2]
        def lookup(match: re.Match) -> str:
            value = env.get(match.group(1))
            if isinstance(value, tuple) and all(c.known for c in value):
                joined = "".join(c.text for c in value).strip()
                if re.fullmatch(r"-?\d+", joined):
                    return joined
            return "?"
        substituted = re.sub(r"\$?\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lookup, text)
        if "?" in substituted or not _ARITH.match(substituted):
            return self.unknown(node, quoted)
        result = arithmetic(substituted)
        if result is None:
            return self.unknown(node, quoted)
        return [self._chunk(node, str(result))]


def _unescape_double(text: str) -> str:
    return re.sub(r'\\([$`"\\\n])', r"\1", text)


def words_from(chunks: list) -> list[Word]:
    """Word splitting: BREAKs and whitespace in unquoted known expansions end words."""
    groups: list[list[Chunk]] = [[]]
    for chunk in chunks:
        if chunk is BREAK:
            groups.append([])
            continue
        if chunk.split and chunk.known:
            pieces = re.split(r"([ \t\n]+)", chunk.text)
            offset = 0
            for piece in pieces:
                if piece and piece.strip(" \t\n") == "":
                    groups.append([])
                elif piece:
                    groups[-1].append(_sub_chunk(chunk, offset, piece))
                offset += len(piece.encode("utf-8"))
            continue
        groups[-1].append(chunk)
    words = []
    for group in groups:
        if not group:
            continue
        words.append(_word(group))
    return words


def _sub_chunk(chunk: Chunk, offset: int, piece: str) -> Chunk:
    if chunk.start[0] != chunk.end[0]:
        return replace(chunk, text=piece)
    start = (chunk.start[0], chunk.start[1] + offset)
    end = (chunk.start[0], min(chunk.end[1], start[1] + len(piece.encode("utf-8"))))
    return replace(chunk, text=piece, start=start, end=end)


def _word(group: list[Chunk]) -> Word:
    text = "".join(c.text for c in group)
    start, end = group[0].start, group[-1].end
    if end < start:
        start, end = group[0].start, group[0].end
    default_of = next((c.default_of for c in group if c.default_of), None)
    variables = tuple(dict.fromkeys(c.variable for c in group if c.variable))
    return Word(text, start, end, all(c.known for c in group), default_of, variables)


def joined(chunks: list) -> tuple[str, bool]:
    """The text of chunks taken as one value (assignments do not split), and whether it is known."""
    parts: list[str] = []
    known = True
    for chunk in chunks:
        if chunk is BREAK:
            parts.append(" ")
        else:
            parts.append(chunk.text)
            known = known and chunk.known
    return "".join(parts), known


_ARITH_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}


def arithmetic(text: str) -> int | None:
    """An integer expression of digits, + - * / % and parentheses; None for anything else."""
    try:
        tree = ast.parse(text.replace("/", "//").strip(), mode="eval")
    except SyntaxError:
        return None

    def value(node) -> int:
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -value(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _ARITH_OPS:
            return _ARITH_OPS[type(node.op)](value(node.left), value(node.right))
        raise ValueError("not plain arithmetic")

    try:
        return value(tree.body)
    except (ValueError, ZeroDivisionError):
        return None
