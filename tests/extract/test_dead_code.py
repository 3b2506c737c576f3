"""Dead and live code, table-driven: which branch of a constant test runs, in Python and in shell.

Every row puts the same piece of evidence in each branch and checks the exact state each one gets:
`enabled` where the code runs, `dead` where it cannot, `conditional` where the file cannot tell.
The tables go through the scanner (not one extractor), so any Python or shell extractor behind it is held
to them.
"""

from __future__ import annotations

import textwrap

import pytest

from ..conftest import finding_rows

E, C, X = "enabled", "conditional", "dead"


# -- Python ---------------------------------------------------------------------------------------------------------

PY_SETTING = 'os.environ["NCCL_IB_HCA"] = "mlx5_0"'


def python_states(code: str) -> list[tuple[int, str]]:
    """(line, state) of each NCCL_IB_HCA write in a Python snippet (`import os` is prepended as line 1)."""
    rows = finding_rows("import os\n" + textwrap.dedent(code), "python")
    return sorted((line, state) for rule, value, state, line in rows if rule == "WAC301")


# test expression -> (state of the `if` body, state of its `else`)
PY_CONDITIONS = [
    ("True", E, X),
    ("False", X, E),
    ("1", E, X),
    ("0", X, E),
    ("0x0", X, E),
    ("0.0", X, E),
    ("None", X, E),
    ('""', X, E),
    ('"yes"', E, X),
    ("not True", X, E),
    ("not False", E, X),
    ("not 0", E, X),
    ("(False)", X, E),
    ("False and flag", X, E),
    ("flag and False", X, E),
    ("True or flag", E, X),
    ("flag or 1", E, X),
    ("True and 1", E, X),
    ("False or 0", X, E),
    ("flag", C, C),
    ("not flag", C, C),
    ("flag and True", C, C),
    ("False or flag", C, C),
]


@pytest.mark.parametrize(("test", "body", "orelse"), PY_CONDITIONS)
def test_python_if_else_on_a_constant(test, body, orelse):
    code = f"if {test}:\n    {PY_SETTING}\nelse:\n    {PY_SETTING}\n"
    assert python_states(code) == [(3, body), (5, orelse)]


@pytest.mark.parametrize(("test", "body", "orelse"), PY_CONDITIONS)
def test_python_elif_after_a_constant(test, body, orelse):
    # An `elif` is the `else` of the `if` before it: it runs only where that `else` may run.
    code = f"if {test}:\n    {PY_SETTING}\nelif other:\n    {PY_SETTING}\n"
    elif_state = X if orelse == X else C
    assert python_states(code) == [(3, body), (5, elif_state)]


@pytest.mark.parametrize(("test", "body", "orelse"), PY_CONDITIONS)
def test_python_ternary_on_a_constant(test, body, orelse):
    code = f"import torch\nx = torch.zeros(1, dtype=torch.bfloat16 if {test} else torch.float16)\n"
    rows = finding_rows("import os\n" + code, "python")
    assert sorted((rule, state) for rule, value, state, line in rows) == [("WAC101", body), ("WAC102", orelse)]


@pytest.mark.parametrize(("test", "body", "orelse"), PY_CONDITIONS)
def test_python_ternary_value_on_a_constant(test, body, orelse):
    # The value reaches the call through the resolver: `backend=... if TEST else ...`.
    code = f'import torch.distributed as dist\ndist.init_process_group(backend="hccl" if {test} else "nccl")\n'
    rows = finding_rows(code, "python")
    assert sorted((value, state) for rule, value, state, line in rows if rule == "WAC201") == [
        ("hccl", body),
        ("nccl", orelse),
    ]


@pytest.mark.parametrize(
    ("test", "body"),
    [("False", X), ("0", X), ("not True", X), ('""', X), ("None", X), ("True", E), ("1", E)],
)
def test_python_while_on_a_constant(test, body):
    code = f"while {test}:\n    {PY_SETTING}\n    break\nelse:\n    {PY_SETTING}\n"
    assert python_states(code) == [(3, body), (6, E)]


def test_python_type_checking_block_is_dead():
    code = f"from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    {PY_SETTING}\nelse:\n    {PY_SETTING}\n"
    assert python_states(code) == [(4, X), (6, E)]


def test_python_main_guard_body_runs_and_its_else_may():
    code = f'if __name__ == "__main__":\n    {PY_SETTING}\nelse:\n    {PY_SETTING}\n'
    assert python_states(code) == [(3, E), (5, C)]


@pytest.mark.parametrize(
    ("outer", "inner", "state"),
    [("False", "flag", X), ("flag", "False", X), ("True", "True", E), ("flag", "True", C), ("True", "flag", C)],
)
def test_python_nested_branches(outer, inner, state):
    code = f"if {outer}:\n    if {inner}:\n        {PY_SETTING}\n"
    assert python_states(code) == [(4, state)]


@pytest.mark.parametrize(
    "stop",
    ["sys.exit(0)", "sys.exit()", "exit()", "quit()", "os._exit(1)", 'raise SystemExit("moved")', "raise ImportError"],
)
def test_python_code_after_a_module_level_exit_is_dead(stop):
    code = f"import sys\n{PY_SETTING}\n{stop}\n{PY_SETTING}\nif flag:\n    {PY_SETTING}\n"
    assert python_states(code) == [(3, E), (5, X), (7, X)]


@pytest.mark.parametrize(
    "guarded_stop",
    [
        "if flag:\n    sys.exit(0)",
        "def main():\n    sys.exit(0)",
        "try:\n    sys.exit(0)\nexcept SystemExit:\n    pass",
        'if __name__ == "__main__":\n    sys.exit(main())',
        "sys.exit",  # named, not called
    ],
)
def test_python_exit_that_may_not_run_leaves_the_rest_live(guarded_stop):
    code = f"import sys\n{guarded_stop}\n{PY_SETTING}\n"
    line = 4 + guarded_stop.count("\n")  # after `import os`, `import sys` and the stop
    assert python_states(code) == [(line, E)]


# -- shell ----------------------------------------------------------------------------------------------------------

SH_PRELUDE = 'A=x\nB=""\nN=5\n'  # what the file itself decides: lines 1-3


def shell_states(code: str) -> list[tuple[int, str]]:
    """(line, state) of each NCCL_IB_HCA export in a shell snippet (after SH_PRELUDE)."""
    rows = finding_rows(SH_PRELUDE + code, "shell")
    return sorted((line, state) for rule, value, state, line in rows if rule == "WAC301")


# Expressions valid inside `[[ ]]`, `[ ]` and `test` alike: (expression, whether it is true here).
SH_COMMON = [
    ('"$A" = x', True), ('"$A" = y', False),
    ('"$A" == x', True), ('"$A" == y', False),
    ('"$A" != y', True), ('"$A" != x', False),
    ('"$N" -eq 5', True), ('"$N" -eq 6', False),
    ('"$N" -ne 6', True), ('"$N" -ne 5', False),
    ('"$N" -gt 4', True), ('"$N" -gt 5', False), ('"$N" -gt 6', False),
    ('"$N" -ge 5', True), ('"$N" -ge 4', True), ('"$N" -ge 6', False),
    ('"$N" -lt 6', True), ('"$N" -lt 5', False), ('"$N" -lt 4', False),
    ('"$N" -le 5', True), ('"$N" -le 6', True), ('"$N" -le 4', False),
    ('-z "$B"', True), ('-z "$A"', False),
    ('-n "$A"', True), ('-n "$B"', False),
    ('"$A"', True), ('"$B"', False),
    ('"${A:-y}" = x', True), ('"${B:-y}" = y', True),  # the file set them: its value, not the default, counts
    ('! "$A" = y', True), ('! "$A" = x', False),
    ('! -z "$A"', True), ('! -n "$A"', False),
]
# `&&`, `||` and patterns exist only inside `[[ ]]`.
SH_DOUBLE = [
    ('"$A" = x && "$N" -eq 5', True), ('"$A" = x && "$N" -eq 6', False), ('"$A" = y && "$N" -eq 5', False),
    ('"$A" = y || "$N" -eq 5', True), ('"$A" = x || "$N" -eq 6', True), ('"$A" = y || "$N" -eq 6', False),
    ('! ( "$A" = x && "$N" -eq 6 )', True), ('( "$A" = y || "$N" -eq 5 ) && -n "$A"', True),
    ("$A == x*", True), ('$A == "x*"', False), ("$A != x*", False),
    ("$A =~ ^x$", True), ("$A =~ ^y", False), ("$A =~ x", True), ("$A =~ y$", False), ("$A =~ ^x", True),
]
# `-a` and `-o` (and `!`) inside `[ ]` and `test`; `-a` binds tighter than `-o`, as POSIX test says.
SH_SINGLE = [
    ('"$A" = x -a "$N" -eq 5', True), ('"$A" = x -a "$N" -eq 6', False), ('"$A" = y -a "$N" -eq 5', False),
    ('"$A" = y -o "$N" -eq 5', True), ('"$A" = x -o "$N" -eq 6', True), ('"$A" = y -o "$N" -eq 6', False),
    ('"$A" = x -o "$A" = y -a "$N" -eq 6', True), ('"$A" = y -a "$N" -eq 5 -o "$N" -eq 6', False),
    ('! "$A" = x -o -n "$A"', True), ('-n "$A" -a ! -z "$A"', True),
]
SH_CONDITIONS = (
    [(f"[[ {e} ]]", t) for e, t in SH_COMMON + SH_DOUBLE]
    + [(f"[ {e} ]", t) for e, t in SH_COMMON + SH_SINGLE]
    + [(f"test {e}", t) for e, t in SH_COMMON + SH_SINGLE]
    + [
        ("true", True), ("false", False), (":", True),
        ('! [ "$A" = x ]', False), ('! [[ "$A" = y ]]', True),
        ('[ "$A" = x ] && [ "$N" -eq 5 ]', True), ('[ "$A" = x ] && [ "$N" -eq 6 ]', False),
        ('[ "$A" = y ] || [ "$N" -eq 5 ]', True), ('[ "$A" = y ] || [ "$N" -eq 6 ]', False),
        ('[[ "$A" = x ]] && ! test "$N" -eq 6', True),
    ]
)


def _live(truth: bool) -> str:
    return E if truth else X


@pytest.mark.parametrize(("condition", "truth"), SH_CONDITIONS)
def test_shell_if_else_on_what_the_file_decides(condition, truth):
    code = f"if {condition}; then\n  export NCCL_IB_HCA=mlx5_0\nelse\n  export NCCL_IB_HCA=mlx5_1\nfi\n"
    assert shell_states(code) == [(5, _live(truth)), (7, _live(not truth))]


@pytest.mark.parametrize(("condition", "truth"), [(c, t) for c, t in SH_CONDITIONS if " && [" not in c
                                                   and " || [" not in c and " && !" not in c])
def test_shell_and_or_lists_on_what_the_file_decides(condition, truth):
    # `TEST && cmd` runs cmd when the test holds; `TEST || cmd` when it fails.
    code = f"{condition} && export NCCL_IB_HCA=mlx5_0\n{condition} || export NCCL_IB_HCA=mlx5_1\n"
    assert shell_states(code) == [(4, _live(truth)), (5, _live(not truth))]


@pytest.mark.parametrize(
    "condition",
    [
        '[[ "$UNSET" = x ]]', '[ "$UNSET" = x ]', 'test "$UNSET" = x', '[ "${UNSET:-x}" = x ]', "[ -f /etc/ib ]",
        '[[ "$A" = x && -f /etc/ib ]]', '[ "$A" = y -o -d /dev/infiniband ]', "nvidia-smi", '[ "$N" -gt abc ]',
    ],
)
def test_shell_condition_the_file_cannot_decide_is_conditional(condition):
    code = f"if {condition}; then\n  export NCCL_IB_HCA=mlx5_0\nelse\n  export NCCL_IB_HCA=mlx5_1\nfi\n"
    assert shell_states(code) == [(5, C), (7, C)]


@pytest.mark.parametrize("pattern", ["^x.*$", "x|y", "(x+)+$", "[xy]", "x{1}"])
def test_a_bash_regex_that_is_not_a_literal_is_undecided(pattern):
    # The scanned file's regex is never run: Python's engine differs from bash's and can be made to backtrack.
    code = f"if [[ $A =~ {pattern} ]]; then\n  export NCCL_IB_HCA=mlx5_0\nelse\n  export NCCL_IB_HCA=mlx5_1\nfi\n"
    assert shell_states(code) == [(5, C), (7, C)]


def test_a_backtracking_regex_in_a_scanned_script_costs_nothing():
    import time

    code = (f"V={'a' * 40}!\nif [[ $V =~ ^(a+)+$ ]]; then\n  export NCCL_IB_HCA=mlx5_0\nfi\n")
    started = time.process_time()
    assert shell_states(code) == [(6, C)]
    assert time.process_time() - started < 5  # Python's re takes hours on this; reading it as undecided is instant


@pytest.mark.parametrize(
    ("first", "second", "states"),
    [
        ('"$A" = x', '"$N" -eq 5', (E, X, X)),  # the first branch runs: every later one is dead
        ('"$A" = y', '"$N" -eq 5', (X, E, X)),
        ('"$A" = y', '"$N" -eq 6', (X, X, E)),
        ('"$UNSET" = x', '"$N" -eq 5', (C, C, X)),  # maybe the first, else surely the second
        ('"$A" = y', '"$UNSET" = x', (X, C, C)),
    ],
)
def test_shell_elif_chains(first, second, states):
    code = (
        f"if [ {first} ]; then\n  export NCCL_IB_HCA=a\nelif [ {second} ]; then\n  export NCCL_IB_HCA=b\n"
        "else\n  export NCCL_IB_HCA=c\nfi\n"
    )
    assert shell_states(code) == list(zip((5, 7, 9), states))


@pytest.mark.parametrize(
    ("word", "states"),
    [("x", (E, X, X)), ("y", (X, E, X)), ("z", (X, X, E)), ('"$UNSET"', (C, C, C))],
)
def test_shell_case_on_what_the_file_decides(word, states):
    code = f"case {word} in\n  x)\n    export NCCL_IB_HCA=a ;;\n  y|w)\n    export NCCL_IB_HCA=b ;;\n  *)\n" \
           "    export NCCL_IB_HCA=c ;;\nesac\n"
    assert shell_states(code) == list(zip((6, 8, 10), states))


@pytest.mark.parametrize(("loop", "state"), [("while false", X), ("until true", X), ("while [ \"$A\" = y ]", X)])
def test_shell_loops_that_never_run(loop, state):
    assert shell_states(f"{loop}; do\n  export NCCL_IB_HCA=mlx5_0\ndone\n") == [(5, state)]
