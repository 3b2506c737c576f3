"""Three-valued evaluation of shell conditions: True, False, or None (undecidable here).

Only what the file decides counts: `[[ $NET_TYPE == "low" ]]` after
`NET_TYPE="high"` is False; a test of the caller's environment, a file test
or a command's exit status is None.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from .words import Expander, joined

_NUMERIC = {"-eq": "__eq__", "-ne": "__ne__", "-gt": "__gt__", "-lt": "__lt__", "-ge": "__ge__", "-le": "__le__"}
_TEST_TYPES = {"test_command"}


def is_test(node) -> bool:
    """Whether a statement is a condition this module can weigh (rather than a command run for its effect)."""
    if node.type in _TEST_TYPES or node.type == "negated_command":
        return True
    if node.type == "command":
        name = node.child_by_field_name("name")
        return name is not None and name.text in (b"test", b"[", b"true", b"false", b":")
    if node.type == "list":
        return all(is_test(child) for child in node.named_children)
    return False


def evaluate(node, expander: Expander, env: dict) -> bool | None:
    kind = node.type
    if kind == "test_command":
        brackets = node.children[0].type if node.children else ""
        patterns = brackets == "[["  # only `[[ ]]` matches globs
        tokens = [token for child in node.named_children for token in _flatten(child, expander, env, patterns)]
        return _Parser(tokens, *_JOINERS.get(brackets, _JOINERS["["])).parse()
    if kind == "negated_command":
        inner = node.named_children
        return negate(evaluate(inner[0], expander, env)) if inner else None
    if kind == "list":
        return _list(node, expander, env)
    if kind == "command":
        return _command(node, expander, env)
    return None


def _list(node, expander, env) -> bool | None:
    children = node.children
    if len(children) != 3:
        return None
    left = evaluate(children[0], expander, env)
    right = evaluate(children[2], expander, env)
    return _and(left, right) if children[1].type == "&&" else _or(left, right)


def _command(node, expander, env) -> bool | None:
    name = node.child_by_field_name("name")
    if name is None:
        return None
    word = name.text.decode("utf-8", "replace")
    if word in ("true", ":"):
        return True
    if word == "false":
        return False
    if word in ("test", "["):
        arguments = node.children_by_field_name("argument")
        # The grammar makes some operators (`==`) tokens of their own rather than words.
        texts = [_text(a, expander, env) if a.is_named else a.text.decode("utf-8", "replace") for a in arguments]
        if word == "[" and texts and texts[-1] == "]":
            texts = texts[:-1]
        tokens = [_Token(text, op=text in _OPERATOR_WORDS or bool(_UNARY.match(text or ""))) for text in texts]
        return _Parser(tokens, "-a", "-o").parse()
    return None


@dataclass(frozen=True)
class _Token:
    """One word of a test: an operand's text (None when the file does not decide it) or an operator."""

    text: str | None
    op: bool = False
    pattern: bool = False  # `[[ ]]`: an unquoted right-hand side of `==`/`!=` is a glob pattern


# What joins expressions inside `[[ ]]` and inside `[ ]` / `test`: (and, or).
_JOINERS = {"[[": ("&&", "||"), "[": ("-a", "-o")}
_BINARY = frozenset({"=", "==", "!=", "=~", "<", ">", "-nt", "-ot", "-ef"}) | frozenset(_NUMERIC)
_OPERATOR_WORDS = _BINARY | {"!", "(", ")", "-a", "-o"}
_UNARY = re.compile(r"-[A-Za-z]$")  # -z, -n, -f, -d...
# Syntax nodes of `[[ ]]` / `[ ]` that only hold other parts of the expression.
_EXPRESSIONS = frozenset({"binary_expression", "unary_expression", "parenthesized_expression"})
_LITERALS = frozenset({"string", "raw_string"})


def _flatten(node, expander: Expander, env: dict, patterns: bool) -> list[_Token]:
    """The words of a `[[ ]]` / `[ ]` expression in order. The grammar's tree does not follow the shell's
    precedence (it reads `a = x && b = y` as `a = (x && b = y)`), so the words are parsed again here."""
    if node.type in _EXPRESSIONS:
        return [token for child in node.children for token in _flatten(child, expander, env, patterns)]
    if not node.is_named or node.type == "test_operator":
        return [_Token(node.text.decode("utf-8", "replace"), op=True)]
    return [_Token(_text(node, expander, env), pattern=patterns and node.type not in _LITERALS)]


class _Malformed(Exception):
    """Words that do not form a test this parser knows."""


class _Parser:
    """A test expression, three-valued: `or` of `and`s of (`!`)* primaries, as bash's `test` and `[[ ]]` read it
    (`!` binds tightest, then the and-operator, then the or-operator; parentheses group)."""

    def __init__(self, tokens: list[_Token], and_op: str, or_op: str) -> None:
        self.tokens = tokens
        self.and_op = and_op
        self.or_op = or_op
        self.index = 0

    def parse(self) -> bool | None:
        if not self.tokens:
            return False  # `[ ]`: an empty test is false
        try:
            value = self._disjunction()
        except _Malformed:
            return None
        return value if self.index == len(self.tokens) else None

    def _at(self, text: str) -> bool:
        """Whether the next word is the operator `text`."""
        return self.index < len(self.tokens) and self.tokens[self.index].op and self.tokens[self.index].text == text

    def _binary_at(self, index: int) -> bool:
        return index + 2 < len(self.tokens) and self.tokens[index + 1].op and self.tokens[index + 1].text in _BINARY

    def _disjunction(self) -> bool | None:
        return self._joined(self.or_op, self._conjunction, _or)

    def _conjunction(self) -> bool | None:
        return self._joined(self.and_op, self._negation, _and)

    def _joined(self, operator: str, operand, join) -> bool | None:
        """`operand (operator operand)*`, left to right."""
        value = operand()
        while self._at(operator):
            self.index += 1
            value = join(value, operand())
        return value

    def _negation(self) -> bool | None:
        if self._at("!") and not self._binary_at(self.index):  # in `! = x` the "!" is a word compared
            self.index += 1
            return negate(self._negation())
        return self._primary()

    def _primary(self) -> bool | None:
        tokens, index = self.tokens, self.index
        if index >= len(tokens):
            raise _Malformed
        if self._binary_at(index):
            left, operator, right = tokens[index : index + 3]
            self.index = index + 3
            return _compare(left.text, operator.text, right.text, glob=right.pattern)
        token = tokens[index]
        if self._at("("):
            self.index += 1
            value = self._disjunction()
            if not self._at(")"):
                raise _Malformed
            self.index += 1
            return value
        if token.op and token.text.startswith("-") and index + 1 < len(tokens):
            self.index = index + 2
            operand = tokens[index + 1].text
            if token.text not in ("-z", "-n") or operand is None:
                return None  # file tests and the like depend on the machine
            return (operand == "") == (token.text == "-z")
        if token.op and token.text in (")", self.and_op, self.or_op):
            raise _Malformed
        self.index = index + 1
        return None if token.text is None else bool(token.text)  # a lone word: is it non-empty


def _compare(left: str | None, op: str, right: str | None, glob: bool) -> bool | None:
    if left is None or right is None:
        return None
    if op in ("==", "="):
        return fnmatch.fnmatchcase(left, right) if glob else left == right
    if op == "!=":
        return not fnmatch.fnmatchcase(left, right) if glob else left != right
    if op == "=~":
        return _literal_match(left, right)
    if op in _NUMERIC:
        try:
            return getattr(int(left), _NUMERIC[op])(int(right))
        except ValueError:
            return None
    return None


def _text(node, expander: Expander, env: dict) -> str | None:
    return decided_text(expander.expand(node, env, quoted=True))


def decided_text(chunks: list) -> str | None:
    """The text of chunks if the file alone decides it. A `${VAR:-default}` the caller may override does
    not decide a branch: `NET=${NET:-tcp}; if [ "$NET" = ib ]` leaves the IB branch possible."""
    if any(chunk is not None and chunk.default_of for chunk in chunks):
        return None
    text, known = joined(chunks)
    return text if known else None


def negate(value: bool | None) -> bool | None:
    return None if value is None else not value


def _and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def case_matches(value: str, pattern: str) -> bool:
    """One alternative of a `case` item (the grammar gives each `a|b` alternative apart): a "|" left in its text
    came from quotes or a variable, where bash reads it as a character."""
    return fnmatch.fnmatchcase(value, pattern)


def emptiness_test(node, expander: Expander) -> tuple[str, str] | None:
    """("-z" or "-n", NAME) for `[ -z "$NAME" ]` / `[[ -n $NAME ]]`, the test of a default being given."""
    if node.type != "test_command" or len(node.named_children) != 1:
        return None
    inner = node.named_children[0]
    if inner.type != "unary_expression":
        return None
    operator = inner.child_by_field_name("operator")
    op = operator.text.decode() if operator is not None else inner.children[0].text.decode()
    operands = [c for c in inner.named_children if c is not operator and c.type != "test_operator"]
    if op not in ("-z", "-n") or len(operands) != 1:
        return None
    operand = operands[0]
    if operand.type == "string" and len(operand.named_children) == 1:
        operand = operand.named_children[0]
    if operand.type != "simple_expansion" and operand.type != "expansion":
        return None
    names = [c for c in operand.named_children if c.type == "variable_name"]
    if len(names) != 1 or len(operand.named_children) != 1:
        return None
    return op, expander.raw(names[0])


# A bash regex the file gives is code from the scanned repository: run by Python's backtracking engine, one like
# `(a+)+$` stalls a scan (and bash's POSIX ERE differs from `re` anyway). Only a literal, optionally anchored, is
# decided; any other pattern leaves the test undecided (the branch is conditional).
_REGEX_SYNTAX = frozenset(".[]()*+?{}|\\^$")


def _literal_match(text: str, pattern: str) -> bool | None:
    start = pattern.startswith("^")
    end = pattern.endswith("$") and len(pattern) > start
    literal = pattern[start:len(pattern) - end]
    if any(c in _REGEX_SYNTAX for c in literal):
        return None
    if start and end:
        return text == literal
    if start:
        return text.startswith(literal)
    if end:
        return text.endswith(literal)
    return literal in text
