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


# --- states, bindings, literals, imports and name patterns ------------------------------------------------------

S = values.State
ORDER = [S.ENABLED, S.CONDITIONAL, S.DISABLED, S.DEAD, S.MENTIONED]  # the later one wins


@pytest.mark.parametrize("outer", ORDER)
@pytest.mark.parametrize("inner", ORDER)
def test_combine_keeps_the_weaker_state(outer, inner):
    assert values.combine(outer, inner) is max(outer, inner, key=ORDER.index)


def test_an_unconditional_assignment_replaces_and_a_conditional_one_adds():
    scope: dict = {}
    resolving = values.Resolver(Aliases(), [scope], {})
    a, b, c = expr('"a"'), expr('"b"'), expr('"c"')
    resolving.bind("x", a, S.ENABLED)
    resolving.bind("x", b, S.CONDITIONAL)
    assert scope == {"x": [values.Binding(a, S.ENABLED), values.Binding(b, S.CONDITIONAL)]}
    resolving.bind("x", c, S.ENABLED)
    assert scope == {"x": [values.Binding(c, S.ENABLED)]}
    assert [(v, s) for v, s, *_ in resolved("x", 'x = "a"\n')] == [("a", "enabled")]


@pytest.mark.parametrize(("text", "found"), [
    ('b"bf16"', ["bf16"]), ("b'\\xff'", ["\ufffd"]),  # bytes read as UTF-8, never failing
    ("None", [None]), ("8", [8]), ("0.5", [0.5]), ("True", [True]),
    ("1j", None), ("...", None),  # no literal a setting can hold
    ('"bf16" or "fp16"', ["bf16", "fp16"]),
])
def test_literal_values(text, found):
    got = resolved(text)
    assert (None if got is None else [value for value, *_ in got]) == found


def test_either_side_of_or_is_only_possibly_the_value():
    assert [state for _, state, *_ in resolved('"bf16" or "fp16"')] == ["conditional", "conditional"]


@pytest.mark.parametrize(("statement", "result", "table"), [
    ("from torch import *", ("torch", ["torch"], []), {}),
    ("from torch import bfloat16 as bf, float16", ("torch", ["torch.bfloat16", "torch.float16"],
                                                    [("bf", "torch.bfloat16"), ("float16", "torch.float16")]),
     {"bf": "torch.bfloat16", "float16": "torch.float16"}),
    ("from .torch import cuda", ("", [], []), {}),
])
def test_from_imports(statement, result, table):
    aliases = Aliases()
    assert aliases.add_import_from(ast.parse(statement).body[0]) == result
    assert aliases.table == table


@pytest.mark.parametrize(("name", "patterns", "matched"), [
    ("torch.cuda.is_available", ("*.is_available",), True),
    ("is_available", ("*.is_available",), False),  # "*." needs a receiver
    ("torch.cuda.is_available_now", ("*.is_available",), False),
    ("torch.cuda", ("torch.cuda",), True),
    ("torch.cuda.amp", ("torch.cuda",), False),
    ("", ("*.x",), False), (None, ("x",), False),
])
def test_name_patterns(name, patterns, matched):
    from whackachip_lint.extract.python.names import lookup, matches

    assert matches(name, patterns) is matched
    assert lookup(name, dict.fromkeys(patterns, "hit")) == ("hit" if matched else None)


@pytest.mark.parametrize(("text", "found"), [
    ("TYPE_CHECKING", True), ("typing.TYPE_CHECKING", True), ("t.TYPE_CHECKING", False), ("typing.type_checking", False),
])
def test_type_checking(text, found):
    assert syntax.is_type_checking(expr(text)) is found


@pytest.mark.parametrize(("text", "target", "absent"), [
    ("torch.version.hip", "torch.version.hip", False),  # `if hip:` is true when HIP is there
    ("not torch.version.hip", "torch.version.hip", True),
    ("torch.version.cuda is None", "torch.version.cuda", True),
    ("torch.version.cuda == None", "torch.version.cuda", True),
    ("torch.version.cuda is not None", "torch.version.cuda", False),
    ("not torch.version.cuda is not None", "torch.version.cuda", True),
    ("torch.version.cuda is 1", None, False),  # compared with something that is not falsy
    ("other.version is None", None, False),
    ("torch.version.cuda is None is None", None, False),
])
def test_version_test(text, target, absent):
    found, when_absent = syntax.version_test(expr(text), Aliases())
    assert (None if found is None else ast.unparse(found), when_absent) == (target, absent)


def test_subscript_keys():
    assert ast.unparse(syntax.subscript_key(expr('x["a"]'))) == "'a'"
    assert syntax.subscript_key(expr("x[1:2]")) is None and syntax.subscript_key(expr("x[1, 2]")) is None


def test_an_environment_variable_name_is_followed_six_levels_deep():
    def env_of(times):
        (candidate,) = resolver().resolve(expr(f'os.environ.get({nested("str({})", times).replace("bf16", "P")}, 1)'))
        return candidate.properties.get("env")

    assert env_of(5) == "P" and env_of(6) is None


@pytest.mark.parametrize(("text", "windows"), [
    ("os.name == 'nt'", True), ("'nt' == os.name", True), ("os.name != 'nt'", False), ("not os.name == 'nt'", False),
    ("sys.platform == 'win32'", True), ("platform.system() == 'Windows'", True), ("platform.system() != 'Windows'", False),
    ("sys.platform.startswith('win')", True), ("not sys.platform.startswith('win')", False),
    # not a Windows test: another system (Apple silicon trains on macOS), another name, another comparison
    ("sys.platform == 'darwin'", None), ("platform.system() == 'Linux'", None), ("os.name == 'posix'", None),
    ("args.name == 'nt'", None), ("os.name in ('nt',)", None), ("platform.system('x') == 'Windows'", None),
    ("sys.platform.startswith('linux')", None), ("name.startswith('win')", None),
])
def test_windows_host_test(text, windows):
    from whackachip_lint.extract.python.hosts import windows_test

    assert windows_test(expr(text), Aliases()) is windows


def tpu_aliases() -> Aliases:
    aliases = Aliases()
    for statement in ast.parse("import torch\nfrom tensorflow.distribute.cluster_resolver import TPUClusterResolver").body:
        aliases.add_import(statement)
    return aliases


@pytest.mark.parametrize(("text", "named"), [
    ('"mps"', True), ('"cuda:0"', True), ('"TPU"', True), ('"xla:15"', True), ('"cpu"', False), ('"meta"', False),
    ('"cuda: out of memory"', False),  # a message, longer than any device string: 20 characters
    ('"cuda:0123456789"', True), ('"cuda:01234567890"', False),  # 15 characters hold one, 16 no longer
    ("torch.cuda", True), ("torch.backends.mps", True), ("torch", False), ("b'mps'", False), ("1", False),
    ("TPUClusterResolver()", True), ("TPUClusterResolver", False),  # the call names the TPU, not the class
    ("torch.cuda.is_available()", False),  # the call itself: its name (the func node) is what names the device
    ("resolver()", False),
])
def test_names_device(text, named):
    assert syntax.names_device(expr(text), tpu_aliases()) is named


@pytest.mark.parametrize(("text", "hardware"), [
    ('device.type != "mps"', True), ('hasattr(torch, "xpu")', True), ("torch.cuda.is_available()", True),
    ("TPUClusterResolver() is None", True), ("not resolver()", False), ('x == "cuda: device not found"', False),
    ("x is None", False),
])
def test_tests_hardware(text, hardware):
    assert syntax.tests_hardware(expr(text), tpu_aliases()) is hardware
