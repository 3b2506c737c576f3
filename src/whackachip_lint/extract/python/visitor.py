"""One walk per file over the libcst tree that finds the evidence of every Python rule.

The visitor keeps a stack of context frames: a frame says in what state code
under a node runs (an `if` on a runtime condition makes its branches
`conditional`, `if False:` makes its body `dead`, a `try` around an import
that catches ImportError makes it optional). Evidence found under a frame takes
the strongest state on the stack. Frames are attached to child nodes by
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

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import CodeRange

from ...evidence import RawFinding, Span, State, Value
from ..buildflags import parse_arch_flags
from ..environment import is_hardware_variable
from . import tables as T
from .envwrites import EnvironmentWrites
from .meanings import dtype_meaning, module_meanings, switch_truth, value_meanings
from .mentions import find_mentions, span_in_token
from .names import Aliases, dotted, lookup, matches
from .options import ArgparseOptions
from .positions import block_units, module_units
from .syntax import (
    branch_truth,
    constant_truth,
    dict_entry,
    dict_get,
    ends_module,
    handler_names,
    has_import,
    is_neutral_test,
    is_type_checking,
    platform_test,
    starts_with_exit,
    string_parts,
    subscript_key,
    unwrap_field,
    version_test,
)
from .values import Binding, Candidate, Flag, Resolver, combine, literal_string, with_flag
from .walk import Walker

_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}
_BROAD_ERRORS = {"Exception", "BaseException"}
_MAX_CONDITION = 80


@dataclass
class Frame:
    node_id: int
    state: State  # effective state under this frame (already combined with outer frames)
    check: bool  # inside an expression that tests something (if test, comparison)
    condition: cst.CSTNode | None  # the test that made the frame conditional, for the message
    phrase: str = "only when {}"  # how the message says it ({} is the condition's code)


# Where a finding points: a node, or a stretch (begin, end) of a token node's text.
Where = cst.CSTNode | tuple[cst.CSTNode, str, int, int]


class PythonEvidenceVisitor(ArgparseOptions, EnvironmentWrites, Walker):
    """Walk a module once (`walk(module)`), then `findings(positions)` gives the raw findings.

    Positions are only computed (the costliest step after parsing) for files with evidence.
    """

    def __init__(self, module: cst.Module):
        super().__init__()
        self.module = module
        self.found: list[tuple[str, Value, State, Where, str, dict]] = []
        self.wanted: dict[int, cst.CSTNode] = {}  # units (statements) holding findings, for positions
        self.unit_ids: set[int] = set()
        self.units: list[cst.CSTNode] = []  # the units being walked, innermost last
        self.aliases = Aliases()
        self.scopes: list[dict[str, list[Binding]]] = [{}]
        self.flags: dict[str, Flag] = {}
        self.resolver = Resolver(self.aliases, self.scopes, self.flags)
        self.frames: list[Frame] = [Frame(0, State.ENABLED, False, None)]
        self.pending: dict[int, tuple[State | None, bool, cst.CSTNode | None]] = {}
        self.handled: set[int] = set()  # nodes another handler already reported
        self.blocks: list[str] = ["module"]  # module / class / function
        self.functions: list[str] = []  # names of the functions being walked, innermost last
        self.calls: list[str | None] = []
        self.cpu_stack: list[bool] = []
        self.cpu_depth = 0  # how many CPU autocast calls enclose the node being walked
        self.args: list[tuple[str | None, str | None]] = []  # (keyword, callee) of the Arg being visited
        self.deferred: list[tuple[int, Callable[[], None]]] = []
        self.finished = False

    # -- frames -----------------------------------------------------------------------------

    def attach(
        self,
        node: cst.CSTNode | None,
        state: State | None = None,
        check: bool = False,
        condition: cst.CSTNode | None = None,
        phrase: str = "only when {}",
    ) -> None:
        """Make `node` (when visited) open a frame in `state` and/or as a check."""
        if node is not None:
            self.pending[id(node)] = (state, check, condition, phrase)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if id(node) in self.unit_ids:
            self.units.append(node)
        entry = self.pending.pop(id(node), None)
        if entry is None and isinstance(node, cst.Comparison):
            entry = (None, True, None, "")  # `x.dtype == torch.bfloat16` tests a dtype, it does not use one
        if entry is not None:
            state, check, condition, phrase = entry
            outer = self.frames[-1]
            effective = outer.state if state is None else combine(outer.state, state)
            if condition is None or state is not State.CONDITIONAL:
                condition, phrase = outer.condition, outer.phrase
            self.frames.append(Frame(id(node), effective, outer.check or check, condition, phrase))
        return super().on_visit(node)

    def on_leave(self, node: cst.CSTNode) -> None:
        super().on_leave(node)
        if len(self.frames) > 1 and self.frames[-1].node_id == id(node):
            self.frames.pop()
        if self.units and self.units[-1] is node:
            self.units.pop()

    @property
    def state(self) -> State:
        return self.frames[-1].state

    @property
    def in_check(self) -> bool:
        return self.frames[-1].check

    # -- emitting -----------------------------------------------------------------------------

    @property
    def has_findings(self) -> bool:
        return bool(self.found)

    def findings(self, positions: Mapping[cst.CSTNode, CodeRange]) -> list[RawFinding]:
        out = []
        for rule, value, state, where, detail, props in self.found:
            if isinstance(where, tuple):
                node, text, begin, end = where
                start = positions[node].start
                span = span_in_token(text, start.line, start.column, begin, end)
            else:
                place = positions[where]
                span = Span(place.start.line, place.start.column + 1, place.end.line, place.end.column + 1)
            out.append(RawFinding(rule, value, state, span, detail, props))
        return out

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
            props.setdefault("condition", condition)
            detail = f"{detail} ({frame.phrase.format(condition)})" if detail else frame.phrase.format(condition)
        self.found.append((rule, value, state, where, detail, props))
        unit = self.units[-1] if self.units else self.module
        self.wanted[id(unit)] = unit

    def code(self, node: cst.CSTNode) -> str:
        text = " ".join(self.module.code_for_node(node).split())
        return text if len(text) <= _MAX_CONDITION else text[: _MAX_CONDITION - 1] + "\u2026"

    def later(self, node: cst.BaseExpression, action: Callable[[list[Candidate] | None, Frame], None]) -> None:
        """Resolve `node` and run `action`; names not yet known are retried when the module is done
        (argparse definitions and module constants often come after the code that uses them)."""
        frame = self.frames[-1]
        found = self.resolver.resolve(node)
        if found is None and not self.finished and isinstance(node, (cst.Name, cst.Attribute)):
            unit = self.units[-1] if self.units else self.module
            cpu_depth = self.cpu_depth
            self.deferred.append((unit, lambda: self._retry(node, action, frame, cpu_depth)))
            return
        action(found, frame)

    def _retry(self, node, action, frame, cpu_depth: int) -> None:
        """A deferred `later`, run in the context (frame, enclosing CPU autocast) it was asked in."""
        outer, self.cpu_depth = self.cpu_depth, cpu_depth
        try:
            action(self.resolver.resolve(node), frame)
        finally:
            self.cpu_depth = outer

    def visit_Module(self, node: cst.Module) -> None:
        self.unit_ids.update(id(unit) for unit in module_units(node))
        end = next((i for i, statement in enumerate(node.body) if ends_module(statement)), len(node.body))
        for statement in node.body[end + 1 :]:  # after a module-level `sys.exit()` / `raise`: never runs
            self.attach(statement, State.DEAD)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.unit_ids.update(id(unit) for unit in block_units(node))

    def leave_Module(self, original_node: cst.Module) -> None:
        self.finished = True
        del self.scopes[1:]
        for unit, action in self.deferred:
            self.units.append(unit)
            action()
            self.units.pop()

    # -- scopes ------------------------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.blocks.append("function")
        self.functions.append(node.name.value)
        self.scopes.append({})

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.blocks.pop()
        self.functions.pop()
        self.scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.blocks.append("class")

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.blocks.pop()

    # -- control flow: frames for branches -------------------------------------------------------

    def visit_If(self, node: cst.If) -> None:
        self.attach(node.test, check=True)
        truth = branch_truth(node.test)
        if is_type_checking(node.test):
            truth = False  # only a type checker reads it
        if truth is None and is_neutral_test(node.test):
            # The script's own entry point runs whenever the script runs; its `else` runs when it is imported.
            self.attach(node.orelse, State.CONDITIONAL, condition=node.test, phrase="only when {} is false")
        else:
            self._branches(node.test, truth, node.body, node.orelse)
        self._platform_refusal(node.test, node.body, node)
        self._xla_platform_refusal(node.test, node.body)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self.attach(node.test, check=True)
        self._branches(node.test, branch_truth(node.test), node.body, node.orelse)

    def visit_While(self, node: cst.While) -> None:
        if branch_truth(node.test) is False:
            self.attach(node.body, State.DEAD)  # `while False:` never enters; its `else` runs

    def _branches(self, test: cst.BaseExpression, truth: bool | None, body, orelse) -> None:
        """A branch the test rules out is dead; with an undecided test both are conditional."""
        if truth is True:
            self.attach(orelse, State.DEAD)
        elif truth is False:
            self.attach(body, State.DEAD)
        else:
            self.attach(body, State.CONDITIONAL, condition=test)
            self.attach(orelse, State.CONDITIONAL, condition=test, phrase="only when {} is false")

    def visit_Match(self, node: cst.Match) -> None:
        for case in node.cases:
            self.attach(case.body, State.CONDITIONAL, condition=case.pattern, phrase="only in case {}")

    def visit_Assert(self, node: cst.Assert) -> None:
        self.attach(node.test, check=True)
        self._platform_refusal(node.test, None, node)
        self._xla_platform_refusal(node.test, None)

    def visit_Try(self, node: cst.Try | cst.TryStar) -> None:
        caught = [handler_names(h) for h in node.handlers]
        optional = any(names & _IMPORT_ERRORS for names in caught) or (
            any(not names or names & _BROAD_ERRORS for names in caught) and has_import(node.body)
        )
        if not optional:
            return
        caught = node.handlers[0].type or cst.Name("BaseException")
        self.attach(node.body, State.CONDITIONAL, condition=caught, phrase="optional: {} is caught")
        for handler in node.handlers:
            self.attach(
                handler, State.CONDITIONAL, condition=handler.type or caught, phrase="a fallback when {} is raised"
            )
        self.attach(node.orelse, State.CONDITIONAL)

    visit_TryStar = visit_Try

    def visit_With(self, node: cst.With) -> None:
        for item in node.items:
            call = item.item
            if isinstance(call, cst.Call) and self.aliases.resolve(call.func) in {"contextlib.suppress", "suppress"}:
                names = {dotted(a.value) for a in call.args}
                if names & (_IMPORT_ERRORS | _BROAD_ERRORS):
                    self.attach(node.body, State.CONDITIONAL, condition=call, phrase="optional: inside {}")

    def _platform_refusal(self, test: cst.BaseExpression, body, node: cst.CSTNode) -> None:
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
        self.emit("WAC207", value, node if body is None else test, State.ENABLED if requires else State.DISABLED, how)

    def _xla_platform_refusal(self, test: cst.BaseExpression, body) -> None:
        """`assert jax.default_backend() == "tpu"` / `if ... != "tpu": raise`: the program runs on that platform only."""
        found = platform_test(test, self.aliases)
        if found is None or (body is not None and not starts_with_exit(body)):
            return
        platform, equal = found
        requires = equal if body is None else not equal
        self.handled.add(id(test))
        how = ("refuses to run" + (" on any platform but " if requires else " on ") + platform)
        self.emit("WAC208", platform, test, State.ENABLED if requires else State.DISABLED, how)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if id(node) in self.handled:
            return
        found = platform_test(node, self.aliases)
        if found is not None:
            platform, equal = found
            self.emit("WAC208", platform, node, State.CONDITIONAL,
                      f"the platform is compared with {platform!r} ({'==' if equal else '!='})")

    # -- imports ----------------------------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> bool:
        for module in self.aliases.add_import(node):
            self._module_evidence(module, node, f"import {module}")
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        base, names = self.aliases.add_import_from(node)
        seen: set[tuple[str, str]] = set()
        for full in names:
            for rule, value in module_meanings(full):
                if (rule, value) not in seen:
                    seen.add((rule, value))
                    self._import_finding(rule, value, node, f"from {base} import {full[len(base) + 1 :] or '*'}")
        return False

    def _module_evidence(self, module: str, node: cst.CSTNode, detail: str) -> None:
        for rule, value in module_meanings(module):
            self._import_finding(rule, value, node, detail)

    def _import_finding(self, rule: str, value: Value, node: cst.CSTNode, detail: str) -> None:
        """A module-level import runs with the file; one inside a function is lazy, the optional-dependency
        idiom: it runs only if that function is called."""
        if self.functions:
            self.emit(rule, value, node, State.CONDITIONAL, f"{detail} (a lazy import inside {self.functions[-1]}())")
        else:
            self.emit(rule, value, node, detail=detail)

    # -- names: dtypes and platform attributes ----------------------------------------------------

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        name = dotted(node)
        if name is None:
            self.walk(node.value)
            return False
        self._reference(node, self.aliases.resolve_text(name))
        return False

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) in self.handled:
            return
        target = self.aliases.table.get(node.value)
        if target is not None and target != node.value:
            self._reference(node, target)

    def _reference(self, node: cst.CSTNode, name: str) -> None:
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
            self.emit("WAC207", version, node, own, f"{name} checked" if self.in_check else f"{name} read")
            return
        device = T.DEVICE_MODULES.get(name.split(".", 2)[1] if name.startswith("torch.") and "." in name[6:] else "")
        if device is not None:
            # `torch.npu.set_device(...)` uses the vendor's device module; `torch.npu.is_available()` only asks.
            asks = self.in_check or T.AVAILABILITY_QUERY.search(name.rsplit(".", 1)[-1]) is not None
            self.emit("WAC204", device, node, State.CONDITIONAL if asks else State.ENABLED, f"{name} used")

    def _role(self, name: str) -> str:
        if self.args:
            keyword, callee = self.args[-1]
            short = (callee or "a call").rsplit(".", 1)[-1]
            if keyword:
                return f"{name} passed as {keyword}= to {short}()"
            return f"{name} passed to {short}()"
        return f"{name} named as a dtype"

    # -- calls ------------------------------------------------------------------------------------

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.handled.add(id(node.keyword))
        self.args.append((node.keyword.value if node.keyword else None, self.calls[-1] if self.calls else None))

    def leave_Arg(self, original_node: cst.Arg) -> None:
        self.args.pop()

    def visit_Call(self, node: cst.Call) -> bool:
        name = self.aliases.resolve(node.func)
        method = node.func.attr.value if isinstance(node.func, cst.Attribute) else None
        self.calls.append(name or method)
        keywords = {a.keyword.value: a for a in node.args if a.keyword is not None}
        positional = [a for a in node.args if a.keyword is None and not a.star]
        on_cpu = self._is_cpu_autocast(name, keywords, positional)
        self.cpu_stack.append(on_cpu)
        self.cpu_depth += on_cpu
        if method == "add_argument" or name in {"add_argument", "click.option"}:
            self._add_argument(node)
            return False
        self._enabled_switch(node, keywords)
        for handler in _CALL_HANDLERS:
            handler(self, node, name, method, keywords, positional)
        for keyword, arg in keywords.items():
            if keyword in T.KEYWORDS:
                self.setting(
                    keyword, arg.value, arg, f"{keyword}= passed to {(name or method or 'a call').rsplit('.', 1)[-1]}()"
                )
        return True

    def leave_Call(self, original_node: cst.Call) -> None:
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

    def _enabled_switch(self, node: cst.Call, keywords: dict[str, cst.Arg]) -> None:
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
        for other in node.args:
            self.attach(other, state, condition=arg)

    def _call_distributed(self, node, name, method, keywords, positional) -> None:
        if matches(name, T.INIT_PROCESS_GROUP):
            arg = keywords.get("backend") or (positional[0] if positional else None)
            api = "init_process_group"
        elif matches(name, T.DEEPSPEED_INIT):
            arg = keywords.get("dist_backend") or (positional[0] if positional else None)
            api = "deepspeed.init_distributed"
        else:
            return
        if arg is None:
            self.emit(
                "WAC201",
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
        if method in T.CAST_METHODS and not node.args and not (name or "").startswith("torch."):
            rule, value = T.CAST_METHODS[method]
            self.emit(rule, value, node, detail=f".{method}() casts a model or tensor")
        elif matches(name, T.BF16_SUPPORT_CHECKS):
            self.emit("WAC101", None, node, State.MENTIONED, f"bf16 support checked with {name}()")
        elif matches(name, T.MATMUL_PRECISION) and positional:
            self.later(positional[0].value, lambda found, frame: self._matmul_precision(found, positional[0], frame))
        elif matches(name, T.AUTOCAST):
            self._autocast(node, name, keywords, positional)
        elif matches(name, T.FP8_AUTOCAST):
            # Transformer Engine's fp8_autocast defaults to enabled=False.
            self._enabled_call(node, name, keywords, "WAC104", "fp8_autocast", State.DISABLED)
        elif name == "transformer_engine.pytorch.autocast":
            self._enabled_call(node, name, keywords, "WAC104", "autocast", State.CONDITIONAL)
        elif matches(name, T.APEX_AMP_INIT):
            level = keywords.get("opt_level")
            if level is not None:
                self.later(level.value, lambda found, frame: self._apex_level(found, level, frame))
        elif matches(name, T.GRAD_SCALERS):
            self._enabled_call(node, name, keywords, "WAC102", "GradScaler", State.ENABLED)
        elif matches(name, T.FP8_GEMMS):
            self.emit("WAC104", name.rsplit(".", 1)[-1], node, detail=f"{name}() runs an FP8 matrix multiply")
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
            self.emit("WAC102", level, arg, combine(candidate.state, own), detail, candidate.properties, frame)

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
                "WAC103",
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
            self._enabled_call(node, name, keywords, "WAC102", "float16", State.ENABLED, detail)

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
            self.emit("WAC204", "xla", node, detail=f"{name}()")
        elif matches(name, T.PLATFORM_CALLS):
            arg = keywords.get("backend") or (positional[0] if positional else None)
            platform = (literal_string(arg.value) or "").lower() if arg is not None else ""
            if platform in T.PLATFORM_NAMES:
                self.emit("WAC208", platform, arg, detail=f"{name}({platform!r}) fails without a {platform} device")
        elif matches(name, T.PLATFORM_CONFIG_CALLS) and len(positional) >= 2:
            key = literal_string(positional[0].value)
            platforms = (literal_string(positional[1].value) or "").lower()
            if key in T.PLATFORM_CONFIG_KEYS and platforms.split(",")[0] in T.PLATFORM_NAMES:
                self.emit("WAC208", platforms, positional[1], detail=f"{name}({key!r}, {platforms!r})")
        elif method in T.DEVICE_METHODS and not node.args and not (name or "").startswith("torch."):
            self.emit("WAC204", T.DEVICE_METHODS[method], node, detail=f".{method}() moves a model or tensor")
        elif method == "to" and positional:
            value = positional[0].value
            if (
                isinstance(value, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString, cst.IfExp))
                or isinstance(value, cst.Name)
                and value.value not in self.aliases.table
            ):
                self.setting("device", value, positional[0], ".to()")
        fsdp = lookup(name, T.FSDP_CALLS)
        if fsdp is not None:
            self.emit("WAC505", fsdp, node, detail=f"{name}()")

    # -- assignments --------------------------------------------------------------------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._assignment(target.target, node.value, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assignment(node.target, node.value, node)

    def _assignment(self, target: cst.BaseExpression, value: cst.BaseExpression, node: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            self.resolver.bind(target.value, value, self.state)
            if self.blocks[-1] == "class" and target.value in T.KEYWORDS:
                default = unwrap_field(value)
                flag = "--" + target.value
                self.flags.setdefault(target.value, Flag(flag, default, None))
                self.setting(target.value, default, node, f"{target.value} field default", flag=flag)
        elif isinstance(target, cst.Subscript) and self._is_environ(target.value):
            key = subscript_key(target)
            if key is not None:
                self.handled.add(id(target.value))
                self.env_write(key, value, node, "os.environ[...] =")
        elif isinstance(target, cst.Subscript) and is_hardware_variable(literal_string(subscript_key(target)) or ""):
            # env = os.environ.copy(); env["NCCL_IB_HCA"] = ...; subprocess.run(cmd, env=env)
            self.env_write(subscript_key(target), value, node, "an environment mapping")
        elif isinstance(target, cst.Attribute):
            name = self.aliases.resolve(target)
            if name in T.TF32_ATTRIBUTES:
                self.later(
                    value, lambda found, frame: self._switch(found, "WAC103", True, node, f"{name} set", frame, value)
                )
            elif name in T.FP32_PRECISION_ATTRIBUTES:
                self.later(value, lambda found, frame: self._fp32_precision(found, name, node, frame))
            elif target.attr.value in T.KEYWORDS and constant_truth(value) is not None:
                self.setting(target.attr.value, value, node, f"{self.code(target)} =")

    def _fp32_precision(self, found, name, node, frame) -> None:
        for candidate in found or []:
            text = str(candidate.value).lower()
            if text in {"tf32", "ieee"}:
                own = State.ENABLED if text == "tf32" else State.DISABLED
                self.emit(
                    "WAC103",
                    "tf32",
                    node,
                    combine(candidate.state, own),
                    f'{name} = "{text}"',
                    candidate.properties,
                    frame,
                )

    def _is_dtype_or_literal(self, node: cst.BaseExpression) -> bool:
        """Values a switch cannot be read from (and that other handlers report)."""
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float)):
            return True
        return dtype_meaning(self.aliases.resolve(node) or "") is not None

    def _is_environ(self, node: cst.BaseExpression) -> bool:
        return self.aliases.resolve(node) == "os.environ"

    # -- dict literals: configs built in Python --------------------------------------------------------

    def _is_dtype(self, node: cst.BaseExpression) -> bool:
        return dtype_meaning(self.aliases.resolve(node) or "") is not None

    def visit_List(self, node: cst.List | cst.Tuple | cst.Set) -> None:
        # (torch.float16, torch.bfloat16): supported or parametrised dtypes; which one runs is decided elsewhere.
        dtypes = [e.value for e in node.elements if isinstance(e, cst.Element) and self._is_dtype(e.value)]
        if len(dtypes) >= 2:
            for value in dtypes:
                self.attach(value, State.CONDITIONAL, condition=node, phrase="one of several dtypes in {}")

    visit_Tuple = visit_List
    visit_Set = visit_List

    def visit_Dict(self, node: cst.Dict) -> None:
        elements = [e for e in node.elements if isinstance(e, cst.DictElement)]
        keys = [e.key for e in elements if self._is_dtype(e.key)]
        if len(keys) >= 2:  # {torch.bfloat16: "bf16", torch.float16: "fp16"}: names for dtypes
            for key in keys:
                self.attach(key, State.CONDITIONAL, condition=node, phrase="a key of the lookup table {}")
        dtypes = [e for e in elements if self._is_dtype(e.value)]
        if len(dtypes) >= 2:
            # {"bf16": torch.bfloat16, "fp16": torch.float16}: a lookup table; which entry is used depends on a key.
            for element in dtypes:
                self.attach(
                    element.value, State.CONDITIONAL, condition=element.key, phrase="entry {} of a lookup table"
                )
            table = {id(e) for e in dtypes}
            elements = [e for e in elements if id(e) not in table]
        for element in elements:
            key = literal_string(element.key)
            if key is None:
                continue
            if is_hardware_variable(key) and id(node) not in self.handled:
                self.env_write(element.key, element.value, element, "an environment mapping")
            elif key == "help":
                self._mention_strings(element.value)
            elif key in T.DS_BLOCKS and isinstance(element.value, cst.Dict):
                for inner, keyword in T.DS_BLOCKS[key].items():
                    entry = dict_entry(element.value, inner)
                    if entry is not None:
                        self.setting(keyword, entry.value, entry, f'"{key}": {{"{inner}": ...}} in a dict')
            elif key in T.KEYWORDS and isinstance(element.value, cst.Dict):
                enabled = dict_get(element.value, "enabled")
                if enabled is not None and T.KEYWORDS[key][0] == "switch":
                    self.setting(key, enabled, element, f'"{key}": {{"enabled": ...}} in a dict')
            elif key in T.KEYWORDS:
                self.setting(key, element.value, element, f'"{key}" in a dict')

    # -- settings: a keyword and its value -----------------------------------------------------------

    def setting(
        self, keyword: str, value: cst.BaseExpression, where: cst.CSTNode, detail: str, flag: str | None = None
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
                props = dict(candidate.properties)
                if value == "auto":
                    props["auto"] = True
                state = combine(candidate.state, own)
                self.emit(rule, value, where, state, f"{detail}: {candidate.value!r}", props, frame)

    # -- free text: comments, docstrings, help strings ---------------------------------------------------

    def visit_Comment(self, node: cst.Comment) -> None:
        self._mention_token(node, node.value, "comment")

    def visit_Expr(self, node: cst.Expr) -> bool:
        if isinstance(node.value, (cst.SimpleString, cst.ConcatenatedString)):
            self._mention_strings(node.value, "docstring")
            return False
        return True

    def _mention_strings(self, node: cst.BaseExpression, where: str = "help text") -> None:
        parts = [node] if isinstance(node, cst.SimpleString) else string_parts(node)
        for part in parts:
            self.handled.add(id(part))
            self._mention_token(part, part.value, where)

    def _mention_token(self, node: cst.CSTNode, text: str, where: str) -> None:
        seen: set[tuple[int, str]] = set()
        for rule, value, begin, end, word in find_mentions(text):
            if (begin, rule) in seen:
                continue
            seen.add((begin, rule))
            self.emit(rule, value, (node, text, begin, end), State.MENTIONED, f"{word!r} named in a {where}")

    # -- compile targets in string literals (setup.py extra_compile_args) --------------------------------

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if id(node) in self.handled:
            return
        text = node.value
        if "compute_" not in text and "sm_" not in text and "arch" not in text:
            return
        body_start = len(text) - len(text.lstrip("rRbBuUfF"))
        quote = 3 if text[body_start : body_start + 3] in ('"""', "'''") else 1
        body = text[body_start + quote : len(text) - quote]
        offset = body_start + quote
        prefix = "-gencode " if body.startswith("arch=compute_") else ""
        message = self._in_message()
        own = State.MENTIONED if message else State.ENABLED
        where = f"a message passed to {message}()" if message else repr(body[:60])
        for target in parse_arch_flags(prefix + body):
            begin = max(target.start - len(prefix), 0) + offset
            end = target.end - len(prefix) + offset
            self.emit(target.rule, target.value, (node, text, begin, end), own, f"compile target in {where}")

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
)
