"""One libcst visit per file that finds the evidence of every Python rule.

The visitor keeps a stack of context frames: a frame says in what state code
under a node runs (an `if` on a runtime condition makes its branches
`conditional`, `if False:` makes its body `disabled`, a `try` around an import
that catches ImportError makes it optional). Evidence found under a frame takes
the strongest state on the stack. Frames are attached to child nodes by
identity before libcst visits them, so the one generic traversal is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

import libcst as cst
from libcst.metadata import CodeRange

from ...evidence import RawFinding, Span, State, Value
from ..buildflags import parse_arch_flags
from ..environment import interpret_env
from . import tables as T
from .mentions import find_mentions, span_in_token
from .names import Aliases, dotted, lookup, matches
from .values import Binding, Candidate, Flag, Resolver, combine, literal_string

_TRUE_STRINGS = {"1", "true", "yes", "on", "y", "t"}
_FALSE_STRINGS = {"0", "false", "no", "off", "n", "f", ""}
_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}
_BROAD_ERRORS = {"Exception", "BaseException"}
_MAX_CONDITION = 80


@dataclass
class Frame:
    node_id: int
    state: State  # effective state under this frame (already combined with outer frames)
    check: bool  # inside an expression that tests something (if test, comparison)
    condition: cst.CSTNode | None  # the test that made the frame conditional, for the message


class PythonEvidenceVisitor(cst.CSTVisitor):
    def __init__(self, module: cst.Module, positions: Mapping[cst.CSTNode, CodeRange]):
        super().__init__()
        self.module = module
        self.positions = positions
        self.findings: list[RawFinding] = []
        self.aliases = Aliases()
        self.scopes: list[dict[str, list[Binding]]] = [{}]
        self.flags: dict[str, Flag] = {}
        self.resolver = Resolver(self.aliases, self.scopes, self.flags)
        self.frames: list[Frame] = [Frame(0, State.ENABLED, False, None)]
        self.pending: dict[int, tuple[State | None, bool, cst.CSTNode | None]] = {}
        self.handled: set[int] = set()  # nodes another handler already reported
        self.blocks: list[str] = ["module"]  # module / class / function
        self.calls: list[str | None] = []
        self.args: list[tuple[str | None, str | None]] = []  # (keyword, callee) of the Arg being visited
        self.deferred: list[Callable[[], None]] = []
        self.finished = False

    # -- frames -----------------------------------------------------------------------------

    def attach(self, node: cst.CSTNode | None, state: State | None = None, check: bool = False, condition=None) -> None:
        """Make `node` (when visited) open a frame in `state` and/or as a check."""
        if node is not None:
            self.pending[id(node)] = (state, check, condition)

    def on_visit(self, node: cst.CSTNode) -> bool:
        entry = self.pending.pop(id(node), None)
        if entry is None and isinstance(node, cst.Comparison):
            entry = (None, True, None)  # `x.dtype == torch.bfloat16` tests a dtype, it does not use one
        if entry is not None:
            state, check, condition = entry
            outer = self.frames[-1]
            effective = outer.state if state is None else combine(outer.state, state)
            cond = condition if condition is not None and state is State.CONDITIONAL else outer.condition
            self.frames.append(Frame(id(node), effective, outer.check or check, cond))
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        super().on_leave(original_node)
        if len(self.frames) > 1 and self.frames[-1].node_id == id(original_node):
            self.frames.pop()

    @property
    def state(self) -> State:
        return self.frames[-1].state

    @property
    def in_check(self) -> bool:
        return self.frames[-1].check

    # -- emitting -----------------------------------------------------------------------------

    def span(self, node: cst.CSTNode) -> Span:
        where = self.positions[node]
        return Span(where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)

    def emit(
        self,
        rule: str,
        value: Value,
        where: cst.CSTNode | Span,
        own: State = State.ENABLED,
        detail: str = "",
        properties: Mapping[str, Value] | None = None,
        context: Frame | None = None,
    ) -> None:
        frame = context or self.frames[-1]
        state = combine(frame.state, own)
        props = dict(properties or {})
        if state is State.CONDITIONAL and own is not State.CONDITIONAL and frame.condition is not None:
            props.setdefault("condition", self.code(frame.condition))
        span = where if isinstance(where, Span) else self.span(where)
        self.findings.append(RawFinding(rule, value, state, span, detail, props))

    def code(self, node: cst.CSTNode) -> str:
        text = " ".join(self.module.code_for_node(node).split())
        return text if len(text) <= _MAX_CONDITION else text[: _MAX_CONDITION - 1] + "\u2026"

    def later(self, node: cst.BaseExpression, action: Callable[[list[Candidate] | None, Frame], None]) -> None:
        """Resolve `node` and run `action`; names not yet known are retried when the module is done
        (argparse definitions and module constants often come after the code that uses them)."""
        frame = self.frames[-1]
        found = self.resolver.resolve(node)
        if found is None and not self.finished and isinstance(node, (cst.Name, cst.Attribute)):
            self.deferred.append(lambda: action(self.resolver.resolve(node), frame))
            return
        action(found, frame)

    def leave_Module(self, original_node: cst.Module) -> None:
        self.finished = True
        del self.scopes[1:]
        for action in self.deferred:
            action()

    # -- scopes ------------------------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.blocks.append("function")
        self.scopes.append({})

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.blocks.pop()
        self.scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.blocks.append("class")

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.blocks.pop()

    # -- control flow: frames for branches -------------------------------------------------------

    def visit_If(self, node: cst.If) -> None:
        self.attach(node.test, check=True)
        truth = _constant_truth(node.test)
        if truth is None and _is_neutral_test(node.test):
            truth = True
        if _is_type_checking(node.test):
            truth = False
        if truth is True:
            self.attach(node.orelse, State.DISABLED)
        elif truth is False:
            self.attach(node.body, State.DISABLED)
        else:
            self.attach(node.body, State.CONDITIONAL, condition=node.test)
            self.attach(node.orelse, State.CONDITIONAL, condition=node.test)
        self._platform_refusal(node.test, node.body, node)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self.attach(node.test, check=True)
        truth = _constant_truth(node.test)
        if truth is True:
            self.attach(node.orelse, State.DISABLED)
        elif truth is False:
            self.attach(node.body, State.DISABLED)
        else:
            self.attach(node.body, State.CONDITIONAL, condition=node.test)
            self.attach(node.orelse, State.CONDITIONAL, condition=node.test)

    def visit_Match(self, node: cst.Match) -> None:
        for case in node.cases:
            self.attach(case.body, State.CONDITIONAL, condition=case.pattern)

    def visit_Assert(self, node: cst.Assert) -> None:
        self.attach(node.test, check=True)
        self._platform_refusal(node.test, None, node)

    def visit_Try(self, node: cst.Try | cst.TryStar) -> None:
        caught = [_handler_names(h) for h in node.handlers]
        optional = any(names & _IMPORT_ERRORS for names in caught) or (
            any(not names or names & _BROAD_ERRORS for names in caught) and _has_import(node.body)
        )
        if not optional:
            return
        self.attach(node.body, State.CONDITIONAL, condition=node.handlers[0].type or node.handlers[0])
        for handler in node.handlers:
            self.attach(handler, State.CONDITIONAL, condition=handler.type or handler)
        self.attach(node.orelse, State.CONDITIONAL)

    visit_TryStar = visit_Try

    def visit_With(self, node: cst.With) -> None:
        for item in node.items:
            call = item.item
            if isinstance(call, cst.Call) and self.aliases.resolve(call.func) in {"contextlib.suppress", "suppress"}:
                names = {dotted(a.value) for a in call.args}
                if names & (_IMPORT_ERRORS | _BROAD_ERRORS):
                    self.attach(node.body, State.CONDITIONAL, condition=call)

    def _platform_refusal(self, test: cst.BaseExpression, body, node: cst.CSTNode) -> None:
        """`if torch.version.hip is None: raise ...` / `assert torch.version.hip`: a hard platform fact."""
        target, absent = _version_test(test, self.aliases)
        if target is None:
            return
        refuses = body is None or _starts_with_exit(body)
        if not refuses:
            return
        value = T.VERSION_ATTRIBUTES[self.aliases.resolve(target)]
        # `if hip is None: raise` / `assert hip`: requires it; `if hip: raise` / `assert hip is None`: refuses it.
        requires = absent if body is not None else not absent
        self.handled.add(id(target))
        how = "refuses to run" + (f" without torch.version.{value}" if requires else f" on torch.version.{value}")
        self.emit("WAC207", value, node if body is None else test, State.ENABLED if requires else State.DISABLED, how)

    # -- imports ----------------------------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> bool:
        for module in self.aliases.add_import(node):
            self._module_evidence(module, node, f"import {module}")
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        base, names = self.aliases.add_import_from(node)
        seen: set[tuple[str, str]] = set()
        for full in names:
            for rule, value in _module_meanings(full):
                if (rule, value) not in seen:
                    seen.add((rule, value))
                    self.emit(rule, value, node, detail=f"from {base} import {full[len(base) + 1:] or '*'}")
        return False

    def _module_evidence(self, module: str, node: cst.CSTNode, detail: str, own: State = State.ENABLED) -> None:
        for rule, value in _module_meanings(module):
            self.emit(rule, value, node, own, detail)

    # -- names: dtypes and platform attributes ----------------------------------------------------

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        name = dotted(node)
        if name is None:
            node.value.visit(self)
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
        meaning = _dtype_meaning(name)
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

    def _role(self, name: str) -> str:
        if self.args:
            keyword, callee = self.args[-1]
            short = (callee or "a call").rsplit(".", 1)[-1]
            if keyword:
                return f"{name} passed as {keyword}= to {short}()"
            return f"{name} passed to {short}()"
        return f"{name} used"

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
        if method == "add_argument" or name == "add_argument":
            self._add_argument(node)
            return False
        keywords = {a.keyword.value: a for a in node.args if a.keyword is not None}
        positional = [a for a in node.args if a.keyword is None and not a.star]
        self._enabled_switch(node, keywords)
        for handler in _CALL_HANDLERS:
            handler(self, node, name, method, keywords, positional)
        for keyword, arg in keywords.items():
            if keyword in T.KEYWORDS:
                self.setting(keyword, arg.value, arg, f"{keyword}= passed to {(name or method or 'a call').rsplit('.', 1)[-1]}()")
        return True

    def leave_Call(self, original_node: cst.Call) -> None:
        self.calls.pop()

    def _enabled_switch(self, node: cst.Call, keywords: dict[str, cst.Arg]) -> None:
        """`enabled=False` turns off whatever the call sets up (autocast, fp8_autocast...)."""
        arg = keywords.get("enabled")
        if arg is None:
            return
        truth = _constant_truth(arg.value)
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
                "WAC201", "auto", node, State.CONDITIONAL,
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
        elif matches(name, T.GRAD_SCALERS):
            self._enabled_call(node, name, keywords, "WAC102", "GradScaler", State.ENABLED)
        elif matches(name, T.FP8_GEMMS):
            self.emit("WAC104", name.rsplit(".", 1)[-1], node, detail=f"{name}() runs an FP8 matrix multiply")

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
                "WAC103", text, arg, combine(candidate.state, own),
                f'set_float32_matmul_precision("{text}")', candidate.properties, frame,
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
            self.emit("WAC102", "float16", node, detail=f"{name}() on cuda without dtype= autocasts to float16")

    def _enabled_call(self, node, name, keywords, rule, value, default: State) -> None:
        """A call that switches something on unless `enabled=` says otherwise."""
        arg = keywords.get("enabled")
        if arg is None:
            self.emit(rule, value, node, default, f"{name}() without enabled=")
            return
        self.later(arg.value, lambda found, frame: self._switch(found, rule, value, arg, f"{name}(enabled=...)", frame, arg.value))

    def _call_runtime(self, node, name, method, keywords, positional) -> None:
        if matches(name, T.DYNAMIC_IMPORTS) and positional:
            module = literal_string(positional[0].value)
            if module:
                self._module_evidence(module, node, f"{name}({module!r})")
        elif matches(name, T.DEVICE_CALLS) and positional:
            self.setting("device", positional[0].value, positional[0], f"{name}()")
        elif matches(name, T.XLA_DEVICE_CALLS):
            self.emit("WAC204", "xla", node, detail=f"{name}()")
        elif method in T.DEVICE_METHODS and not node.args and not (name or "").startswith("torch."):
            self.emit("WAC204", T.DEVICE_METHODS[method], node, detail=f".{method}() moves a model or tensor")
        elif method == "to" and positional:
            value = positional[0].value
            if isinstance(value, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString, cst.IfExp)):
                self.setting("device", value, positional[0], ".to()")
            elif isinstance(value, cst.Name) and value.value not in self.aliases.table:
                self.setting("device", value, positional[0], ".to()")
        fsdp = lookup(name, T.FSDP_CALLS)
        if fsdp is not None:
            self.emit("WAC505", fsdp, node, detail=f"{name}()")

    def _call_environment(self, node, name, method, keywords, positional) -> None:
        if not name:
            return
        if name in {"os.environ.setdefault", "os.putenv"} and len(positional) >= 2:
            how = "os.environ.setdefault" if name.endswith("setdefault") else "os.putenv"
            self.env_write(positional[0].value, positional[1].value, node, how)
        elif name == "os.environ.update":
            for arg in node.args:
                if arg.keyword is not None:
                    self.env_write(cst.SimpleString(repr(arg.keyword.value)), arg.value, arg, "os.environ.update")
                elif isinstance(arg.value, cst.Dict):
                    for element in arg.value.elements:
                        if isinstance(element, cst.DictElement):
                            self.env_write(element.key, element.value, element, "os.environ.update")
        elif name in {"os.environ.pop", "os.unsetenv"} and positional:
            self.env_write(positional[0].value, None, node, name)

    # -- assignments --------------------------------------------------------------------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._assignment(target.target, node.value, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assignment(node.target, node.value, node)

    def visit_Del(self, node: cst.Del) -> None:
        targets = node.target.elements if isinstance(node.target, cst.Tuple) else [node.target]
        for target in targets:
            if isinstance(target, cst.Element):
                target = target.value
            if isinstance(target, cst.Subscript) and self._is_environ(target.value):
                key = _subscript_key(target)
                if key is not None:
                    self.env_write(key, None, node, "del os.environ[...]")

    def _assignment(self, target: cst.BaseExpression, value: cst.BaseExpression, node: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            self.resolver.bind(target.value, value, self.state)
            if self.blocks[-1] == "class" and target.value in T.KEYWORDS:
                default = _unwrap_field(value)
                flag = "--" + target.value
                self.flags.setdefault(target.value, Flag(flag, default, None))
                self.setting(target.value, default, node, f"{target.value} field default", flag=flag)
        elif isinstance(target, cst.Subscript) and self._is_environ(target.value):
            key = _subscript_key(target)
            if key is not None:
                self.handled.add(id(target.value))
                self.env_write(key, value, node, "os.environ[...] =")
        elif isinstance(target, cst.Attribute):
            name = self.aliases.resolve(target)
            if name in T.TF32_ATTRIBUTES:
                self.later(value, lambda found, frame: self._switch(found, "WAC103", True, node, f"{name} =", frame, value))
            elif name in T.FP32_PRECISION_ATTRIBUTES:
                self.later(value, lambda found, frame: self._fp32_precision(found, name, node, frame))
            elif target.attr.value in T.KEYWORDS and _constant_truth(value) is not None:
                self.setting(target.attr.value, value, node, f"{self.code(target)} =")

    def _fp32_precision(self, found, name, node, frame) -> None:
        for candidate in found or []:
            text = str(candidate.value).lower()
            if text in {"tf32", "ieee"}:
                own = State.ENABLED if text == "tf32" else State.DISABLED
                self.emit("WAC103", "tf32", node, combine(candidate.state, own), f'{name} = "{text}"', candidate.properties, frame)

    def _is_dtype_or_literal(self, node: cst.BaseExpression) -> bool:
        """Values a switch cannot be read from (and that other handlers report)."""
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float)):
            return True
        return _dtype_meaning(self.aliases.resolve(node) or "") is not None

    def _is_environ(self, node: cst.BaseExpression) -> bool:
        return self.aliases.resolve(node) == "os.environ"

    # -- dict literals: configs built in Python --------------------------------------------------------

    def visit_Dict(self, node: cst.Dict) -> None:
        elements = [e for e in node.elements if isinstance(e, cst.DictElement)]
        dtypes = [e for e in elements if _dtype_meaning(self.aliases.resolve(e.value) or "") is not None]
        if len(dtypes) >= 2:
            # {"bf16": torch.bfloat16, "fp16": torch.float16}: a lookup table; which entry is used depends on a key.
            for element in dtypes:
                self.attach(element.value, State.CONDITIONAL, condition=element.key)
            table = {id(e) for e in dtypes}
            elements = [e for e in elements if id(e) not in table]
        for element in elements:
            key = literal_string(element.key)
            if key is None:
                continue
            if key == "help":
                self._mention_strings(element.value)
            elif key in T.KEYWORDS and isinstance(element.value, cst.Dict):
                enabled = _dict_get(element.value, "enabled")
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
                    found = [_with_flag(c, flag) for c in found or []] or None
                self._switch(found, rule, on_value, where, detail, frame, value, definition=flag is not None)

        else:

            def action(found, frame):
                if flag is not None:
                    found = [_with_flag(c, flag) for c in found or []]
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
                own, text, value = State.CONDITIONAL, '"auto" (filled in at run time)', "auto"
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
        for candidate in found or []:
            for rule, value in _value_meanings(kind, candidate.value, candidate.partial):
                self.emit(rule, value, where, candidate.state, f"{detail}: {candidate.value!r}", candidate.properties, frame)

    def env_write(self, key_node, value_node, where, how) -> None:
        keys = self.resolver.resolve(key_node)
        if not keys or not isinstance(keys[0].value, str):
            return
        name = keys[0].value
        if value_node is None:
            for meaning in interpret_env(name, None):
                self.emit(meaning.rule, meaning.value, where, meaning.state, f"{meaning.detail} ({how})")
            return
        self.later(value_node, lambda found, frame: self._env_value(name, found, value_node, where, how, frame))

    def _env_value(self, name, found, value_node, where, how, frame) -> None:
        usable = [c for c in found or [] if not c.partial and c.value is not None]
        if not usable:
            for meaning in interpret_env(name, ""):
                value = meaning.value if meaning.value == name else None
                detail = f"{name} set from {self.code(value_node)} ({how})"
                self.emit(meaning.rule, value, where, State.CONDITIONAL, detail, None, frame)
            return
        for candidate in usable:
            setting = str(int(candidate.value)) if isinstance(candidate.value, bool) else str(candidate.value)
            for meaning in interpret_env(name, setting):
                self.emit(
                    meaning.rule, meaning.value, where, combine(candidate.state, meaning.state),
                    f"{meaning.detail} ({how})", candidate.properties, frame,
                )

    # -- argparse -------------------------------------------------------------------------------------

    def _add_argument(self, node: cst.Call) -> None:
        options = [s for s in (literal_string(a.value) for a in node.args if a.keyword is None) if s]
        keywords = {a.keyword.value: a for a in node.args if a.keyword is not None}
        if "help" in keywords:
            self._mention_strings(keywords["help"].value)
        if "choices" in keywords:
            self._choices(keywords["choices"].value)
        default = keywords["default"].value if "default" in keywords else None
        if default is not None:
            default.visit(self)  # dtype objects as defaults (`default=torch.bfloat16`)
        if not options:
            return
        flag = next((o for o in options if o.startswith("--")), options[0])
        dest = literal_string(keywords["dest"].value) if "dest" in keywords else None
        dest = dest or flag.lstrip("-").replace("-", "_")
        action = literal_string(keywords["action"].value) if "action" in keywords else None
        self.flags[dest] = Flag(flag, default, action)
        key = dest.lower()
        negated = key.startswith(T.NEGATION_PREFIXES)
        if negated:
            key = key.split("_", 1)[1]
        key = T.FLAG_ALIASES.get(key, key)
        spec = T.KEYWORDS.get(key) or T.FLAG_KEYWORDS.get(key)
        if spec is None:
            return
        kind, rule = spec
        if kind == "switch":
            self._switch_flag(node, flag, rule, T.SWITCH_VALUES.get(key, True), default, action, negated)
        elif default is not None:
            self.later(default, lambda found, frame: self._valued(
                kind, key, [_with_flag(c, flag) for c in found or []], node, f"{flag} defaults to", frame))

    def _switch_flag(self, node, flag, rule, on_value, default, action, negated) -> None:
        if default is not None:
            found = self.resolver.resolve(default)
            value = found[0].value if found and len(found) == 1 else None
            if not found:
                self.emit(rule, on_value, node, State.CONDITIONAL, f"{flag} flag default set from {self.code(default)}", {"flag": flag})
                return
        else:
            value = action == "store_false"
        on = (not switch_truth(value)) if negated else bool(switch_truth(value))
        props = {"flag": flag, "default": on}
        if on:
            self.emit(rule, on_value, node, State.ENABLED, f"{flag} flag is on by default", props)
        else:
            self.emit(rule, on_value, node, State.MENTIONED, f"{flag} flag is off unless passed", props)

    def _choices(self, node: cst.BaseExpression) -> None:
        elements = node.elements if isinstance(node, (cst.List, cst.Tuple, cst.Set)) else []
        for element in elements:
            text = literal_string(element.value)
            if text is None:
                continue
            for kind in ("precision", "backend", "device", "attn"):
                for rule, value in _value_meanings(kind, text, False):
                    self.emit(rule, value, element.value, State.MENTIONED, f"{text!r} offered as a choice")

    # -- free text: comments, docstrings, help strings ---------------------------------------------------

    def visit_Comment(self, node: cst.Comment) -> None:
        self._mention_token(node, node.value, "comment")

    def visit_Expr(self, node: cst.Expr) -> bool:
        if isinstance(node.value, (cst.SimpleString, cst.ConcatenatedString)):
            self._mention_strings(node.value, "docstring")
            return False
        return True

    def _mention_strings(self, node: cst.BaseExpression, where: str = "help text") -> None:
        parts = [node] if isinstance(node, cst.SimpleString) else _string_parts(node)
        for part in parts:
            self.handled.add(id(part))
            self._mention_token(part, part.value, where)

    def _mention_token(self, node: cst.CSTNode, text: str, where: str) -> None:
        start = self.positions[node].start
        seen: set[tuple[int, str]] = set()
        for rule, value, begin, end, word in find_mentions(text):
            if (begin, rule) in seen:
                continue
            seen.add((begin, rule))
            span = span_in_token(text, start.line, start.column, begin, end)
            self.emit(rule, value, span, State.MENTIONED, f"{word!r} named in a {where}")

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
        for target in parse_arch_flags(prefix + body):
            begin = max(target.start - len(prefix), 0) + offset
            end = target.end - len(prefix) + offset
            start = self.positions[node].start
            span = span_in_token(text, start.line, start.column, begin, end)
            self.emit(target.rule, target.value, span, detail=f"compile target in {body[:60]!r}")


_CALL_HANDLERS = (
    PythonEvidenceVisitor._call_distributed,
    PythonEvidenceVisitor._call_precision,
    PythonEvidenceVisitor._call_runtime,
    PythonEvidenceVisitor._call_environment,
)


# -- helpers: pure functions on nodes and values -----------------------------------------------------


def _module_meanings(module: str) -> tuple[tuple[str, str], ...]:
    """Rule meanings of an imported module: the longest table prefix wins."""
    best = ""
    for prefix in T.MODULES:
        if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    return T.MODULES.get(best, ()) if best else ()


def _dtype_meaning(name: str) -> tuple[str, str] | None:
    if name in T.DTYPES:
        return T.DTYPES[name]
    match = T.FP8_DTYPE.match(name)
    if match:
        return "WAC105", match.group(1)
    match = T.FP4_DTYPE.match(name)
    if match:
        return "WAC106", match.group(1)
    return None


def _value_meanings(kind: str, value: Value, partial: bool) -> list[tuple[str, Value]]:
    """What a resolved keyword value means: [(rule, value)]."""
    if isinstance(value, bool) or value is None:
        if kind == "fsdp" and value is True:
            return [("WAC505", "fsdp")]
        return []
    text = str(value).strip()
    low = text.lower()
    if kind == "precision":
        if partial:
            return []
        if low in T.PRECISION_STRINGS:
            return [T.PRECISION_STRINGS[low]]
        match = T.FP8_STRING.match(low)
        return [("WAC105", match.group(1))] if match else []
    if kind == "backend":
        if partial:
            return []
        names = [part.split(":")[-1].strip() for part in low.split(",")]
        return [("WAC201", n) for n in names if n in T.BACKENDS]
    if kind == "device":
        device = low.split(":")[0]
        return [("WAC204", device)] if device in T.DEVICES else []
    if kind == "attn":
        return [("WAC601", T.ATTN_IMPLEMENTATIONS[low])] if low in T.ATTN_IMPLEMENTATIONS else []
    if kind == "fsdp":
        return [("WAC505", "fsdp")] if text and not partial else []
    return []


def switch_truth(value: Value) -> bool | None:
    """Whether a switch's value turns it on; None for "auto" (decided at run time).

    Unknown non-empty strings count as on: `fp8="hybrid"` selects an FP8 format.
    """
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    low = str(value).strip().lower()
    if low == "auto":
        return None
    if low in _FALSE_STRINGS:
        return False
    return True


def _with_flag(candidate: Candidate, flag: str) -> Candidate:
    candidate.properties.update({"flag": flag, "default": candidate.value})
    return candidate


def _constant_truth(node: cst.BaseExpression) -> bool | None:
    if isinstance(node, cst.Name) and node.value in {"True", "False", "None"}:
        return node.value == "True"
    if isinstance(node, cst.Integer):
        return node.value not in {"0", "0x0"}
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        inner = _constant_truth(node.expression)
        return None if inner is None else not inner
    return None


def _is_neutral_test(node: cst.BaseExpression) -> bool:
    """`if __name__ == "__main__":` runs whenever the script runs."""
    if isinstance(node, cst.Comparison) and isinstance(node.left, cst.Name) and node.left.value == "__name__":
        return True
    return False


def _is_type_checking(node: cst.BaseExpression) -> bool:
    return dotted(node) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}


def _handler_names(handler: cst.ExceptHandler | cst.ExceptStarHandler) -> set[str]:
    if handler.type is None:
        return set()
    types = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
    names = set()
    for element in types:
        name = dotted(getattr(element, "value", element))
        if name:
            names.add(name.rsplit(".", 1)[-1])
    return names


def _has_import(block: cst.BaseSuite) -> bool:
    statements = block.body if isinstance(block, cst.IndentedBlock) else [block]
    for statement in statements:
        small = statement.body if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else []
        if any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in small):
            return True
    return False


def _version_test(test: cst.BaseExpression, aliases: Aliases) -> tuple[cst.BaseExpression | None, bool]:
    """(the torch.version.X node, whether the test is true when it is absent) or (None, False)."""
    negate = False
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test, negate = test.expression, True
    if aliases.resolve(test) in T.VERSION_ATTRIBUTES:
        return test, negate  # `if hip:` is true when present; `if not hip:` when absent
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.left
        comparison = test.comparisons[0]
        if aliases.resolve(target) in T.VERSION_ATTRIBUTES and _constant_truth(comparison.comparator) is False:
            absent = isinstance(comparison.operator, (cst.Is, cst.Equal))
            return target, absent != negate
    return None, False


def _starts_with_exit(body: cst.BaseSuite) -> bool:
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    if not statements:
        return False
    first = statements[0]
    small = first.body if isinstance(first, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else []
    if not small:
        return False
    head = small[0]
    if isinstance(head, cst.Raise):
        return True
    if isinstance(head, cst.Expr) and isinstance(head.value, cst.Call):
        return dotted(head.value.func) in {"sys.exit", "exit", "quit", "os._exit"}
    return False


def _subscript_key(node: cst.Subscript) -> cst.BaseExpression | None:
    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        return node.slice[0].slice.value
    return None


def _unwrap_field(node: cst.BaseExpression) -> cst.BaseExpression:
    """`field(default=True, metadata=...)` -> `True` (dataclass argument classes)."""
    if isinstance(node, cst.Call) and dotted(node.func) in {"field", "dataclasses.field"}:
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "default":
                return arg.value
    return node


def _dict_get(node: cst.Dict, key: str) -> cst.BaseExpression | None:
    for element in node.elements:
        if isinstance(element, cst.DictElement) and literal_string(element.key) == key:
            return element.value
    return None




def _string_parts(node: cst.BaseExpression) -> Iterable[cst.SimpleString]:
    if isinstance(node, cst.SimpleString):
        yield node
    elif isinstance(node, cst.ConcatenatedString):
        yield from _string_parts(node.left)
        yield from _string_parts(node.right)
