"""The Python extractor's branch logic as tables (extract/python/values.py, syntax.py): constant and branch truth,
exception handler names, JAX platform tests, dataclass field defaults. Each row is one behaviour mutation testing
found unpinned (docs/testing.md)."""

from __future__ import annotations

import ast

import pytest

from whackachip_lint.extract.python import syntax, values
from whackachip_lint.extract.python.names import Aliases


def expr(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


@pytest.mark.parametrize(("text", "truth"), [
    ("True", True), ("False", False), ("None", False),
    ("0", False), ("1", True), ("2", True),  # integers: zero or not
    ("not 0", True), ("not 1", False), ("not None", True), ("not not 0", False),
    ("not x", None), ("x", None), ("'s'", None), ("1.0", None), ("-1", None), ("b''", None),
])
def test_constant_truth(text, truth):
    assert values.constant_truth(expr(text)) is truth


@pytest.mark.parametrize(("text", "truth"), [
    ("''", False), ("'x'", True), ("0.0", False), ("0b0", False), ("0x1", True),
    ("not ''", True), ("not x", None),
    ("False and x", False), ("x and False", False), ("True and x", None), ("True and 1", True),
    ("True or x", True), ("x or 1", True), ("False or x", None), ("False or 0", False),
])
def test_branch_truth(text, truth):
    assert values.branch_truth(expr(text)) is truth


def handler(text: str) -> ast.ExceptHandler:
    return ast.parse(f"try:\n    pass\n{text}:\n    pass\n").body[0].handlers[0]


@pytest.mark.parametrize(("text", "names"), [
    ("except", set()),
    ("except ImportError", {"ImportError"}),
    ("except importlib.metadata.PackageNotFoundError", {"PackageNotFoundError"}),
    ("except (ImportError, torch.cuda.OutOfMemoryError)", {"ImportError", "OutOfMemoryError"}),
    ("except (errors()[0], ModuleNotFoundError)", {"ModuleNotFoundError"}),  # not a name: left out
])
def test_handler_names(text, names):
    assert syntax.handler_names(handler(text)) == names


def jax_aliases() -> Aliases:
    aliases = Aliases()
    aliases.add_import(ast.parse("import jax as j").body[0])
    return aliases


@pytest.mark.parametrize(("text", "found"), [
    ('j.default_backend() == "tpu"', ("tpu", True)),
    ('j.default_backend() != "TPU"', ("tpu", False)),
    ('"gpu" == j.default_backend()', ("gpu", True)),
    ('j.devices()[0].platform == "tpu"', ("tpu", True)),
    ('j.devices()[0][1].platform != "cpu"', ("cpu", False)),
    ('j.default_backend() == "mars"', None),  # not a platform name
    ('other() == "tpu"', None),  # not a platform query
    ('j.devices()[0].name == "tpu"', None),  # another attribute
    ('devices[0].platform == "tpu"', None),  # not read from a call
    ('other()[0].platform == "tpu"', None),  # read from a call that is not JAX's
    ('j.default_backend() < "tpu"', None),
    ('j.default_backend() == "tpu" == x', None),
])
def test_platform_test(text, found):
    assert syntax.platform_test(expr(text), jax_aliases()) == found


def test_starts_with_exit():
    assert syntax.starts_with_exit([]) is False
    assert syntax.starts_with_exit(ast.parse("raise SystemExit\nx = 1\n").body) is True
    assert syntax.starts_with_exit(ast.parse("x = 1\nraise SystemExit\n").body) is False


@pytest.mark.parametrize(("text", "unwrapped"), [
    ('field(default="bf16")', "'bf16'"),
    ('dataclasses.field(default="bf16", metadata={})', "'bf16'"),
    ('field(default_factory=list)', "field(default_factory=list)"),
    ('other(default="bf16")', "other(default='bf16')"),
    ('"bf16"', "'bf16'"),
])
def test_unwrap_field(text, unwrapped):
    assert ast.unparse(syntax.unwrap_field(expr(text))) == unwrapped
