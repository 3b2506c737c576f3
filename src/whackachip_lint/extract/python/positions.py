"""Positions for the nodes of a few statements, without positioning the whole file.

libcst's PositionProvider generates code for the entire module while tracking
every node's position, which costs more than parsing. Evidence usually sits in
a handful of statements, so we run libcst's plain code generation once (many
times cheaper) to note the line and indentation where each statement starts,
then track positions only inside the statements that hold findings. A
"unit" is a statement that starts a line: an element of a module's or an
indented block's body (or a header/footer comment line of the module). The
result equals PositionProvider's for the nodes inside the units asked for
(tested).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodeRange
from libcst.metadata.position_provider import NEWLINE_RE, PositionProvidingCodegenState


def module_units(module: cst.Module) -> Iterable[cst.CSTNode]:
    """The module's own units: header comment lines, top-level statements, footer comment lines."""
    yield from module.header
    yield from module.body
    yield from module.footer


def block_units(block: cst.IndentedBlock) -> Iterable[cst.CSTNode]:
    return block.body


class _Sink:
    """Stands in for the metadata provider that the codegen state records into."""

    def __init__(self) -> None:
        self._computed: dict[cst.CSTNode, CodeRange] = {}


class _UnitStarts(CodegenState):
    """Plain code generation that notes the line and indentation where each wanted unit starts."""

    def __init__(self, module: cst.Module, wanted: set[int]) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.line = 1
        self.wanted = wanted
        self.starts: dict[int, tuple[int, list[str]]] = {}

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            self.line += len(NEWLINE_RE.findall(value))

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            self.starts[id(node)] = (self.line, list(self.indent_tokens))


def positions_for(module: cst.Module, units: Iterable[cst.CSTNode]) -> Mapping[cst.CSTNode, CodeRange]:
    """Positions of every node inside the given units (see module docstring)."""
    units = list({id(unit): unit for unit in units}.values())
    if not units:
        return {}
    starts = _UnitStarts(module, {id(unit) for unit in units})
    module._codegen(starts)
    sink = _Sink()
    for unit in units:
        line, indent = starts.starts[id(unit)]
        state = PositionProvidingCodegenState(
            default_indent=module.default_indent, default_newline=module.default_newline, provider=sink
        )
        state.line = line
        state.indent_tokens = indent
        unit._codegen(state)
    return sink._computed
