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


# --- the resolver: which literal values an expression can have (values.Resolver) -----------------------------------

def resolver(code: str = "", flags: dict | None = None) -> values.Resolver:
    """A resolver over the module-level assignments of `code` (each binding unconditional)."""
    aliases = Aliases()
    scope: dict = {}
    resolving = values.Resolver(aliases, [scope], flags or {})
    for statement in ast.parse(code).body:
        if type(statement) is ast.Import:
            aliases.add_import(statement)
        else:
            resolving.bind(statement.targets[0].id, statement.value, values.State.ENABLED)
    return resolving


def resolved(text: str, code: str = "", flags: dict | None = None):
    found = resolver(code, flags).resolve(expr(text))
    return None if found is None else [(c.value, c.state.value, c.properties, c.partial) for c in found]


@pytest.mark.parametrize(("text", "found"), [
    ('f"cuda:{rank}"', [("cuda:", "enabled", {}, True)]),  # only the literal prefix is known
    ('f"cuda"', [("cuda", "enabled", {}, False)]),
    ('f"{device}"', None),
    ('f""', None),
    ('str("bf16")', [("bf16", "enabled", {}, False)]),
    ('int(8)', [(8, "enabled", {}, False)]),
    ('bool(1)', [(1, "enabled", {}, False)]),
    ('float("bf16")', None),  # only str(), int() and bool() pass their argument through
    ('str("bf16", "x")', None),
    ('str()', None),
    ('os.environ.get("PRECISION", "bf16")', [("bf16", "conditional", {"env": "PRECISION"}, False)]),
    ('os.environ.get(NAME, "bf16")', [("bf16", "conditional", {}, False)]),  # the variable's name undecided
    ('os.environ.get("PRECISION")', None),
    ('lookup("PRECISION", "bf16")', None),  # not an environment getter
    ('x', [("bf16", "enabled", {"variable": "x"}, False)]),
    ('y', [("bf16", "enabled", {"variable": "x"}, False)]),  # the name that holds the literal
    ('missing', None),
])
def test_resolved_values(text, found):
    assert resolved(text, 'x = "bf16"\ny = x\n') == found


def nested(wrap: str, times: int) -> str:
    text = '"bf16"'
    for _ in range(times):
        text = wrap.format(text)
    return text


@pytest.mark.parametrize("wrap", ["str({})", "({} if c else 0)", "({} or other)", 'os.environ.get("A", {})'])
def test_values_are_followed_six_levels_deep_and_no_further(wrap):
    def values_of(times):
        return [value for value, *_ in resolved(nested(wrap, times)) or []]

    assert "bf16" in values_of(6) and "bf16" not in values_of(7)


def test_names_are_followed_six_levels_deep_and_a_name_bound_to_itself_ends():
    chain = 'v0 = "bf16"\n' + "".join(f"v{i} = v{i - 1}\n" for i in range(1, 8))
    assert resolved("v5", chain) == [("bf16", "enabled", {"variable": "v0"}, False)]
    assert resolved("v6", chain) is None
    assert resolved("x", "x = x\n") is None


@pytest.mark.parametrize(("action", "default", "value"), [
    ("store_true", None, False), ("store_false", None, True), (None, None, None), ("store_true", '"bf16"', "bf16"),
])
def test_an_option_read_as_an_attribute_has_its_default(action, default, value):
    flag = values.Flag("--bf16", None if default is None else expr(default), action)
    assert resolved("args.bf16", flags={"bf16": flag}) == [
        (value, "enabled", {"flag": "--bf16", "default": value}, False)]


def test_an_option_default_is_followed_six_levels_deep():
    def found(times):
        flag = values.Flag("--dtype", expr(nested("str({})", times)), None)
        return resolved("args.dtype", flags={"dtype": flag})

    assert found(5) and found(6) is None


def test_call_values_are_positional_starred_and_keyword_arguments():
    assert [ast.unparse(v) for v in values.call_values(expr("f(*a, b, k=c)"))] == ["a", "b", "c"]


def test_a_relative_import_binds_no_vendor_module():
    aliases = Aliases()
    assert aliases.add_import_from(ast.parse("from . import torch").body[0]) == ("", [], [])
    assert aliases.table == {}
