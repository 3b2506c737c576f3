"""Positions for the nodes of a few top-level statements, without positioning the whole file.

libcst's PositionProvider generates code for the entire module while tracking
positions, which costs more than parsing. Evidence usually sits in a handful of
statements, so we generate plain code (ten times cheaper) to count the lines
before each statement, and track positions only inside the statements that
hold findings. The result equals PositionProvider's for those nodes (tested).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import libcst as cst
from libcst.metadata import CodeRange
from libcst.metadata.position_provider import NEWLINE_RE, PositionProvidingCodegenState

HEADER = -1  # index of the module header (comments before the first statement)


class _Sink:
    """Stands in for the metadata provider that the codegen state records into."""

    def __init__(self) -> None:
        self._computed: dict[cst.CSTNode, CodeRange] = {}


def module_parts(module: cst.Module) -> Iterable[tuple[int, Sequence[cst.CSTNode]]]:
    yield HEADER, module.header
    for index, statement in enumerate(module.body):
        yield index, (statement,)
    yield len(module.body), module.footer


def positions_for(module: cst.Module, wanted: set[int]) -> Mapping[cst.CSTNode, CodeRange]:
    """Positions of every node inside the top-level parts numbered in `wanted`
    (HEADER, an index into `module.body`, or len(body) for the footer)."""
    sink = _Sink()
    line = 1
    last = max(wanted) if wanted else HEADER
    for index, nodes in module_parts(module):
        if index > last:
            break
        if index in wanted:
            state = PositionProvidingCodegenState(
                default_indent=module.default_indent, default_newline=module.default_newline, provider=sink
            )
            state.line = line
            for node in nodes:
                node._codegen(state)
            line = state.line
        else:
            for node in nodes:
                line += len(NEWLINE_RE.findall(module.code_for_node(node)))
    return sink._computed
