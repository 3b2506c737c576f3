"""More shell tests the file decides: the corners mutation testing found untested (docs/testing.md).

Same harness as test_dead_code.py: the evidence in each branch, the exact state each one gets.
"""

from __future__ import annotations

import pytest

from ..test_dead_code import C, E, X, shell_states

IF_ELSE = "if {}; then\n  export NCCL_IB_HCA=mlx5_0\nelse\n  export NCCL_IB_HCA=mlx5_1\nfi\n"

DECIDED = [
    ("[ ]", False),                    # an empty test is false
    ("test", False),
    ("[ -z ]", True),                  # one argument: a non-empty string, not an operator
    ("[ -n ]", True),
    ('[ -z "${A}" ]', False), ('[ -n "${A}" ]', True), ('[ -z "${B}" ]', True),
    ('[ "$A" != "x*" ]', True),        # no patterns in [ ]: a literal comparison
    ('[[ $A != "x*" ]]', True),        # a quoted pattern is literal
    ("[[ $A != y* ]]", True),
]


@pytest.mark.parametrize(("condition", "truth"), DECIDED)
def test_shell_corner_conditions(condition, truth):
    live, dead = (E, X) if truth else (X, E)
    assert shell_states(IF_ELSE.format(condition)) == [(5, live), (7, dead)]


@pytest.mark.parametrize("condition", ['! [ "$UNSET" = x ]', '[[ ! "$UNSET" = x ]]', '! test "$UNSET" = x'])
def test_the_negation_of_an_undecided_test_is_undecided(condition):
    assert shell_states(IF_ELSE.format(condition)) == [(5, C), (7, C)]


@pytest.mark.parametrize(("pattern", "states"), [
    ("y|x", [(5, E), (6, X)]),
    ("x|y", [(5, E), (6, X)]),
    ("y|z", [(5, X), (6, E)]),
])
def test_case_alternatives(pattern, states):
    code = f'case "$A" in\n  {pattern}) export NCCL_IB_HCA=mlx5_0 ;;\n  *) export NCCL_IB_HCA=mlx5_1 ;;\nesac\n'
    assert shell_states(code) == states
