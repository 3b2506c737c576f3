"""One walk per file over the `ast` tree that finds the evidence of every Python rule.

Only the statements whose lines hold a gate word (gate.py) are visited in
full; the others cost a line-range check, and assignments among them still bind
their names (a later line may read the variable). Compound statements are always
entered, so frames and scopes are right wherever evidence turns up; their
headers (tests, decorators, `with` items) are visited when their lines are hot.
Comments are read from the text of hot lines only (`comments`).

The visitor keeps a stack of context frames: a frame says in what state code
under a node runs (an `if` on a runtime condition makes its branches
`conditional`, `if False:` makes its body `dead`, a `try` around an import
that catches ImportError makes it optional, and a guard clause on the hardware,
`if device.type != "mps": return`, makes the rest of its block `conditional`). Evidence found under a frame takes
the strongest state on the stack. A call through a name imported under an `if` (`if is_apex_available(): from apex
import amp`, then `amp.initialize(...)` in a function) opens a frame of the import's test when no test guards the
call site itself (`_note_guard`). Frames are attached to child nodes by
identity before the walker reaches them, so one generic traversal serves all.

argparse options (and dataclass option fields) are reported where they are
defined, with `properties={"flag": ..., "default": ...}` so the inference can
apply the flags a launch script passes:
  - a switch on by default (`default=True`, `--no-bf16` style) is `enabled`;
  - a switch off by default (`action="store_true"`) is `mentioned`: it exists
    but holds only if a launch passes it;
  - a valued option (`--dtype`, `--backend`) is `enabled` with its default;
  - `help=` text and `choices=` entries are `mentioned`.
A use of an option (`bf16=args.bf16`) is `conditional` when its default is off.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from ...evidence import RawFinding, Span, State, Value
from ..buildflags import parse_arch_flags
from ..environment import is_hardware_variable
from . import tables as T
from .envwrites import EnvironmentWrites
from .hosts import windows_test
from .gate import Gate, gate_pattern, lines_naming, meaningful
from .lines import Lines, is_fstring
from .meanings import dtype_meaning, module_meanings, switch_truth, value_meanings, value_properties
from .mentions import find_mentions, span_in_token
from .names import Aliases, dotted, lookup, matches
from .options import ArgparseOptions
from ...vocab.packages import KERNEL_PACKAGES, VENDOR_PACKAGES, canonical
from ...vocab.truth import truth
from .syntax import (
    branch_truth,
    constant_truth,
    dict_entry,
    dict_get,
    exits,
    guard_leaves,
    handler_names,
    has_import,
    is_neutral_test,
    is_type_checking,
    names_device,
    platform_test,
    starts_with_exit,
    tests_hardware,
    subscript_key,
    unwrap_field,
    version_test,
)
from .values import Binding, Flag, Resolver, ValueCandidate, call_values, combine, literal_string, with_flag
from .walk import AstWalker, child_fields, field_children
from ...rules.codes import Code

_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}
_BROAD_ERRORS = {"Exception", "BaseException"}
# The last parts of the TPU APIs' names (T.TPU_CALLS): a name imported as one of them calls a TPU API.
_TPU_CALL_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in T.TPU_CALLS)
_MAX_CONDITION = 80

# Statements holding other statements: the fields that hold their blocks (always walked).
_BLOCKS: dict[type, tuple[str, ...]] = {
    ast.FunctionDef: ("body",),
    ast.AsyncFunctionDef: ("body",),
    ast.ClassDef: ("body",),
    ast.If: ("body", "orelse"),
    ast.For: ("body", "orelse"),
    ast.AsyncFor: ("body", "orelse"),
    ast.While: ("body", "orelse"),
    ast.With: ("body",),
    ast.AsyncWith: ("body",),
    ast.Try: ("body", "handlers", "orelse", "finalbody"),
    ast.Match: ("cases",),
    ast.ExceptHandler: ("body",),
    ast.match_case: ("body",),
}
if hasattr(ast, "TryStar"):
    _BLOCKS[ast.TryStar] = _BLOCKS[ast.Try]
# The blocks whose statements `_run_block` walks: the module's too (not entered through `_statement`).
_WALKED_BLOCKS: dict[type, tuple[str, ...]] = {**_BLOCKS, ast.Module: ("body",)}
# Simple statements always visited: imports feed the alias table for every later line.
_ALWAYS = (ast.Import, ast.ImportFrom)
# Functions without a hot line and without an import are skipped whole (their names are their own).
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# A line starting an import statement (or holding one in a string: harmless). The file's first line is matched
# alone, every other from the line break before it: `re` then looks for the break, a literal, at memory speed
# (a `^` under re.M is tried at every position).
_FIRST_IMPORT_LINE = re.compile(r"[ \t]*(?:import|from)[ \t\\(]")
_NEXT_IMPORT_LINE = re.compile(r"\n[ \t]*(?:import|from)[ \t\\(]")
# Node type -> "simple" (statement), "block" (holds statements) or "" (anything else), learned as met.
_ROLES: dict[type, str] = {}


def import_lines(text: str) -> list[int]:
    """Sorted numbers of the lines that start with `import` or `from` (lines as CPython counts them: a lone CR
    ends a line too; a line starts only after a LF, as `^` under re.M)."""
    found = [1] if _FIRST_IMPORT_LINE.match(text) else []
    line, counted, carriage_returns = 1, 0, "\r" in text
    for match in _NEXT_IMPORT_LINE.finditer(text):
        start = match.start() + 1
        line += text.count("\n", counted, start)
        if carriage_returns:
            line += text.count("\r", counted, start) - text.count("\r\n", counted, start)
        counted = start
        found.append(line)
    return found


def _role_of(kind: type) -> str:
    if kind in _BLOCKS:
        return "block"
    return "simple" if issubclass(kind, ast.stmt) else ""


# How a message says the condition a branch runs under; an `else` branch runs when its test does not hold.
WHEN = "only when {}"
WHEN_FALSE = "only when {} is false"
IN_CASE = "only in case {}"
# Comparisons whose negation is exact for any operands (not `<`: `not a < b` is not `a >= b` for sets or NaN).
_OPPOSITE = {ast.Is: "is not", ast.IsNot: "is", ast.Eq: "!=", ast.NotEq: "==", ast.In: "not in", ast.NotIn: "in"}


@dataclass
class Frame:
    node_id: int
    state: State  # effective state under this frame (already combined with outer frames)
    check: bool  # inside an expression that tests something (if test, comparison)
    condition: ast.AST | str | None  # the test that made the frame conditional, for the message
    phrase: str = WHEN  # how the message says it ({} is the condition's code)


def _accelerator_library(module: str) -> bool:
    """Whether a module (or a name imported from it) belongs to an accelerator library: a kernel or vendor package
    (vocab/packages.py), or a module whose import is itself evidence (`torch_npu`, `transformer_engine`)."""
    package = canonical(module.split(".", 1)[0])
    return package in KERNEL_PACKAGES or package in VENDOR_PACKAGES or bool(module_meanings(module))


class Arg:
    """A call argument as the handlers see it: its value, keyword (None if positional) and where it stands."""

    __slots__ = ("keyword", "node", "value")

    def __init__(self, value: ast.expr, keyword: str | None, node: ast.AST) -> None:
        self.value, self.keyword, self.node = value, keyword, node


# Where a finding points: a node, an argument, a (first, last) pair of nodes (a dict entry),
# or a stretch of a token: (line, column, token text, begin, end).
Where = ast.AST | Arg | tuple


def _first_line(statement: ast.stmt) -> int:
    """A statement's first line, its decorators' included."""
    decorators = getattr(statement, "decorator_list", None)
    return decorators[0].lineno if decorators else statement.lineno


class PythonEvidenceVisitor(ArgparseOptions, EnvironmentWrites, AstWalker):
    """Walk a module once (`walk(module)`), then `comments()`, then `findings()` gives the raw findings."""

    def __init__(self, module: ast.Module, lines: Lines, hot: list[int]):
        super().__init__()
        self.module = module
        self.lines = lines
        self.gate = Gate(hot)
        self.imports = Gate(import_lines(lines.text))
        self.comment_lines = list(hot)  # comments are read on these lines only (aliases add none)
        self.multiline: list[tuple[int, int, int]] = []  # (first line, last line, column) of multi-line statements
        self.found: list[tuple[str, Value, State, Where, str, dict]] = []
        self.aliases = Aliases()
        self.scopes: list[dict[str, list[Binding]]] = [{}]
        self.flags: dict[str, Flag] = {}
        self.resolver = Resolver(self.aliases, self.scopes, self.flags)
        self.frames: list[Frame] = [Frame(0, State.ENABLED, False, None)]
        self.pending: dict[int, tuple] = {}
        self.arg_nodes: dict[int, tuple[str | None, str | None]] = {}
        self.open_args: list[int] = []
        self.quiet_headers: set[int] = set()
        self.skipped: set[int] = set()  # blocks not entered (their leave hooks do not run)
        self.handled: set[int] = set()  # nodes another handler already reported
        self.blocks: list[str] = ["module"]  # module / class / function
        self.functions: list[str] = []  # names of the functions being walked, innermost last
        self.calls: list[str | None] = []
        self.cpu_stack: list[bool] = []
        self.cpu_depth = 0  # how many CPU autocast calls enclose the node being walked
        self.args: list[tuple[str | None, str | None]] = []  # (keyword, callee) of the argument being visited
        self.deferred: list[Callable[[], None]] = []
        self.tpu_aliases = Gate([])  # lines naming a name imported as a TPU API (`_probes_tpu`)
        # Names imported under an `if` (`if is_apex_available(): from apex import amp`) -> the frame of that import;
        # names imported under several tests (`if A: from x import T` / `elif B: from y import T`): alternatives.
        self.guarded_imports: dict[str, Frame] = {}
        self.alternative_imports: set[str] = set()
        self.finished = False
        self._opened = False  # the node being visited opened a frame or an argument (its leave step undoes it)

    # -- frames -----------------------------------------------------------------------------

    def attach(
        self,
        node: ast.AST | list | None,
        state: State | None = None,
        check: bool = False,
        condition: ast.AST | str | None = None,
        phrase: str = WHEN,
    ) -> None:
        """Make `node` (or each node of a block) open a frame in `state` and/or as a check when visited."""
        if node is None:
            return
        for item in node if type(node) is list else (node,):
            self.pending[id(item)] = (state, check, condition, phrase)

    def on_visit(self, node: ast.AST) -> bool:
        key = id(node)
        self._opened = False
        entry = self.pending.pop(key, None)
        kind = type(node)
        if entry is None and kind is ast.Compare:
            entry = (None, True, None, "")  # `x.dtype == torch.bfloat16` tests a dtype, it does not use one
        if entry is not None:
            state, check, condition, phrase = entry
            outer = self.frames[-1]
            effective = outer.state if state is None else combine(outer.state, state)
            if condition is None or state is not State.CONDITIONAL:
                condition, phrase = outer.condition, outer.phrase
            self.frames.append(Frame(key, effective, outer.check or check, condition, phrase))
            self._opened = True
        if self.arg_nodes:
            arg = self.arg_nodes.pop(key, None)
            if arg is not None:
                self.args.append(arg)
                self.open_args.append(key)
                self._opened = True
        role = _ROLES.get(kind)
        if role is None:
            role = _ROLES[kind] = _role_of(kind)
        if role and not self._statement(node, role):
            return False
        hooks = self._hooks_for(kind)
        return hooks[0] is None or hooks[0](node) is not False

    def needs_leave(self, node: ast.AST) -> bool:
        return self._opened or self._hooks_for(type(node))[1] is not None

    def on_leave(self, node: ast.AST) -> None:
        key = id(node)
        leave = self._hooks_for(type(node))[1]
        if leave is not None and key not in self.skipped:
            leave(node)
        while len(self.frames) > 1 and self.frames[-1].node_id == key:
            self.frames.pop()  # (a call through a guarded import opens a second frame of its own)
        if self.open_args and self.open_args[-1] == key:
            self.open_args.pop()
            self.args.pop()

    @property
    def state(self) -> State:
        return self.frames[-1].state

    @property
    def in_check(self) -> bool:
        return self.frames[-1].check

    # -- the gate: which statements are visited in full ----------------------------------------------

    def _statement(self, node: ast.AST, role: str) -> bool:
        """Decide how much of a statement to visit; False: nothing more (its bindings are recorded)."""
        blocks = _BLOCKS.get(type(node))
        if role == "simple":
            first, last = node.lineno, node.end_lineno
            if last > first:
                self.multiline.append((first, last, node.col_offset))
            if type(node) in _ALWAYS or self.gate.holds(first, last):
                return True
            self._bind_only(node, self.state)
            return False
        body = getattr(node, blocks[0])
        head = node.pattern if type(node) is ast.match_case else node
        first = head.lineno
        decorators = getattr(node, "decorator_list", None)
        if decorators:
            first = decorators[0].lineno
        if type(node) in _FUNCTIONS and not self.gate.holds(first, node.end_lineno) and not self.imports.holds(
            first, node.end_lineno
        ):
            # Nothing in it can be evidence, and what it binds is local to it: not even entered.
            self.skipped.add(id(node))
            return False
        if body:
            inner = body[0].pattern if type(body[0]) is ast.match_case else body[0]
            last = max(head.lineno, inner.lineno - 1)
        else:
            last = head.end_lineno
        if last > first:
            self.multiline.append((first, last, 0))
        if not self.gate.holds(first, last):
            self.quiet_headers.add(id(node))
        return True

    def children(self, node: ast.AST) -> list:
        kind = type(node)
        blocks = _WALKED_BLOCKS.get(kind)  # one look-up: every node of the walk passes here
        if blocks is None:
            return super().children(node)
        quiet = id(node) in self.quiet_headers
        found: list = []
        for name in child_fields(kind):
            if name in blocks:
                statements = getattr(node, name)
                if statements:
                    found.append(partial(self._run_block, statements, 0))
            elif not quiet:
                found.extend(field_children(node, name))
        return found

    def _run_block(self, statements: list, start: int) -> None:
        """Walk a block's statements in order: those that cannot hold evidence are settled here (a cold simple
        statement binds its names, in the state its frame would give it; a cold function is passed over), each
        other one is handed to the walk, with the rest of the block scheduled after it. Exactly what visiting
        each in turn decides (`on_visit`, `_statement`), without the walk's per-node steps: most statements of
        a file are cold."""
        pending, gate = self.pending, self.gate
        for index in range(start, len(statements)):
            node = statements[index]
            kind = type(node)
            role = _ROLES.get(kind)
            if role is None:
                role = _ROLES[kind] = _role_of(kind)
            if role == "simple" and kind not in _ALWAYS:
                first, last = node.lineno, node.end_lineno
                if not gate.holds(first, last):
                    if last > first:
                        self.multiline.append((first, last, node.col_offset))
                    state = self.state
                    entry = pending.pop(id(node), None)
                    if entry is not None and entry[0] is not None:
                        state = combine(state, entry[0])
                    self._bind_only(node, state)
                    continue
            elif kind in _FUNCTIONS:
                first, last = node.lineno, node.end_lineno
                if node.decorator_list:
                    first = node.decorator_list[0].lineno
                if not gate.holds(first, last) and not self.imports.holds(first, last):
                    pending.pop(id(node), None)
                    continue  # nothing in it can be evidence, and what it binds is local to it
            if kind is ast.If and index + 1 < len(statements):
                self._guard(node, statements[index + 1:])
            if index + 1 < len(statements):
                self._stack.append(partial(self._run_block, statements, index + 1))
            self._stack.append((node, False))
            return

    def _guard(self, node: ast.If, rest: list) -> None:
        """`if device.type != "mps": return False`: the rest of the block runs only when the test is false, as
        an `else` would. Only a test about the hardware makes it so: an early return on anything else
        (`if x is None: return`) leaves the code after it in force. A statement an earlier guard of the block
        already made conditional keeps that guard's condition."""
        if not guard_leaves(node) or not tests_hardware(node.test, self.aliases):
            return
        pending = self.pending
        fresh = [statement for statement in rest if id(statement) not in pending]
        if isinstance(node.test, ast.UnaryOp) and isinstance(node.test.op, ast.Not):
            self.attach(fresh, State.CONDITIONAL, condition=node.test.operand)
        else:
            self.attach(fresh, State.CONDITIONAL, condition=node.test, phrase=WHEN_FALSE)

    def _bind_only(self, node: ast.AST, state: State) -> None:
        """What a statement without gate words still contributes: the names it binds."""
        kind = type(node)
        targets = node.targets if kind is ast.Assign else [node.target] if kind is ast.AnnAssign and node.value else []
        for target in targets:
            name = target.id if type(target) is ast.Name else dotted(target) if type(target) is ast.Attribute else None
            if name is not None:
                self.resolver.bind(name, node.value, state)

    # -- emitting -----------------------------------------------------------------------------

    @property
    def has_findings(self) -> bool:
        return bool(self.found)

    def findings(self) -> list[RawFinding]:
        return [RawFinding(rule, value, state, self._span(where), detail, props)
                for rule, value, state, where, detail, props in self.found]

    def _span(self, where: Where) -> Span:
        if type(where) is Arg:
            where = where.node
        if type(where) is tuple:
            if len(where) == 2:
                return self.lines.span(where[0], where[1])
            line, column, text, begin, end = where
            return span_in_token(text, line, column, begin, end)
        return self.lines.span(where)

    def emit(
        self,
        rule: str,
        value: Value,
        where: Where,
        own: State = State.ENABLED,
        detail: str = "",
        properties: Mapping[str, Value] | None = None,
        context: Frame | None = None,
    ) -> None:
        frame = context or self.frames[-1]
        state = combine(frame.state, own)
        props = dict(properties or {})
        if self.cpu_depth and rule in T.AUTOCAST_PRECISION_RULES:
            props["device"] = "cpu"
            detail = f"{detail} (autocast on the CPU, not an accelerator)"
        if state is State.CONDITIONAL and own is not State.CONDITIONAL and frame.condition is not None:
            condition = self.code(frame.condition)
            # The property says when the finding holds: an `else` branch's is the test negated, so a recipe that
            # passes `--fp16` settles `if args.fp16:` and never the `else` (infer/recipes.py reads it).
            props.setdefault("condition", f"not ({condition})" if frame.phrase == WHEN_FALSE else condition)
            when = self._negated(frame.condition) if frame.phrase == WHEN_FALSE else None
            when = when or frame.phrase.format(condition)
            detail = f"{detail} ({when})" if detail else when
        self.found.append((rule, value, state, where, detail, props))

    def _negated(self, test: ast.AST | str) -> str | None:
        """`only when x is None` for the `else` of `if x is not None:`, instead of "only when x is not None is
        false"; None when the test is not one comparison whose opposite is exact."""
        if type(test) is not ast.Compare or len(test.ops) != 1:
            return None
        opposite = _OPPOSITE.get(type(test.ops[0]))
        if opposite is None:
            return None
        return WHEN.format(f"{self.code(test.left)} {opposite} {self.code(test.comparators[0])}")

    def code(self, node: ast.AST | str) -> str:
        if isinstance(node, str):
            return node
        node = node.node if type(node) is Arg else node
        text = " ".join(self.lines.segment(node).split())
        return text if len(text) <= _MAX_CONDITION else text[: _MAX_CONDITION - 1] + "\u2026"

    def later(self, node: ast.expr, action: Callable[[list[ValueCandidate] | None, Frame], None]) -> None:
        """Resolve `node` and run `action`; names not yet known are retried when the module is done
        (argparse definitions and module constants often come after the code that uses them)."""
        frame = self.frames[-1]
        found = self.resolver.resolve(node)
        if found is None and not self.finished and type(node) in (ast.Name, ast.Attribute):
            cpu_depth = self.cpu_depth
            self.deferred.append(lambda: self._retry(node, action, frame, cpu_depth))
            return
        action(found, frame)

    def _retry(self, node, action, frame, cpu_depth: int) -> None:
        """A deferred `later`, run in the context (frame, enclosing CPU autocast) it was asked in."""
        outer, self.cpu_depth = self.cpu_depth, cpu_depth
        try:
            action(self.resolver.resolve(node), frame)
        finally:
            self.cpu_depth = outer

    def visit_Module(self, node: ast.Module) -> None:
        end = next((s for s in node.body if exits(s)), None)
        if end is not None:  # after a module-level `sys.exit()` / `raise` (on a line of its own): never runs
            self.attach([s for s in node.body if s.lineno > end.end_lineno], State.DEAD)

    def leave_Module(self, original_node: ast.Module) -> None:
        self.finished = True
        del self.scopes[1:]
        for action in self.deferred:
            action()

    # -- scopes ------------------------------------------------------------------------------

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.blocks.append("function")
        self.functions.append(node.name)
        self.scopes.append({})

    def leave_FunctionDef(self, original_node: ast.FunctionDef) -> None:
        self.blocks.pop()
        self.functions.pop()
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef
    leave_AsyncFunctionDef = leave_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.blocks.append("class")

    def leave_ClassDef(self, original_node: ast.ClassDef) -> None:
        self.blocks.pop()

    # -- control flow: frames for branches -------------------------------------------------------

    def visit_If(self, node: ast.If) -> None:
        self.attach(node.test, check=True)
        truth = branch_truth(node.test)
        if is_type_checking(node.test):
            truth = False  # only a type checker reads it
        windows = windows_test(node.test, self.aliases) if truth is None else None
        if truth is None and is_neutral_test(node.test):
            # The script's own entry point runs whenever the script runs; its `else` runs when it is imported.
            self.attach(node.orelse, State.CONDITIONAL, condition=node.test, phrase=WHEN_FALSE)
        elif windows is not None:
            self._host_branches(node.test, windows, node.body, node.orelse)
        else:
            self._branches(node.test, truth, node.body, node.orelse)
        self._platform_refusal(node.test, node.body, node)
        self._xla_platform_refusal(node.test, node.body)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self.attach(node.test, check=True)
        truth = branch_truth(node.test)
        windows = windows_test(node.test, self.aliases) if truth is None else None
        if windows is not None:
            self._host_branches(node.test, windows, node.body, node.orelse)
        else:
            self._branches(node.test, truth, node.body, node.orelse)

    def _host_branches(self, test: ast.expr, windows: bool, body, orelse) -> None:
        """`if os.name == "nt": ... else: ...`: only the Windows side is conditional; the other side is what a
        training machine (Linux) runs, in the state around it (hosts.py)."""
        negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
        condition = test.operand if negated else test
        if windows:
            self.attach(body, State.CONDITIONAL, condition=condition, phrase=WHEN_FALSE if negated else WHEN)
        else:
            self.attach(orelse, State.CONDITIONAL, condition=condition, phrase=WHEN if negated else WHEN_FALSE)

    def visit_While(self, node: ast.While) -> None:
        if branch_truth(node.test) is False:
            self.attach(node.body, State.DEAD)  # `while False:` never enters; its `else` runs

    def _branches(self, test: ast.expr, truth: bool | None, body, orelse) -> None:
        """A branch the test rules out is dead; with an undecided test both are conditional."""
        if truth is True:
            self.attach(orelse, State.DEAD)
        elif truth is False:
            self.attach(body, State.DEAD)
        else:
            self.attach(body, State.CONDITIONAL, condition=test)
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                self.attach(orelse, State.CONDITIONAL, condition=test.operand)  # not "only when not x is false"
            else:
                self.attach(orelse, State.CONDITIONAL, condition=test, phrase=WHEN_FALSE)

    def visit_Match(self, node: ast.Match) -> None:
        for case in node.cases:
            self.attach(case.body, State.CONDITIONAL, condition=case.pattern, phrase=IN_CASE)

    def visit_Assert(self, node: ast.Assert) -> None:
        self.attach(node.test, check=True)
        self._platform_refusal(node.test, None, node)
        self._xla_platform_refusal(node.test, None)

    def visit_Try(self, node: ast.Try) -> None:
        caught = [handler_names(h) for h in node.handlers]
        optional = any(names & _IMPORT_ERRORS for names in caught) or (
            any(not names or names & _BROAD_ERRORS for names in caught) and has_import(node.body)
        ) or (bool(node.handlers) and self._probes_tpu(node.body)) or self._probes_device(node, caught)
        if not optional:
            return
        caught = node.handlers[0].type or "BaseException"
        self.attach(node.body, State.CONDITIONAL, condition=caught, phrase="optional: {} is caught")
        for handler in node.handlers:
            self.attach(
                handler, State.CONDITIONAL, condition=handler.type or caught, phrase="a fallback when {} is raised"
            )
        self.attach(node.orelse, State.CONDITIONAL)

    visit_TryStar = visit_Try

    def _probes_tpu(self, body: list[ast.stmt]) -> bool:
        """A TPU API called in a `try` with a handler: "use the TPU if there is one, else the fallback" (the TPU
        resolver raises without a TPU), a condition, not a fact."""
        return self._names_device_in(body, ast.Call)

    def _probes_device(self, node: ast.Try, caught: list[set[str]]) -> bool:
        """`try: torch.ones(2, device="mps") ... except Exception: return False`: a capability probe. The body tries
        a device (a device string) and every handler, catching anything, only falls back (`pass`, `return` of a
        constant or name, a constant assigned): what the body does holds only where the device works, a
        condition, not a fact about the hardware the code needs."""
        if not node.handlers or not all(not names or names & _BROAD_ERRORS for names in caught):
            return False
        return all(_falls_back(handler.body) for handler in node.handlers) \
            and self._names_device_in(node.body, ast.Constant)

    def _names_device_in(self, body: list[ast.stmt], form: type) -> bool:
        """Whether a node of type `form` in `body` names a device (syntax.names_device).

        Only the statements whose lines can hold one are walked: most `try` bodies have none, and nested ones were
        walked again at every level. A TPU call ends in a gate word (T.TPU_CALLS is a gate table) and a device
        string is one (the device types, their aliases and the plugins' device types are gate words, and the gate
        reads lower-cased text, as `device_type` does), so their lines are hot, unless a call is of a name imported
        as a TPU API (`tpu_aliases`). The device probe walked whole bodies before, with the same findings: only a
        device string spelled with escapes (`"\\x6dps"`) on a line without a gate word would be missed. CPython
        reads identifiers NFKC-normalised (`ＴPUStrategy` is `TPUStrategy`), the gate reads the text as written: a
        file that is not ASCII has every statement walked."""
        ascii_only = self.lines.text.isascii()
        gate, aliases = self.gate, self.tpu_aliases
        return any((not ascii_only or gate.holds(_first_line(statement), statement.end_lineno)
                    or aliases.holds(_first_line(statement), statement.end_lineno))
                   and any(type(n) is form and names_device(n, self.aliases) for n in ast.walk(statement))
                   for statement in body)

    def visit_With(self, node: ast.With) -> None:
        for item in node.items:
            call = item.context_expr
            if type(call) is ast.Call and self.aliases.resolve(call.func) in {"contextlib.suppress", "suppress"}:
                names = {dotted(value) for value in call_values(call)}
                if names & (_IMPORT_ERRORS | _BROAD_ERRORS):
                    self.attach(node.body, State.CONDITIONAL, condition=call, phrase="optional: inside {}")

    visit_AsyncWith = visit_With

    def _platform_refusal(self, test: ast.expr, body, node: ast.AST) -> None:
        """`if torch.version.hip is None: raise ...` / `assert torch.version.hip`: a hard platform fact."""
        target, absent = version_test(test, self.aliases)
        if target is None:
            return
        refuses = body is None or starts_with_exit(body)
        if not refuses:
            return
        value = T.VERSION_ATTRIBUTES[self.aliases.resolve(target)]
        # `if hip is None: raise` / `assert hip`: requires it; `if hip: raise` / `assert hip is None`: refuses it.
        requires = absent if body is not None else not absent
        self.handled.add(id(target))
        how = "refuses to run" + (f" without torch.version.{value}" if requires else f" on torch.version.{value}")
        self.emit(Code.RUNTIME_VERSION_CHECK, value, node if body is None else test, State.ENABLED if requires else State.DISABLED, how)

    def _xla_platform_refusal(self, test: ast.expr, body) -> None:
        """`assert jax.default_backend() == "tpu"` / `if ... != "tpu": raise`: the program runs on that platform only."""
        found = platform_test(test, self.aliases)
        if found is None or (body is not None and not starts_with_exit(body)):
            return
        platform, equal = found
        requires = equal if body is None else not equal
        self.handled.add(id(test))
        how = "refuses to run" + (" on any platform but " if requires else " on ") + platform
        self.emit(Code.XLA_PLATFORM, platform, test, State.ENABLED if requires else State.DISABLED, how)

    def visit_Compare(self, node: ast.Compare) -> None:
        if id(node) in self.handled:
            return
        found = platform_test(node, self.aliases)
        if found is not None:
            platform, equal = found
            self.emit(Code.XLA_PLATFORM, platform, node, State.CONDITIONAL,
                      f"the platform is compared with {platform!r} ({'==' if equal else '!='})")

    # -- imports ----------------------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> bool:
        bound = self.aliases.add_import(node)
        for _, module in bound:
            self._module_evidence(module, node, f"import {module}")
        self._watch(bound)
        self._note_guard(bound)
        return False

    def visit_ImportFrom(self, node: ast.ImportFrom) -> bool:
        base, names, bound = self.aliases.add_import_from(node)
        seen: set[tuple[str, str]] = set()
        for full in names:
            for rule, value in module_meanings(full):
                if (rule, value) not in seen:
                    seen.add((rule, value))
                    self._import_finding(rule, value, node, f"from {base} import {full[len(base) + 1 :] or '*'}")
        self._watch(bound)
        self._note_guard(bound)
        return False

    def _note_guard(self, bound: list[tuple[str, str]]) -> None:
        """Remember the names an import of an accelerator library under an `if` (or `match`) binds: a call through
        one is made only when the import's test held. Only accelerator libraries (apex, DeepSpeed, torch_npu: a
        kernel or vendor package, or a module whose import is evidence): `if is_torch_available(): import torch`
        guards the framework a file is written against, whose calls run whenever the file does anything at all.
        A name imported under several tests (each branch of an `if`/`elif`/`else` importing
        `Trainer` from `lightning` or `pytorch_lightning`) is the idiom of alternatives, there whichever branch
        ran, as is one imported again where the import always runs. An import made optional by a `try` (or
        `suppress`) of ImportError is not counted: that idiom guards the project's own framework as often as an
        optional one, and its import finding already says optional."""
        frame = self.frames[-1]
        guarded = (frame.state is State.CONDITIONAL and frame.condition is not None
                   and frame.phrase in (WHEN, WHEN_FALSE, IN_CASE))
        for local, target in bound:
            earlier = self.guarded_imports.pop(local, None)
            if not guarded or local in self.alternative_imports or not _accelerator_library(target):
                continue
            if earlier is not None and (earlier.condition is not frame.condition or earlier.phrase != frame.phrase):
                self.alternative_imports.add(local)
                continue
            self.guarded_imports[local] = frame

    def _through_guarded_import(self, node: ast.Call) -> None:
        """A call through a name imported under an `if`, at a call site no test guards, holds under the import's
        test (`amp.initialize(...)` after `if is_apex_available(): from apex import amp`)."""
        head = node.func
        while type(head) is ast.Attribute:
            head = head.value
        frame = self.guarded_imports.get(head.id) if type(head) is ast.Name else None
        if frame is not None and self.state is State.ENABLED:
            self.frames.append(Frame(id(node), State.CONDITIONAL, self.in_check, frame.condition, frame.phrase))
            self._opened = True

    def _watch(self, bound: list[tuple[str, str]]) -> None:
        """A name bound to something the tables name, spelled without a gate word (`bf` for torch.bfloat16,
        `acc` for torch.npu), makes the lines naming it hot too."""
        pattern = gate_pattern()
        for local, target in bound:
            if meaningful(target) and not pattern.search(local.lower().encode("utf-8")):
                self.gate.add(lines_naming(self.lines.text, local))
            if target.rsplit(".", 1)[-1] in _TPU_CALL_NAMES:
                self.tpu_aliases.add(lines_naming(self.lines.text, local))

    def _module_evidence(self, module: str, node: ast.AST, detail: str) -> None:
        for rule, value in module_meanings(module):
            self._import_finding(rule, value, node, detail)

    def _import_finding(self, rule: str, value: Value, node: ast.AST, detail: str) -> None:
        """A module-level import runs with the file; one inside a function is lazy, the optional-dependency
        idiom: it runs only if that function is called."""
        if self.functions:
            self.emit(rule, value, node, State.CONDITIONAL, f"{detail} (a lazy import inside {self.functions[-1]}())")
        else:
            self.emit(rule, value, node, detail=detail)

    # -- names: dtypes and platform attributes ----------------------------------------------------

    def visit_Attribute(self, node: ast.Attribute) -> bool:
        name = dotted(node)
        if name is None:
            self.visit(node.value)
            return False
        self._reference(node, self.aliases.resolve_text(name))
        return False

    def visit_Name(self, node: ast.Name) -> None:
        if id(node) in self.handled:
            return
        target = self.aliases.table.get(node.id)
        if target is not None and target != node.id:
            self._reference(node, target)

    def _reference(self, node: ast.AST, name: str) -> None:
        if id(node) in self.handled:
            return
        meaning = dtype_meaning(name)
        if meaning is not None:
            rule, value = meaning
            if self.in_check:
                self.emit(rule, value, node, State.MENTIONED, f"{name} compared or tested, not used")
            else:
                self.emit(rule, value, node, detail=self._role(name))
            return
        version = T.VERSION_ATTRIBUTES.get(name)
        if version is not None:
            own = State.CONDITIONAL if self.in_check else State.MENTIONED
            self.emit(Code.RUNTIME_VERSION_CHECK, version, node, own, f"{name} checked" if self.in_check else f"{name} read")
            return
        device = T.DEVICE_MODULES.get(name.split(".", 2)[1] if name.startswith("torch.") and "." in name[6:] else "")
        if device is not None:
            # `torch.npu.set_device(...)` uses the vendor's device module; `torch.npu.is_available()` only asks.
            asks = self.in_check or T.AVAILABILITY_QUERY.search(name.rsplit(".", 1)[-1]) is not None
            self.emit(Code.DEVICE_TYPE, device, node, State.CONDITIONAL if asks else State.ENABLED, f"{name} used")

    def _role(self, name: str) -> str:
        if self.args:
            keyword, callee = self.args[-1]
            short = (callee or "a call").rsplit(".", 1)[-1]
            if keyword:
                return f"{name} passed as {keyword}= to {short}()"
            return f"{name} passed to {short}()"
        return f"{name} named as a dtype"

    # -- calls ------------------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> bool:
        if self.guarded_imports:
            self._through_guarded_import(node)
        name = self.aliases.resolve(node.func)
        method = node.func.attr if type(node.func) is ast.Attribute else None
        callee = name or method
        self.calls.append(callee)
        keywords = {k.arg: Arg(k.value, k.arg, k) for k in node.keywords if k.arg is not None}
        positional = [Arg(a, None, a) for a in node.args if type(a) is not ast.Starred]
        on_cpu = self._is_cpu_autocast(name, keywords, positional)
        self.cpu_stack.append(on_cpu)
        self.cpu_depth += on_cpu
        if method == "add_argument" or name in {"add_argument", "click.option"}:
            self._add_argument(node, keywords, positional)
            return False
        for arg in node.args:
            self.arg_nodes[id(arg)] = (None, callee)
        for keyword in node.keywords:
            self.arg_nodes[id(keyword)] = (keyword.arg, callee)
        self._enabled_switch(node, keywords)
        if name == "dict":
            # dict(float16=torch.float16, bfloat16=torch.bfloat16): a lookup table, as its {...} spelling.
            for value in self._in_table([arg.value for arg in keywords.values()]):
                self.attach(value, State.CONDITIONAL, condition=node, phrase="entry {} of a lookup table")
        for handler in _CALL_HANDLERS:
            handler(self, node, name, method, keywords, positional)
        for keyword, arg in keywords.items():
            if keyword in T.KEYWORDS:
                self.setting(
                    keyword, arg.value, arg, f"{keyword}= passed to {(name or method or 'a call').rsplit('.', 1)[-1]}()"
                )
        return True

    def leave_Call(self, original_node: ast.Call) -> None:
        self.calls.pop()
        self.cpu_depth -= self.cpu_stack.pop()

    @staticmethod
    def _is_cpu_autocast(name, keywords, positional) -> bool:
        """`torch.cpu.amp.autocast(...)`, or an autocast whose device type is literally "cpu"."""
        if matches(name, T.CPU_AUTOCAST):
            return True
        if not matches(name, T.AUTOCAST):
            return False
        device_arg = keywords.get("device_type") or (positional[0] if positional else None)
        return device_arg is not None and literal_string(device_arg.value) in T.CPU_DEVICE_TYPES

    def _enabled_switch(self, node: ast.Call, keywords: dict[str, Arg]) -> None:
        """`enabled=False` turns off whatever the call sets up (autocast, fp8_autocast...)."""
        arg = keywords.get("enabled")
        if arg is None:
            return
        truth = constant_truth(arg.value)
        if truth is False:
            state = State.DISABLED
        elif truth is True:
            return
        else:
            state = State.CONDITIONAL
        for other in [*node.args, *node.keywords]:
            self.attach(other, state, condition=arg.node)

    def _call_distributed(self, node, name, method, keywords, positional) -> None:
        if matches(name, T.INIT_PROCESS_GROUP):
            arg = keywords.get("backend") or (positional[0] if positional else None)
            api = "init_process_group"
        elif matches(name, T.DEEPSPEED_INIT):
            arg = keywords.get("dist_backend") or (positional[0] if positional else None)
            api = "deepspeed.init_distributed"
        elif matches(name, T.JAX_DISTRIBUTED_INIT):
            # A multi-host JAX run: XLA chooses the collectives (ICI and DCN on TPUs, NCCL on GPUs), so no vendor.
            self.emit(Code.COLLECTIVE_BACKEND, "jax", node, detail="jax.distributed.initialize() sets up a multi-host run")
            return
        else:
            return
        if arg is None:
            self.emit(
                Code.COLLECTIVE_BACKEND,
                "auto",
                node,
                State.CONDITIONAL,
                f"{api}() without a backend: the runtime picks it for the device",
            )
            return
        if arg.keyword is not None:  # reported by the generic keyword pass
            return
        self.setting("backend", arg.value, arg, f"backend passed to {api}()")

    def _call_precision(self, node, name, method, keywords, positional) -> None:
        if method in T.CAST_METHODS and not node.args and not node.keywords and not (name or "").startswith("torch."):
            rule, value = T.CAST_METHODS[method]
            self.emit(rule, value, node, detail=f".{method}() casts a model or tensor")
        elif matches(name, T.BF16_SUPPORT_CHECKS):
            self.emit(Code.BF16_PRECISION, None, node, State.MENTIONED, f"bf16 support checked with {name}()")
        elif matches(name, T.MATMUL_PRECISION) and positional:
            self.later(positional[0].value, lambda found, frame: self._matmul_precision(found, positional[0], frame))
        elif matches(name, T.AUTOCAST):
            self._autocast(node, name, keywords, positional)
        elif matches(name, T.FP8_AUTOCAST):
            # Transformer Engine's fp8_autocast defaults to enabled=False.
            self._enabled_call(node, name, keywords, Code.FP8_COMPUTE, "fp8_autocast", State.DISABLED)
        elif name == "transformer_engine.pytorch.autocast":
            self._enabled_call(node, name, keywords, Code.FP8_COMPUTE, "autocast", State.CONDITIONAL)
        elif matches(name, T.APEX_AMP_INIT):
            level = keywords.get("opt_level")
            if level is not None:
                self.later(level.value, lambda found, frame: self._apex_level(found, level, frame))
        elif matches(name, T.GRAD_SCALERS):
            self._enabled_call(node, name, keywords, Code.FP16_PRECISION, "GradScaler", State.ENABLED)
        elif matches(name, T.FP8_GEMMS):
            self.emit(Code.FP8_COMPUTE, name.rsplit(".", 1)[-1], node, detail=f"{name}() runs an FP8 matrix multiply")
        elif (name or method or "").rsplit(".", 1)[-1] in T.LOW_PRECISION_RECIPES:
            short = (name or method).rsplit(".", 1)[-1]
            rule, value = T.LOW_PRECISION_RECIPES[short]
            self.emit(rule, value, node, detail=f"{short}() builds a {value} recipe")

    def _apex_level(self, found, arg, frame) -> None:
        for candidate in found or []:
            level = str(candidate.value).upper()
            if level in {"O1", "O2", "O3"}:
                own = State.ENABLED
            elif level == "O0":
                own = State.DISABLED
            else:
                continue
            detail = f'apex.amp.initialize(opt_level="{level}")'
            self.emit(Code.FP16_PRECISION, level, arg, combine(candidate.state, own), detail, candidate.properties, frame)

    def _matmul_precision(self, found, arg, frame) -> None:
        for candidate in found or []:
            text = str(candidate.value).lower()
            if text in {"high", "medium"}:
                own = State.ENABLED
            elif text == "highest":
                own = State.DISABLED
            else:
                continue
            self.emit(
                Code.TF32_MATMUL,
                text,
                arg,
                combine(candidate.state, own),
                f'set_float32_matmul_precision("{text}")',
                candidate.properties,
                frame,
            )

    def _autocast(self, node, name, keywords, positional) -> None:
        device_arg = keywords.get("device_type") or (positional[0] if positional else None)
        if device_arg is not None and device_arg.keyword is None:
            self.setting("device", device_arg.value, device_arg, f"device type passed to {name}()")
        if "dtype" in keywords or (len(positional) > 1):
            return
        cuda = name == "torch.cuda.amp.autocast" or (
            device_arg is not None and (literal_string(device_arg.value) or "").startswith("cuda")
        )
        if cuda:
            detail = f"{name}() on cuda without dtype= autocasts to float16"
            self._enabled_call(node, name, keywords, Code.FP16_PRECISION, "float16", State.ENABLED, detail)

    def _enabled_call(self, node, name, keywords, rule, value, default: State, detail: str = "") -> None:
        """A call that switches something on unless `enabled=` says otherwise (`default` when it is absent)."""
        arg = keywords.get("enabled")
        if arg is None:
            self.emit(rule, value, node, default, detail or f"{name}() without enabled=")
            return
        detail = detail or f"{name}(enabled=...)"
        self.later(arg.value, lambda found, frame: self._switch(found, rule, value, node, detail, frame, arg.value))

    def _call_runtime(self, node, name, method, keywords, positional) -> None:
        if matches(name, T.DYNAMIC_IMPORTS) and positional:
            module = literal_string(positional[0].value)
            if module:
                self._module_evidence(module, node, f"{name}({module!r})")
        elif matches(name, T.DEVICE_CALLS) and positional:
            self.setting("device", positional[0].value, positional[0], f"{name}()")
        elif matches(name, T.XLA_DEVICE_CALLS):
            self.emit(Code.DEVICE_TYPE, "xla", node, detail=f"{name}()")
        elif lookup(name, T.TPU_CALLS) is not None:
            self._tpu_call(node, name, keywords, lookup(name, T.TPU_CALLS))
        elif matches(name, T.JOB_REQUIREMENTS):
            self._job_requirements(keywords, positional)
        elif matches(name, T.PLATFORM_CALLS):
            arg = keywords.get("backend") or (positional[0] if positional else None)
            platform = (literal_string(arg.value) or "").lower() if arg is not None else ""
            if platform in T.PLATFORM_NAMES:
                self.emit(Code.XLA_PLATFORM, platform, arg, detail=f"{name}({platform!r}) fails without a {platform} device")
        elif matches(name, T.PLATFORM_CONFIG_CALLS) and len(positional) >= 2:
            key = literal_string(positional[0].value)
            platforms = (literal_string(positional[1].value) or "").lower()
            if key in T.PLATFORM_CONFIG_KEYS and platforms.split(",")[0] in T.PLATFORM_NAMES:
                self.emit(Code.XLA_PLATFORM, platforms, positional[1], detail=f"{name}({key!r}, {platforms!r})")
        elif (
            method in T.DEVICE_METHODS
            and not node.args
            and not node.keywords
            and not (name or "").startswith("torch.")
        ):
            self.emit(Code.DEVICE_TYPE, T.DEVICE_METHODS[method], node, detail=f".{method}() moves a model or tensor")
        elif method == "to" and positional:
            value = positional[0].value
            kind = type(value)
            if (
                kind is ast.Constant
                and type(value.value) in (str, bytes)
                or kind in (ast.JoinedStr, ast.IfExp)
                or kind is ast.Name
                and value.id not in self.aliases.table
            ):
                self.setting("device", value, positional[0], ".to()")
        fsdp = lookup(name, T.FSDP_CALLS)
        if fsdp is not None:
            self.emit(Code.FSDP, fsdp, node, detail=f"{name}()")

    def _tpu_call(self, node, name, keywords, switch: str) -> None:
        """A TensorFlow TPU API (T.TPU_CALLS): on a TPU unless its `switch` keyword turns the TPU off."""
        detail = f"{name}() runs on a Cloud TPU"
        arg = keywords.get(switch) if switch else None
        if arg is None:
            self.emit(Code.XLA_PLATFORM, "tpu", node, detail=detail)
            return
        self.later(arg.value, lambda found, frame: self._switch(found, Code.XLA_PLATFORM, "tpu", node,
                                                                f"{name}({switch}=...)", frame, arg.value))

    def _job_requirements(self, keywords, positional) -> None:
        """XManager's `JobRequirements(tpu_v2=8)` or `JobRequirements({xm.ResourceType.A100: 8})`: the accelerator
        the scheduler places the job on (WAC703)."""
        requested = [(key, arg.node) for key, arg in keywords.items()]
        table = positional[0].value if positional else None
        if type(table) is ast.Dict:
            for key in table.keys:
                written = literal_string(key) if key is not None else None
                if written is None and type(key) is ast.Attribute:
                    written = key.attr  # xm.ResourceType.V100
                if written:
                    requested.append((written, key))
        for written, where in requested:
            vendor = T.JOB_ACCELERATORS.get(written.lower())
            if vendor is not None:
                self.emit(Code.CLOUD_ACCELERATOR_SELECTOR, written.lower(), where,
                          detail=f"JobRequirements: the job asks the scheduler for {written}",
                          properties={"label": "xmanager:JobRequirements", "vendor": vendor})

    def _call_model(self, node, name, method, keywords, positional) -> None:
        """The model a call loads by name, adapts with PEFT or freezes (WAC509, WAC510)."""
        # The method decides, whatever its receiver resolves to (`self.model_class.from_pretrained`); the receiver's
        # resolved name tells a tokenizer apart, aliases included (`from transformers import AutoTokenizer as T`).
        if method is not None and matches(f"*.{method}", T.MODEL_LOADERS) and positional:
            parts = (name or dotted(node.func) or "").split(".")
            receiver = parts[-2] if len(parts) > 1 else ""
            if not receiver.endswith(T.NOT_MODEL_RECEIVERS):
                self.setting("model_name_or_path", positional[0].value, positional[0],
                             f"loaded by {receiver}.{method}()")
        peft = lookup(name, T.PEFT_CALLS)
        if peft is not None:
            self.emit(Code.LOW_MEMORY_FINETUNE, peft, node, detail=f"{name}() sets up a frozen base ({peft})")
        elif method in T.CHECKPOINT_METHODS and not node.args:
            self.emit(Code.ACTIVATION_CHECKPOINTING, T.CHECKPOINT_METHODS[method], node,
                      detail=f"{self.code(node.func)}() recomputes activations")
        elif method in T.FREEZE_METHODS:
            arg = keywords.get("requires_grad") or (positional[0] if positional else None)
            if arg is not None and constant_truth(arg.value) is False:
                self.emit(Code.LOW_MEMORY_FINETUNE, T.FREEZE_METHODS[method], node,
                          detail=f"{self.code(node.func)}(False) freezes weights")

    # -- assignments --------------------------------------------------------------------------------

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._assignment(target, node.value, node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._assignment(node.target, node.value, node)

    def _assignment(self, target: ast.expr, value: ast.expr, node: ast.AST) -> None:
        kind = type(target)
        if kind is ast.Name:
            self.resolver.bind(target.id, value, self.state)
            if self.blocks[-1] == "class" and target.id in T.KEYWORDS:
                default = unwrap_field(value)
                flag = "--" + target.id
                self.flags.setdefault(target.id, Flag(flag, default, None))
                self.setting(target.id, default, node, f"{target.id} field default", flag=flag)
        elif kind is ast.Subscript and self._is_environ(target.value):
            key = subscript_key(target)
            if key is not None:
                self.handled.add(id(target.value))
                self.env_write(key, value, node, "os.environ[...] =")
        elif kind is ast.Subscript and is_hardware_variable(literal_string(subscript_key(target)) or ""):
            # env = os.environ.copy(); env["NCCL_IB_HCA"] = ...; subprocess.run(cmd, env=env)
            self.env_write(subscript_key(target), value, node, "an environment mapping")
        elif kind is ast.Attribute:
            written = dotted(target)
            if written is not None:
                self.resolver.bind(written, value, self.state)  # `args.backend = "nccl"`, read back in this function
            name = self.aliases.resolve(target)
            if name in T.TF32_ATTRIBUTES:
                self.later(
                    value, lambda found, frame: self._switch(found, Code.TF32_MATMUL, True, node, f"{name} set", frame, value)
                )
            elif name in T.FP32_PRECISION_ATTRIBUTES:
                self.later(value, lambda found, frame: self._fp32_precision(found, name, node, frame))
            elif target.attr in T.KEYWORDS and constant_truth(value) is not None:
                self.setting(target.attr, value, node, f"{self.code(target)} =")

    def _fp32_precision(self, found, name, node, frame) -> None:
        for candidate in found or []:
            text = str(candidate.value).lower()
            if text in {"tf32", "ieee"}:
                own = State.ENABLED if text == "tf32" else State.DISABLED
                self.emit(
                    Code.TF32_MATMUL,
                    "tf32",
                    node,
                    combine(candidate.state, own),
                    f'{name} = "{text}"',
                    candidate.properties,
                    frame,
                )

    def _is_dtype_or_literal(self, node: ast.expr) -> bool:
        """Values a switch cannot be read from (and that other handlers report)."""
        if type(node) is ast.Constant and type(node.value) in (str, bytes, int, float):
            return True
        return dtype_meaning(self.aliases.resolve(node) or "") is not None

    def _is_environ(self, node: ast.expr) -> bool:
        return self.aliases.resolve(node) == "os.environ"

    # -- dict literals: configs built in Python --------------------------------------------------------

    def _is_dtype(self, node: ast.expr | None) -> bool:
        return node is not None and dtype_meaning(self.aliases.resolve(node) or "") is not None

    def _in_table(self, nodes: list[ast.expr]) -> list[ast.expr]:
        """The precision dtypes among `nodes` when they are a table of two or more dtypes of any kind
        ((torch.bfloat16, torch.float32) is a choice as much as (torch.bfloat16, torch.float16)); else []."""
        precise: list[ast.expr] = []
        plain = 0
        for node in nodes:  # every list, tuple, set and dict of a hot line: each name resolved once
            name = self.aliases.resolve(node)
            if name is None:
                continue
            if dtype_meaning(name) is not None:
                precise.append(node)
            elif name in T.PLAIN_DTYPES:
                plain += 1
        return precise if len(precise) + plain >= 2 else []

    def visit_List(self, node: ast.List | ast.Tuple | ast.Set) -> None:
        # (torch.float16, torch.bfloat16): supported or parametrised dtypes; which one runs is decided elsewhere.
        # So are the rows of a table, [(torch.float16, "float16"), (torch.bfloat16, "bfloat16")].
        dtypes = self._in_table([e for e in node.elts if type(e) is not ast.Starred])
        dtypes += self._in_table([x for e in node.elts if type(e) in (ast.Tuple, ast.List) for x in e.elts])
        for value in dtypes:
            self.attach(value, State.CONDITIONAL, condition=node, phrase="one of several dtypes in {}")

    visit_Tuple = visit_List
    visit_Set = visit_List

    def visit_Dict(self, node: ast.Dict) -> None:
        elements = [(k, v) for k, v in zip(node.keys, node.values) if k is not None]
        # {torch.bfloat16: "bf16", torch.float32: "fp32"}: names for dtypes
        for key in self._in_table([k for k, _ in elements]):
            self.attach(key, State.CONDITIONAL, condition=node, phrase="a key of the lookup table {}")
        in_table = {id(v) for v in self._in_table([v for _, v in elements])}
        dtypes = [(k, v) for k, v in elements if id(v) in in_table]
        if dtypes:
            # {"bf16": torch.bfloat16, "fp16": torch.float16}: a lookup table; which entry is used depends on a key.
            for key, value in dtypes:
                self.attach(value, State.CONDITIONAL, condition=key, phrase="entry {} of a lookup table")
            table = {id(v) for _, v in dtypes}
            elements = [(k, v) for k, v in elements if id(v) not in table]
        labels = _switch_names_as_labels(elements)
        for key_node, value in elements:
            key = literal_string(key_node)
            if key is None:
                continue
            entry = (key_node, value)
            if is_hardware_variable(key) and id(node) not in self.handled:
                self.env_write(key_node, value, entry, "an environment mapping")
            elif key == "help":
                self._mention_strings(value)
            elif key in T.DS_BLOCKS and type(value) is ast.Dict:
                for inner, keyword in T.DS_BLOCKS[key].items():
                    found = dict_entry(value, inner)
                    if found is not None:
                        self.setting(keyword, found[1], found, f'"{key}": {{"{inner}": ...}} in a dict')
            elif key in T.KEYWORDS and type(value) is ast.Dict:
                enabled = dict_get(value, "enabled")
                if enabled is not None and T.KEYWORDS[key][0] == "switch":
                    self.setting(key, enabled, entry, f'"{key}": {{"enabled": ...}} in a dict')
            elif key in T.KEYWORDS and key not in labels:
                self.setting(key, value, entry, f'"{key}" in a dict')

    # -- settings: a keyword and its value -----------------------------------------------------------

    def setting(
        self, keyword: str, value: ast.expr, where: Where, detail: str, flag: str | None = None
    ) -> None:
        """`keyword=value` in a call, dict or config class. `flag` marks an option definition (its default)."""
        kind, rule = T.KEYWORDS[keyword]
        if kind == "switch":
            on_value = T.SWITCH_VALUES.get(keyword, True)

            def action(found, frame):
                if flag is not None:
                    found = [with_flag(c, flag) for c in found or []] or None
                self._switch(found, rule, on_value, where, detail, frame, value, definition=flag is not None)

        else:

            def action(found, frame):
                if flag is not None:
                    found = [with_flag(c, flag) for c in found or []]
                self._valued(kind, keyword, found, where, detail, frame)

        self.later(value, action)

    def _switch(self, found, rule, on_value, where, detail, frame, value_node=None, definition=False) -> None:
        if found is None:
            if value_node is None or self._is_dtype_or_literal(value_node):
                return
            detail = f"{detail} set from {self.code(value_node)}"
            self.emit(rule, on_value, where, State.CONDITIONAL, detail, None, frame)
            return
        for candidate in found:
            truth = switch_truth(candidate.value)
            if truth is None:
                own, text, value = State.CONDITIONAL, '"auto" (filled in at run time)', on_value
                candidate.properties["auto"] = True
            elif truth:
                own, text, value = combine(candidate.state, State.ENABLED), "on", on_value
            elif "flag" in candidate.properties:
                # The option's definition only mentions it; a use of the option holds if the flag is passed.
                own = State.MENTIONED if definition else State.CONDITIONAL
                text, value = f"off unless {candidate.properties['flag']} is passed", on_value
            else:
                own, text, value = combine(candidate.state, State.DISABLED), "off", on_value
            self.emit(rule, value, where, own, f"{detail}: {text}", candidate.properties, frame)

    def _valued(self, kind, keyword, found, where, detail, frame) -> None:
        own_rule = (T.KEYWORDS.get(keyword) or T.FLAG_KEYWORDS.get(keyword) or (None, None))[1]
        for candidate in found or []:
            for rule, value, own in value_meanings(kind, candidate.value, candidate.partial, own_rule):
                props = {**candidate.properties, **value_properties(kind, value)}
                if value == "auto":
                    props["auto"] = True
                state = combine(candidate.state, own)
                self.emit(rule, value, where, state, f"{detail}: {candidate.value!r}", props, frame)

    # -- free text: comments, docstrings, help strings ---------------------------------------------------

    def comments(self) -> None:
        """Hardware words in the comments of hot lines."""
        if "#" not in self.lines.text:
            return
        spans = sorted(self.multiline)
        starts = [span[0] for span in spans]
        scanned: dict[int, list[tuple[int, int, str]]] = {}
        for number in self.comment_lines:
            if "#" not in self.lines.line(number):
                continue
            index = bisect_right(starts, number) - 1
            if index >= 0 and spans[index][1] >= number:
                first, last, column = spans[index]
                tokens = scanned.get(first)
                if tokens is None:
                    text = "\n".join([self.lines.line(first)[column:]] + [self.lines.line(n) for n in range(first + 1, last + 1)])
                    tokens = scanned[first] = list(self.lines.tokens(first, column, text))
            else:
                tokens = self.lines.tokens(number, 0, self.lines.line(number))
            for line, column, token in tokens:
                if line == number and token[0] == "#":
                    self._mention_token((line, column, token), token, "comment")

    def visit_Expr(self, node: ast.Expr) -> bool:
        value = node.value
        if type(value) is ast.Constant and type(value.value) in (str, bytes):
            self._mention_strings(value, "docstring")
            return False
        if type(value) is ast.JoinedStr and len(self.lines.string_tokens(value)) > 1:
            self._mention_strings(value, "docstring")  # implicit concatenation: its plain parts are text
            return False
        return True

    def _mention_strings(self, node: ast.expr, where: str = "help text") -> None:
        kind = type(node)
        if not (kind is ast.Constant and type(node.value) in (str, bytes) or kind is ast.JoinedStr):
            return
        self.handled.add(id(node))
        for token in self.lines.string_tokens(node):
            if not is_fstring(token[2]):
                self._mention_token(token, token[2], where)

    def _mention_token(self, token: tuple[int, int, str], text: str, where: str) -> None:
        line, column, _ = token
        seen: set[tuple[int, str]] = set()
        for rule, value, begin, end, word in find_mentions(text):
            if (begin, rule) in seen:
                continue
            seen.add((begin, rule))
            self.emit(rule, value, (line, column, text, begin, end), State.MENTIONED, f"{word!r} named in a {where}")

    # -- compile targets in string literals (setup.py extra_compile_args) --------------------------------

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if type(value) is bytes:
            value = value.decode("latin-1")
        elif type(value) is not str:
            return
        if id(node) in self.handled or ("compute_" not in value and "sm_" not in value and "arch" not in value):
            return
        self._compile_targets(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        if id(node) in self.handled:
            return
        texts = [part for part in node.values if type(part) is ast.Constant]
        for part in texts:
            self.handled.add(id(part))  # their text is read from the tokens below, once
        if any("compute_" in p.value or "sm_" in p.value or "arch" in p.value for p in texts):
            self._compile_targets(node)

    def _compile_targets(self, node: ast.expr) -> None:
        message = self._in_message()
        own = State.MENTIONED if message else State.ENABLED
        for line, column, text in self.lines.string_tokens(node):
            if is_fstring(text) or ("compute_" not in text and "sm_" not in text and "arch" not in text):
                continue
            body_start = len(text) - len(text.lstrip("rRbBuUfF"))
            quote = 3 if text[body_start : body_start + 3] in ('"""', "\'\'\'") else 1
            body = text[body_start + quote : len(text) - quote]
            offset = body_start + quote
            prefix = "-gencode " if body.startswith("arch=compute_") else ""
            where = f"a message passed to {message}()" if message else repr(body[:60])
            for target in parse_arch_flags(prefix + body):
                begin = max(target.start - len(prefix), 0) + offset
                end = target.end - len(prefix) + offset
                self.emit(
                    target.rule, target.value, (line, column, text, begin, end), own, f"compile target in {where}"
                )

    def _in_message(self) -> str | None:
        """The call, if the string being visited is an argument of print, logging, warnings or an exception."""
        if not self.args:
            return None
        callee = (self.args[-1][1] or "").rsplit(".", 1)[-1]
        if callee in T.MESSAGE_CALLS or callee.endswith(("Error", "Exception", "Warning")):
            return callee
        return None


_CALL_HANDLERS = (
    PythonEvidenceVisitor._call_distributed,
    PythonEvidenceVisitor._call_precision,
    PythonEvidenceVisitor._call_runtime,
    PythonEvidenceVisitor._call_environment,
    PythonEvidenceVisitor._call_model,
)


def _switch_names_as_labels(elements: list[tuple[ast.expr, ast.expr]]) -> set[str]:
    """The switch names (`"fp8"`, `"bf16"`) a dict uses as labels, not settings: keying a number other than 0 and
    1 (`{"fp8": 4500}`, a peak-FLOPs or memory table), or, with two or more of them, a value that is no truth
    word (`{"fp8": "fp8", "bf16": "bf16"}`, a lookup of names). `{"bf16": True, "fp16": 0}` sets switches."""
    found: dict[str, object] = {}
    for key_node, value in elements:
        key = literal_string(key_node)
        if key in T.KEYWORDS and T.KEYWORDS[key][0] == "switch" and type(value) is ast.Constant \
                and not isinstance(value.value, bool) and isinstance(value.value, (int, float, str)):
            found[key] = value.value
    quantities = {k for k, v in found.items() if not isinstance(v, str) and v not in (0, 1)}
    names = {k for k, v in found.items() if isinstance(v, str) and truth(v) is None and v.strip().lower() != "auto"}
    return quantities | (names if len(found) >= 2 else set())


def _falls_back(body: list[ast.stmt]) -> bool:
    return all(type(s) is ast.Pass
               or (type(s) is ast.Return and (s.value is None or type(s.value) in (ast.Constant, ast.Name)))
               or (type(s) is ast.Assign and type(s.value) is ast.Constant)
               for s in body)
