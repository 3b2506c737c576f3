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

from ..treesitter import Point, offset_point

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
    anchored: bool = False  # the script's own directory ("$(dirname "$0")"), written as a path from the root
    written: str | None = None  # for an anchored chunk: the expansion that brought it ("$SCRIPT_DIR")
    # For literal text: the source exactly as written from `start`, and how its escapes read ("word" unquoted,
    # "double" inside "..."), so that word splitting can place each piece on its own line and column.
    source: str | None = None
    escapes: str = ""


@dataclass(frozen=True)
class Word:
    """One command-line word after expansion."""

    text: str
    start: Point
    end: Point
    known: bool
    default_of: str | None = None
    variables: tuple[str, ...] = ()
    raw: str | None = None  # the source text of the word where it is used, when it is one whole argument
    anchored: bool = False  # starts with the script's directory, as a path from the scanned root
    display: str | None = None  # the text with the script's directory left as the expansion that wrote it

    @property
    def shown(self) -> str:
        """The word for a report: its value, or the text as written where it is used when the value is
        unknown or holds the script's own directory (an absolute path at run time)."""
        if self.raw is not None and (self.anchored or not self.known):
            return self.raw
        return self.display if self.anchored and self.display else self.text

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
# "$(dirname "$0")", "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)", `dirname $(realpath $0)`..., quotes removed.
_SCRIPT_DIR = re.compile(
    r"^(?:\$\(|`)(?:cd \$\()?dirname (?:\$\((?:realpath|readlink -f) )?"
    r"\$(?:0|\{0\}|BASH_SOURCE|\{BASH_SOURCE(?:\[0\])?\})\)?(?:\)(?: ?(?:&&|;) ?pwd(?: -P)?)?)?(?:\)|`)$"
)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace('"', "").replace("'", "")).strip()


def same_value(a: VarValue | None, b: VarValue | None) -> bool:
    """Whether two variable states expand to the same text (positions aside)."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        return [(c.text, c.known) for c in a] == [(c.text, c.known) for c in b]
    if isinstance(a, Array) and isinstance(b, Array):
        return [[c.text for c in e] for e in a.elements] == [[c.text for c in e] for e in b.elements]
    return a is b


class Expander:
    """Expands word nodes against the variables known at one point of the walk."""

    def __init__(self, data: bytes, shift, here: str | None = None) -> None:
        self.data = data
        self.shift = shift  # node point -> file point
        self.here = here  # the script's directory relative to the scanned root ("." for the root)

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
            source = self.raw(node)
            return [self._chunk(node, _unescape(source, "word"), source=source, escapes="word")]
        if kind == "raw_string":
            inner = self.raw(node)[1:-1]
            start = self.shift(node.start_point)
            return [Chunk(inner, (start[0], start[1] + 1), self.shift(node.end_point), source=inner)]
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
        if kind == "command_substitution" and self.here is not None and _SCRIPT_DIR.match(_squash(self.raw(node))):
            return [self._chunk(node, self.here, anchored=True)]
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
        return Chunk(_unescape(text, "double"), start_point, end_point, source=text, escapes="double")

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
            chunks = [
                replace(c, default_of=name) if c is not BREAK else c for c in self._operand(rest[1:], node, env, quoted)
            ]
            if operator in (":=", "="):  # `: "${GPUS:=8}"` also assigns the default
                env[name] = tuple(replace(c, split=False) for c in chunks if c is not BREAK)
            return chunks
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
        written = self.raw(node)
        return [
            replace(
                c, split=not quoted and c.known, variable=name, written=c.written or (written if c.anchored else None)
            )
            for c in value
        ]

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


_DOUBLE_ESCAPE = re.compile(r'\\([$`"\\])')


def _unescape(text: str, escapes: str) -> str:
    """Quote removal: a backslash-newline joins lines; other escapes keep the escaped character."""
    if escapes == "word":
        return _ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), text)
    if escapes == "double":
        return _DOUBLE_ESCAPE.sub(r"\1", text.replace("\\\n", ""))
    return text


def words_from(chunks: list) -> list[Word]:
    """Word splitting: BREAKs and whitespace in unquoted known expansions end words."""
    groups: list[list[Chunk]] = [[]]
    for chunk in chunks:
        if chunk is BREAK:
            groups.append([])
            continue
        if chunk.split and chunk.known:
            _split(chunk, groups)
            continue
        groups[-1].append(chunk)
    words = []
    for group in groups:
        if not group:
            continue
        words.append(_word(group))
    return words


_FIELD = re.compile(r"[^ \t\n]+")


def _split(chunk: Chunk, groups: list[list[Chunk]]) -> None:
    """Split one chunk into fields at blanks, each field placed where it is written."""
    joined_lines = None if chunk.source is None else chunk.source.replace("\\\n", "")
    if joined_lines is None or _unescape(joined_lines, chunk.escapes) != joined_lines:
        # Escapes other than line continuations shift offsets: split the value, place fields at the chunk.
        fields = [(m.start(), m.group()) for m in _FIELD.finditer(chunk.text)]
        text = chunk.text
        located = False
    else:
        # A backslash-newline is a blank for splitting and keeps its width, so offsets stay those of the source.
        text = chunk.source.replace("\\\n", " \n") if chunk.escapes in ("word", "double") else chunk.source
        fields = [(m.start(), chunk.source[m.start() : m.end()]) for m in _FIELD.finditer(text)]
        located = True
    if not fields:
        if text:
            groups.append([])
        return
    if fields[0][0] > 0:
        groups.append([])
    encoded = (chunk.source or "").encode("utf-8")
    for index, (offset, piece) in enumerate(fields):
        if index:
            groups.append([])
        if located:
            begin = len(chunk.source[:offset].encode("utf-8"))
            start = offset_point(encoded, begin, chunk.start)
            end = offset_point(encoded, begin + len(piece.encode("utf-8")), chunk.start)
            groups[-1].append(replace(chunk, text=_unescape(piece, chunk.escapes), start=start, end=end, source=piece))
        else:
            groups[-1].append(replace(chunk, text=piece, source=None))
    last_offset, last_piece = fields[-1]
    if last_offset + len(last_piece) < len(text):
        groups.append([])


def _word(group: list[Chunk]) -> Word:
    text = "".join(c.text for c in group)
    start, end = group[0].start, group[-1].end
    if end < start:
        start, end = group[0].start, group[0].end
    default_of = next((c.default_of for c in group if c.default_of), None)
    variables = tuple(dict.fromkeys(c.variable for c in group if c.variable))
    anchored = group[0].anchored
    display = "".join(c.written or c.text for c in group) if anchored else None
    return Word(
        text, start, end, all(c.known for c in group), default_of, variables, anchored=anchored, display=display
    )


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
