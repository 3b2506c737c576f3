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


@pytest.mark.parametrize("pattern", ['"y|x"', "'y|x'", '$P'])
def test_a_bar_from_quotes_or_a_variable_is_no_alternative(pattern):
    """bash: `case x in "y|x")` and `P='y|x'; case x in $P)` do not match x."""
    code = f'P="y|x"\ncase "$A" in\n  {pattern}) export NCCL_IB_HCA=mlx5_0 ;;\n  *) export NCCL_IB_HCA=mlx5_1 ;;\nesac\n'
    assert shell_states(code) == [(6, X), (7, E)]


# Tests the parser reads to the end, and words that are operands, operators or neither (bash's `test`).
PARSED = [
    ('test "$A" -a "$B"', False),            # a lone word, the and-operator, an empty word
    ('test "$A" = x -a -n "$B"', False),     # -n reads the word after it, not the one before
    ("test -z", True),                       # one argument, even an operator's spelling: a non-empty string
    ("test =", True),
    ('[ "-a" ]', True),                      # a quoted word is an operand, whatever it spells
    ("test a = ]", False),                   # only `[` drops a closing "]"; after `test` it is an operand
    ('test "$A" = x', True),
]


@pytest.mark.parametrize(("condition", "truth"), PARSED)
def test_shell_test_words(condition, truth):
    live, dead = (E, X) if truth else (X, E)
    assert shell_states(IF_ELSE.format(condition)) == [(5, live), (7, dead)]


@pytest.mark.parametrize("condition", [
    'test "$A" = x extra',                   # words left over: not a test this parser knows
    'test "$A" =',                           # an operator without its right operand
    'test "$A" = x -a',                      # nothing after the and-operator
    'test "$A" = x -a ")"',                  # a closing parenthesis that closes nothing
    '[ "$UNSET" ]',                          # a lone word the file does not decide
])
def test_shell_tests_the_parser_cannot_decide(condition):
    assert shell_states(IF_ELSE.format(condition)) == [(5, C), (7, C)]


@pytest.mark.parametrize(("code", "state"), [
    # a chain of tests before `&&` is a condition, weighed as a whole
    ('[ "$A" = y ] && [ "$A" = x ] && export NCCL_IB_HCA=mlx5_0\n', X),
    ('[ "$A" = x ] && [ "$N" -eq 5 ] && export NCCL_IB_HCA=mlx5_0\n', E),
    ('[ "$A" = x ] && [ "$UNSET" = 1 ] && export NCCL_IB_HCA=mlx5_0\n', C),
    # a command that is not a test is taken to succeed: what follows `&&` runs
    ("(cd /tmp) && export NCCL_IB_HCA=mlx5_0\n", E),
    ("echo x | grep -q x && export NCCL_IB_HCA=mlx5_0\n", E),
])
def test_what_comes_before_and_and(code, state):
    assert [s for _, s in shell_states(code)] == [state]


def _emptiness(code: str):
    from whackachip_lint.extract.shell import conditions
    from whackachip_lint.extract.shell.words import Expander
    from whackachip_lint.extract.treesitter import parser

    data = code.encode("utf-8")
    node = parser("bash").parse(data).root_node.named_children[0]
    return conditions.emptiness_test(node, Expander(data, lambda point: point))


@pytest.mark.parametrize(("code", "expected"), [
    ('[ -z "$GPUS" ]', ("-z", "GPUS")),
    ('[[ -n $GPUS ]]', ("-n", "GPUS")),
    ('[ -z "${GPUS}" ]', ("-z", "GPUS")),  # braces too
    ('[ -f "$GPUS" ]', None),  # only -z and -n test for a value
    ('[ -z "${GPUS:-8}" ]', None),  # a default of its own: not the bare variable
    ('[ -z "$GPUS$N" ]', None),
    ('[ -z "x$GPUS" ]', None),
    ('[ "$GPUS" = 8 ]', None),
    ("echo $GPUS", None),
])
def test_emptiness_test_finds_the_default_idiom(code, expected):
    assert _emptiness(code) == expected


# --- for loops (walker._for_statement, _rank_loop): no test of the walker's targets had one --------------------

@pytest.mark.parametrize(("header", "state"), [
    ("for x in a b", E),  # a literal list: the body runs
    ('for x in "a" 1', E),
    ("for x in $(ls)", C),  # a list the file does not decide may be empty
    ("for x in $A", C),
    ("for x in 'a' b", E),
])
def test_the_body_of_a_for_loop(header, state):
    assert shell_states(f"{header}; do\n  export NCCL_IB_HCA=mlx5_0\ndone\n") == [(5, state)]


def test_a_for_loop_variable_is_a_runtime_value_after_the_loop():
    rows = _rows("GPUS=8\nfor GPUS in 2 4; do :; done\ntorchrun --nproc_per_node ${GPUS:-8} train.py\n")
    assert [(value, state) for rule, value, state, *_ in rows if rule == "WAC401"] == [("${GPUS:-8}", "conditional")]


def _rows(code: str):
    from ...conftest import scan_snippet

    return [(f.rule, f.value, f.state.value, f.span.line, f.span.column, f.span.end_column, dict(f.properties),
             f.message) for f in scan_snippet(code, "shell").findings]


RANK_LOOP = {"launcher": "rank-loop"}


@pytest.mark.parametrize(("code", "rows"), [
    ("for i in $(seq 0 7); do\n  DEVICE_ID=$i python train.py &\ndone\nwait\n", [
        ("WAC401", 8, "enabled", 1, 1, 21, RANK_LOOP,
         "Devices per node (8) is in force here. The loop starts 8 processes."),
        ("WAC404", "rank-loop", "enabled", 1, 1, 21, RANK_LOOP,
         "Distributed launcher (rank-loop) is in force here. One background process per DEVICE_ID."),
    ]),
    ("for i in $(seq 0 $((N-1))); do\n  DEVICE_ID=$i python train.py &\ndone\n", [
        ("WAC401", "$(seq 0 $((N-1)))", "conditional", 1, 1, 28, RANK_LOOP,
         "Devices per node ($(seq 0 $((N-1)))) is used only under a runtime condition here. The loop's range "
         "($(seq 0 $((N-1)))) is not decided by this file."),
        ("WAC404", "rank-loop", "enabled", 1, 1, 28, RANK_LOOP,
         "Distributed launcher (rank-loop) is in force here. One background process per DEVICE_ID."),
    ]),
    ("if false; then\nfor i in 0 1; do\n  DEVICE_ID=$i python train.py &\ndone\nfi\n", [
        ("WAC401", 2, "dead", 2, 1, 14, RANK_LOOP, "Devices per node (2) stands in code that cannot run here. The "
         "loop starts 2 processes (a branch the file's own values rule out)."),
        ("WAC404", "rank-loop", "dead", 2, 1, 14, RANK_LOOP, "Distributed launcher (rank-loop) stands in code that "
         "cannot run here. One background process per DEVICE_ID (a branch the file's own values rule out)."),
    ]),
    ('if [ -n "$X" ]; then\nfor i in $(seq 0 $((N-1))); do\n  DEVICE_ID=$i python train.py &\ndone\nfi\n', [
        ("WAC401", "$(seq 0 $((N-1)))", "conditional", 2, 1, 28, RANK_LOOP,
         "Devices per node ($(seq 0 $((N-1)))) is used only under a runtime condition here. The loop's range "
         "($(seq 0 $((N-1)))) is not decided by this file (in a branch that runs only under a runtime condition)."),
        ("WAC404", "rank-loop", "conditional", 2, 1, 28, RANK_LOOP, "Distributed launcher (rank-loop) is used only "
         "under a runtime condition here. One background process per DEVICE_ID (in a branch that runs only under a "
         "runtime condition)."),
    ]),
    ("for i in 0 1; do\n  python train.py\ndone\n", []),  # nothing in the background: no rank loop
])
def test_rank_loops(code, rows):
    assert [row for row in _rows(code) if row[0] in ("WAC401", "WAC404")] == rows


# --- heredoc JSON with expansions, and `read` (walker survivors: docs/testing.md) -------------------------------

def _positions(code: str):
    from ...conftest import scan_snippet

    return [(f.rule, f.value, f.state.value, f.span.line, f.span.column) for f in scan_snippet(code, "shell").findings]


DS_HEREDOC = 'cat > ds.json <<EOF\n{{"zero_optimization": {{"stage": {stage}}}, "fp16": {{"enabled": {fp16}}}, ' \
             '"bf16": {{"enabled": true}}}}\nEOF\n'


@pytest.mark.parametrize(("prelude", "stage", "fp16", "rows"), [
    # a known scalar is written in place, padded, so every later key keeps its column
    ("S=3\n", "${S}", "false", [("WAC501", 3, 3, 24), ("WAC102", "fp16", 3, 49), ("WAC101", "bf16", 3, 77)]),
    ("S=3\n", "$S", "false", [("WAC501", 3, 3, 24), ("WAC102", "fp16", 3, 47), ("WAC101", "bf16", 3, 75)]),
    # a value the file does not decide reads as "": no stage, and the rest still parses
    ("", "$S", "$(echo true)", [("WAC102", "fp16", 2, 47), ("WAC101", "bf16", 2, 82)]),
    ("", "$((1+2))", "false", [("WAC102", "fp16", 2, 53), ("WAC101", "bf16", 2, 81)]),
    ("S=12345\n", "$S", "false", [("WAC102", "fp16", 3, 47), ("WAC101", "bf16", 3, 75)]),  # too wide for "$S"
])
def test_heredoc_json_with_expansions(prelude, stage, fp16, rows):
    found = [(rule, value, line, column) for rule, value, _state, line, column in
             _positions(prelude + DS_HEREDOC.format(stage=stage, fp16=fp16))]
    assert found == rows


@pytest.mark.parametrize(("read", "value", "state"), [
    ("", 8, "enabled"),  # the default is the value
    ('read -p "GPUS? " GPUS\n', "${GPUS:-8}", "conditional"),  # read from input: decided at run time
    ("read -r GPUS\n", "${GPUS:-8}", "conditional"),  # -r takes no value: GPUS is the variable
    ("read -p GPUS\n", 8, "enabled"),  # GPUS is -p's prompt here, not a variable
    ("read -a GPUS\n", "${GPUS:-8}", "conditional"),
    ("read -\n", 8, "enabled"),
    ("read -rp GPUS\n", 8, "enabled"),  # options run together: the last one (-p) takes the next word
    ("read -pr GPUS\n", "${GPUS:-8}", "conditional"),  # "r" is -p's value: GPUS is the variable
])
def test_read_makes_a_variable_a_runtime_value(read, value, state):
    rows = _positions(read + "torchrun --nproc_per_node ${GPUS:-8} train.py\n")
    assert [(v, s) for rule, v, s, *_ in rows if rule == "WAC401"] == [(value, state)]


@pytest.mark.parametrize(("prelude", "state"), [
    ("", "conditional"),  # a plain assignment reaches the environment only if something exports it
    ("set -a\n", "enabled"),  # allexport: every assignment is exported
    ("set -o allexport\n", "enabled"),
    ("set -a\nset +a\n", "conditional"),
    ("set -o allexport\nset +o allexport\n", "conditional"),
    ("set -o errexit\n", "conditional"),
    ("set -e -a\n", "enabled"),
    ("set -o\n", "conditional"),  # -o without an option name (bash lists the options)
])
def test_allexport_exports_plain_assignments(prelude, state):
    assert [(rule, s) for rule, _v, s, *_ in _positions(prelude + "NCCL_IB_HCA=mlx5_0\n")] == [("WAC301", state)]


@pytest.mark.parametrize(("terminator", "states"), [
    (";;", [(5, E), (6, X), (7, X)]),  # the first matching item runs, no other
    (";&", [(5, E), (6, C), (7, C)]),  # bash runs the next item's body too: never dead
    (";;&", [(5, E), (6, C), (7, C)]),  # bash tests the next items' patterns too
])
def test_case_items_after_a_fallthrough_are_not_dead(terminator, states):
    code = (f'case "$A" in\n  x) export NCCL_IB_HCA=mlx5_0 {terminator}\n  y) export NCCL_IB_HCA=mlx5_1 ;;\n'
            "  *) export NCCL_IB_HCA=mlx5_2 ;;\nesac\n")
    assert shell_states(code) == states


@pytest.mark.parametrize(("code", "message_end"), [
    ("export NCCL_IB_HCA=mlx5_0\n", "NCCL_IB_HCA=mlx5_0."),
    ('if [ -n "$X" ]; then\n  export NCCL_IB_HCA=mlx5_0\nfi\n',
     "NCCL_IB_HCA=mlx5_0 (in a branch that runs only under a runtime condition)."),
    ("# export NCCL_IB_HCA=mlx5_0\n", "NCCL_IB_HCA=mlx5_0 (in a comment)."),
    ("if false; then\n  export NCCL_IB_HCA=mlx5_0\nfi\n", "NCCL_IB_HCA=mlx5_0 (a branch the file's own values rule out)."),
])
def test_a_finding_says_where_it_stands(code, message_end):
    [message] = [message for *_, message in _rows(code)]
    assert message.endswith(message_end)
