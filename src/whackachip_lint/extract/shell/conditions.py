"""Three-valued evaluation of shell conditions: True, False, or None (undecidable here).

Only what the file decides counts: `[[ $NET_TYPE == "low" ]]` after
`NET_TYPE="high"` is False; a test of the caller's environment, a file test
or a command's exit status is None.
"""

from __future__ import annotations

import fnmatch
import re

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
        inner = node.named_children
        return _expression(inner[0], expander, env) if len(inner) == 1 else None
    if kind == "negated_command":
        inner = node.named_children
        return _not(evaluate(inner[0], expander, env)) if inner else None
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
        args = [a for a in node.children_by_field_name("argument")]
        texts = [_text(a, expander, env) for a in args]
        if word == "[" and texts and texts[-1] == "]":
            texts = texts[:-1]
        return _test_words(texts)
    return None


def _test_words(texts: list[str | None]) -> bool | None:
    """`test`/`[` with its words already expanded (None = unknown word)."""
    if len(texts) == 1:
        return None if texts[0] is None else bool(texts[0])
    if len(texts) == 2 and texts[0] in ("-z", "-n"):
        if texts[1] is None:
            return None
        return (texts[1] == "") if texts[0] == "-z" else (texts[1] != "")
    if len(texts) == 3 and texts[1] is not None:
        return _compare(texts[0], texts[1], texts[2], glob=False)
    return None


def _expression(node, expander, env) -> bool | None:
    kind = node.type
    if kind == "parenthesized_expression":
        inner = node.named_children
        return _expression(inner[0], expander, env) if len(inner) == 1 else None
    if kind == "unary_expression":
        operator = node.child_by_field_name("operator")
        operands = [c for c in node.named_children if c is not operator and c.type != "test_operator"]
        op = operator.text.decode() if operator is not None else node.children[0].text.decode()
        if op == "!":
            return _not(_expression(operands[0], expander, env)) if operands else None
        if op in ("-z", "-n") and operands:
            text = _text(operands[0], expander, env)
            if text is None:
                return None
            return (text == "") if op == "-z" else (text != "")
        return None  # file tests and the like depend on the machine
    if kind == "binary_expression":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        operator = node.child_by_field_name("operator")
        if left is None or right is None or operator is None:
            return None
        op = operator.text.decode()
        if op in ("&&", "-a"):
            return _and(_expression(left, expander, env), _expression(right, expander, env))
        if op in ("||", "-o"):
            return _or(_expression(left, expander, env), _expression(right, expander, env))
        glob = right.type not in ("string", "raw_string")
        return _compare(_text(left, expander, env), op, _text(right, expander, env), glob=glob)
    text = _text(node, expander, env)  # [[ $X ]]: non-empty test
    return None if text is None else bool(text)


def _compare(left: str | None, op: str, right: str | None, glob: bool) -> bool | None:
    if left is None or right is None:
        return None
    if op in ("==", "="):
        return fnmatch.fnmatchcase(left, right) if glob else left == right
    if op == "!=":
        return not fnmatch.fnmatchcase(left, right) if glob else left != right
    if op == "=~":
        try:
            return re.search(right, left) is not None
        except re.error:
            return None
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


def _not(value: bool | None) -> bool | None:
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
    return any(fnmatch.fnmatchcase(value, alternative) for alternative in pattern.split("|"))


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
