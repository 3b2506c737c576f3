"""Walks a bash syntax tree in execution order, tracking variables and whether each statement runs.

The walk keeps a `Context`: the state a statement's facts get (enabled on the
path the script takes, dead in a branch the file's own constants rule
out, conditional where the file cannot tell, mentioned in a comment) and the
variables known at that point. Branches are walked on copies of the
variables and merged afterwards: a variable that differs between branches
that may run becomes unknown.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

from ...evidence import RawFinding, State, Value
from .. import ExtractionError, deepspeed
from ..buildflags import normalise_arch_list, parse_arch_flags
from ..environment import EXACT, PREFIXES, interpret_env, is_hardware_variable
from ..treesitter import Point, Positions, offset_point, parser, shift
from . import commands, conditions, launchers
from .functions import FunctionUse
from .states import DEAD_BRANCH, combine, nest, where
from .words import UNKNOWN, Array, Chunk, Expander, Word, joined, same_value, words_from
from ...rules.codes import Code

_COMMENTED_COMMAND = re.compile(
    r"^(?:export|declare|unset|env|[A-Za-z_][A-Za-z0-9_]*=|torchrun|deepspeed|accelerate|srun|mpirun|mpiexec|"
    r"python[0-9.]*|nohup|sbatch|nvcc)\b"
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_READ_VALUE_OPTIONS = frozenset("dinNptu")  # read options whose value follows
_CANN_SET_ENV = re.compile(r"(?:ascend-toolkit|/Ascend)/(?:[^/]+/)*set_env\.sh$")
HEREDOC_WHERE = "in a config a heredoc writes: whether a launch reads it is decided at run time"
_ARCH_HINT = re.compile(r"gencode|-arch|offload-arch|amdgpu-target")
# Statement kinds with their own handling; every other node is walked through its children.
_HANDLERS = {
    kind: "_" + kind
    for kind in (
        "comment",
        "variable_assignment",
        "variable_assignments",
        "declaration_command",
        "unset_command",
        "function_definition",
        "subshell",
        "redirected_statement",
        "list",
        "if_statement",
        "for_statement",
        "case_statement",
        "command",
    )
}
_LOOPS = {"while_statement", "c_style_for_statement"}
_SHELLS = {"bash", "sh", "zsh", "dash"}
_DASH_C = re.compile(r"^-[a-z]*c$")
_JSON_SCALAR = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")


@dataclass
class Context:
    state: State
    env: dict


class ShellWalker:
    def __init__(
        self,
        data: bytes,
        positions: Positions,
        resolve,
        exported: frozenset[str],
        found: list[RawFinding],
        base: Point = (0, 0),
        comments: bool = True,
        here: str | None = None,
    ) -> None:
        self.data = data
        self.positions = positions
        self.resolve = resolve
        self.exported = exported
        self.found = found
        self.base = base
        self.comments = comments
        self.here = here
        self.expander = Expander(data, self._shift, here)
        self.allexport = False
        self.functions: dict[str, tuple[object, State, str]] = {}  # name -> (body, state, dead_why) where defined
        # name -> (the liveliest state the body was walked in, the findings that walk gave)
        self.walked_functions: dict[str, tuple[State, list[RawFinding]]] = {}
        self.dead_why = DEAD_BRANCH  # why the code being walked cannot run, when it cannot
        self.function_use: FunctionUse | None = None  # set for a whole file: decides which uncalled functions are dead

    # -- plumbing ---------------------------------------------------------------------------------------------

    def _shift(self, point) -> Point:
        return shift(point, self.base)

    def raw(self, node) -> str:
        return self.expander.raw(node)

    def add(self, rule: str, value: Value, state: State, start: Point, end: Point, detail: str, properties=None):
        self.found.append(
            RawFinding(rule, value, state, self.positions.span(start, end), detail, dict(properties or {}))
        )

    def add_words(self, rule, value, state, first: Word, last: Word | None, detail, properties):
        end = first.end
        if last is not None and last.start[0] == first.start[0] and last.start >= first.start:
            end = max(first.end, last.end)
        self.add(rule, value, state, first.start, end, detail, properties)

    # -- statements -------------------------------------------------------------------------------------------

    def program(self, root, state: State, env: dict | None = None) -> None:
        ctx = Context(state, env if env is not None else {})
        nodes = [n for n in root.children if n.is_named]
        end = next((i for i, n in enumerate(nodes) if _is_exit(n, self.data)), len(nodes))
        self.block(nodes[: end + 1], ctx)
        if end + 1 < len(nodes):
            line = self._shift(nodes[end].start_point)[0] + 1
            word = self.raw(nodes[end].child_by_field_name("name"))
            self.dead_block(nodes[end + 1 :], ctx, f"after the unconditional {word} at line {line}")
        for name, (body, defined, why) in list(self.functions.items()):
            if name in self.walked_functions:
                continue
            if defined is State.DEAD:  # dead for the reason it was dead where defined (a live context takes `why`)
                self.dead_block([body], Context(State.ENABLED, dict(ctx.env)), why)
            elif self.function_use is not None and self.function_use.is_dead(name):
                self.dead_block([body], Context(defined, dict(ctx.env)), f"in function {name}, which nothing calls")
            else:  # defined, never called here: may be called by whoever sources us
                self.statement(body, Context(nest(defined, State.CONDITIONAL), dict(ctx.env)))

    def dead_block(self, nodes, ctx: Context, why: str) -> None:
        """Walk code that cannot run (on a copy of the variables); the outermost reason is the one reported."""
        inner = Context(nest(ctx.state, State.DEAD), dict(ctx.env))
        if ctx.state is State.DEAD:
            self.block(nodes, inner)
            return
        outer, self.dead_why = self.dead_why, why
        try:
            self.block(nodes, inner)
        finally:
            self.dead_why = outer

    def block(self, nodes, ctx: Context) -> None:
        nodes = [n for n in nodes if n.is_named]
        index = 0
        while index < len(nodes):
            node = nodes[index]
            if node.type == "comment" and self.comments:
                last = index  # a commented-out command may continue over lines ending in "\"
                while (
                    last + 1 < len(nodes)
                    and nodes[last + 1].type == "comment"
                    and nodes[last + 1].start_point[0] == nodes[last].start_point[0] + 1
                    and self.raw(nodes[last]).rstrip().endswith("\\")
                ):
                    last += 1
                self._comments(nodes[index : last + 1], ctx)
                index = last + 1
                continue
            self.statement(node, ctx)
            index += 1

    def statement(self, node, ctx: Context) -> None:
        kind = node.type
        if kind in _HANDLERS:
            getattr(self, _HANDLERS[kind])(node, ctx)
        elif kind in _LOOPS:
            self._loop(node, ctx)
            body = node.child_by_field_name("body")
            if kind == "c_style_for_statement" and body is not None:
                self._rank_loop(node, [], body, ctx)
        else:
            self.block(node.children, ctx)  # program, pipeline, compound_statement, do_group, ERROR...

    def _comment(self, node, ctx: Context) -> None:
        if self.comments:
            self._comments([node], ctx)

    def _comments(self, nodes, ctx: Context) -> None:
        """Commented-out code: the comment lines read as code, with each `#` blanked so positions stay exact."""
        text = self.raw(nodes[0])
        if text.startswith("#!") or not _COMMENTED_COMMAND.match(text.lstrip("#").lstrip()):
            return
        data = bytearray(self.data[nodes[0].start_byte : nodes[-1].end_byte])
        for node in nodes:
            start = node.start_byte - nodes[0].start_byte
            hashes = len(self.raw(node)) - len(self.raw(node).lstrip("#"))
            data[start : start + hashes] = b" " * hashes
        self.sub_parse(bytes(data), self._shift(nodes[0].start_point), nest(ctx.state, State.MENTIONED), ctx.env)

    def sub_parse(self, data: bytes, base: Point, state: State, env: dict) -> None:
        """Walk text that is code inside a comment or an eval'd string, as if written where it stands."""
        tree = parser("bash").parse(data)
        if tree.root_node.has_error:
            return  # prose, not a command
        walker = ShellWalker(data, self.positions, self.resolve, self.exported, self.found, base, False, self.here)
        walker.allexport = self.allexport
        walker.dead_why = self.dead_why
        walker.program(tree.root_node, state, dict(env))

    def _variable_assignment(self, node, ctx: Context, exported: bool | None = None) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        name = self.raw(name_node)
        if name_node.type == "subscript":
            return  # ARR[i]=x: not tracked
        value_node = node.child_by_field_name("value")
        append = any(c.type == "+=" for c in node.children)
        if value_node is not None and value_node.type == "array":
            elements = []
            for element in value_node.named_children:
                for word in words_from(self.expander.expand(element, ctx.env)):
                    elements.append(
                        (
                            Chunk(
                                word.text,
                                word.start,
                                word.end,
                                word.known,
                                False,
                                word.default_of,
                                anchored=word.anchored,
                            ),
                        )
                    )
            previous = ctx.env.get(name)
            if append and isinstance(previous, Array):
                elements = list(previous.elements) + elements
            ctx.env[name] = Array(tuple(elements))
            return
        chunks = self.expander.expand(value_node, ctx.env, quoted=True) if value_node is not None else []
        chunks = [replace(c, split=False) for c in chunks if c is not None]
        previous = ctx.env.get(name)
        if append:
            chunks = (
                list(previous) + chunks
                if isinstance(previous, tuple)
                else [Chunk(f"${{{name}}}", self._shift(node.start_point), self._shift(node.end_point), known=False)]
                + chunks
            )
        ctx.env[name] = tuple(chunks)
        if exported is None:
            exported = self.allexport or name in self.exported
        start, end = self._shift(node.start_point), self._shift(node.end_point)
        self.env_facts(name, chunks, start, end, ctx.state, exported)
        if value_node is not None and name not in EXACT:
            self.arch_flags(value_node, ctx.state)

    def _variable_assignments(self, node, ctx: Context) -> None:
        for child in node.named_children:
            if child.type == "variable_assignment":
                self._variable_assignment(child, ctx)

    def _declaration_command(self, node, ctx: Context) -> None:
        keyword = node.children[0].type if node.children else ""
        options = [self.raw(c) for c in node.named_children if c.type == "word" and self.raw(c).startswith("-")]
        exported = keyword == "export" or any("x" in o for o in options if o.startswith("-"))
        for child in node.named_children:
            if child.type == "variable_assignment":
                self._variable_assignment(child, ctx, exported=exported or None)
            elif exported and child.type in ("simple_expansion", "expansion", "string", "concatenation"):
                # export $NCCL_ENV: each NAME=VALUE word of the expanded value is exported
                for word in words_from(self.expander.expand(child, ctx.env)):
                    if "=" in word.text and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", word.text.partition("=")[0]):
                        self.env_word(word, ctx.state)

    def _unset_command(self, node, ctx: Context) -> None:
        for child in node.named_children:
            name = self.raw(child)
            if name.startswith("-") or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                continue
            ctx.env.pop(name, None)
            start, end = self._shift(child.start_point), self._shift(child.end_point)
            for meaning in interpret_env(name, None):  # mentioned: the library default applies
                self.add(
                    meaning.rule,
                    meaning.value,
                    combine(ctx.state, meaning.state),
                    start,
                    end,
                    self._detail(meaning.detail, ctx.state),
                    {"variable": name},
                )

    def _function_definition(self, node, ctx: Context) -> None:
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is not None and body is not None:
            self.functions[self.raw(name)] = (body, ctx.state, self.dead_why)

    def call_function(self, name: str, ctx: Context) -> None:
        """Walk a function's body where it is called. A body first walked from a call that is dead or
        conditional is walked again from a livelier call, and what the earlier walk found is dropped."""
        walked = self.walked_functions.get(name)
        if walked is not None:
            state, earlier = walked
            if _LIVELINESS[ctx.state] >= _LIVELINESS[state]:
                return
            dropped = {id(raw) for raw in earlier}
            self.found[:] = [raw for raw in self.found if id(raw) not in dropped]
        before = len(self.found)
        self.walked_functions[name] = (ctx.state, [])  # a recursive call inside stops here
        self.statement(self.functions[name][0], ctx)
        self.walked_functions[name] = (ctx.state, self.found[before:])

    def _subshell(self, node, ctx: Context) -> None:
        self.block(node.children, Context(ctx.state, dict(ctx.env)))

    def _redirected_statement(self, node, ctx: Context) -> None:
        body = node.child_by_field_name("body")
        if body is not None:
            self.statement(body, ctx)
        for child in node.children:
            if child.type == "heredoc_redirect":
                self.heredoc(child, ctx)

    def heredoc(self, node, ctx: Context) -> None:
        """A config written by a heredoc: read it if it is a DeepSpeed JSON; whether it is used is a runtime matter."""
        body = next((c for c in node.named_children if c.type == "heredoc_body"), None)
        if body is None:
            return
        text = self._heredoc_json(body, ctx.env)
        if not text.lstrip().startswith("{"):
            return
        try:
            raws = deepspeed.extract_text(text, self._shift(body.start_point))
        except ExtractionError:
            return  # a template with shell expansions is not JSON until the shell runs
        state = nest(ctx.state, State.CONDITIONAL)
        for raw in raws:
            new_state = combine(state, raw.state)
            # Say why the state changed, as branches do; otherwise "sets bf16.enabled to true" reads as a contradiction.
            detail = raw.detail
            if new_state is not raw.state:
                why = where(ctx.state, self.dead_why) if ctx.state is not State.ENABLED else HEREDOC_WHERE
                detail = f"{detail} ({why})" if detail else why
            self.found.append(
                replace(raw, state=new_state, detail=detail, properties={**raw.properties, "heredoc": True})
            )

    def _heredoc_json(self, body, env: dict) -> str:
        """The heredoc text with each expansion replaced, byte for byte, so JSON positions stay exact.

        A known JSON scalar (`$STAGE` = 3) is written in, padded with spaces;
        anything else becomes `""`, which no setting reads as a value.
        """
        data = bytearray(self.data[body.start_byte : body.end_byte])
        for child in body.named_children:
            if child.type not in ("simple_expansion", "expansion", "command_substitution", "arithmetic_expansion"):
                continue
            width = child.end_byte - child.start_byte
            text, known = joined(self.expander.expand(child, env, quoted=True))
            literal = text.encode("utf-8") if known and _JSON_SCALAR.fullmatch(text) else b'""'
            if len(literal) > width:
                literal = b'""'
            start = child.start_byte - body.start_byte
            data[start : start + width] = literal.ljust(width)
        return data.decode("utf-8", "replace")

    def _list(self, node, ctx: Context) -> None:
        children = node.children
        if len(children) != 3:
            self.block(children, ctx)
            return
        left, operator, right = children
        self.statement(left, ctx)
        test = conditions.is_test(left)
        verdict = conditions.evaluate(left, self.expander, ctx.env) if test else None
        if operator.type == "||":
            verdict = None if verdict is None else not verdict
            if not test:
                verdict = None  # runs only when the command before it fails
        elif not test:
            verdict = True  # `cd dir && torchrun ...`: commands are taken to succeed
        default_for = self._default_idiom(left, ctx.env, "-z" if operator.type == "&&" else "-n")
        self._guarded([right], ctx, verdict, default_for)

    def _default_idiom(self, condition, env: dict, operator: str) -> str | None:
        """NAME when `condition` tests that a variable the file never set is empty (`[ -z "$GPUS" ] && GPUS=8`):
        what the body assigns is then the variable's default, as with `${GPUS:-8}`."""
        found = conditions.emptiness_test(condition, self.expander)
        if found is None or found[0] != operator or found[1] in env:
            return None
        return found[1]

    def _if_statement(self, node, ctx: Context) -> None:
        branches: list[tuple[object, list]] = []
        condition = [c for c in node.children_by_field_name("condition") if c.is_named]
        body = [c for c in node.named_children if c not in condition and c.type not in ("elif_clause", "else_clause")]
        branches.append((condition, body))
        has_else = False
        for clause in node.named_children:
            if clause.type == "elif_clause":
                # tree-sitter-bash gives an elif clause no condition field: its condition is what stands before `then`
                named = clause.named_children
                then = next((c for c in clause.children if c.type == "then"), None)
                cond = [c for c in named if then is not None and c.end_byte <= then.start_byte] or named[:1]
                branches.append((cond, [c for c in named if c not in cond]))
            elif clause.type == "else_clause":
                branches.append((True, clause.named_children))
                has_else = True
        self._chain(branches, ctx, has_else)

    def _chain(self, branches, ctx: Context, exhaustive: bool) -> None:
        """if/elif/else: the first branch whose condition holds runs."""
        before = dict(ctx.env)
        outcomes: list[dict] = []
        taken = False  # an earlier branch surely ran
        maybe = False  # an earlier branch may have run
        for condition, body in branches:
            if isinstance(condition, list):
                # A condition runs only when every earlier one failed, so what it assigns holds for the later ones,
                # its body and the path on which no branch runs (each earlier body copied the variables before it).
                reached = State.DEAD if taken else State.CONDITIONAL if maybe else State.ENABLED
                for cond in condition:
                    if reached is State.DEAD:
                        self.dead_block([cond], ctx, DEAD_BRANCH)
                        continue
                    self.statement(cond, Context(nest(ctx.state, reached), ctx.env))
                verdict = conditions.evaluate(condition[-1], self.expander, ctx.env) if condition else None
            else:
                verdict = condition
            if taken or verdict is False:
                self.dead_block(body, ctx, DEAD_BRANCH)
                continue
            branch_env = dict(ctx.env)
            if verdict is True and not maybe:
                self.block(body, Context(ctx.state, branch_env))
                taken = True
            elif verdict is True:  # runs unless an earlier branch did: either way no later branch runs
                self.block(body, Context(nest(ctx.state, State.CONDITIONAL), branch_env))
                taken = True
            else:
                self.block(body, Context(nest(ctx.state, State.CONDITIONAL), branch_env))
                maybe = True
            outcomes.append(branch_env)
        default_for = None
        if len(branches) == 1 and isinstance(branches[0][0], list) and branches[0][0] and maybe:
            default_for = self._default_idiom(branches[0][0][-1], before, "-z")
        if taken and not maybe:
            final = outcomes[-1]
        else:
            if not taken and not exhaustive:
                outcomes.append(dict(ctx.env))
            final = _merge(outcomes) if outcomes else dict(ctx.env)
        ctx.env.clear()
        ctx.env.update(final)
        if default_for and outcomes:
            self._keep_default(default_for, outcomes[0], ctx.env)

    def _loop(self, node, ctx: Context) -> None:
        """`while`/`until`: the body is dead when the file's own values make the first test fail, else it may
        run (conditional). The test itself runs either way."""
        condition = [c for c in node.children_by_field_name("condition") if c.is_named]
        body = node.child_by_field_name("body")
        if node.type == "c_style_for_statement" or not condition or body is None:
            self._guarded(node.named_children, ctx, None)
            return
        for cond in condition:
            self.statement(cond, ctx)
        verdict = conditions.evaluate(condition[-1], self.expander, ctx.env)
        enters = verdict if node.children[0].type == "while" else conditions.negate(verdict)
        self._guarded([body], ctx, False if enters is False else None)

    def _guarded(self, body, ctx: Context, verdict: bool | None, default_for: str | None = None) -> None:
        """A body that runs if a verdict holds (loops, `&&`/`||`); None: the file cannot tell."""
        if verdict is False:
            self.dead_block(body, ctx, DEAD_BRANCH)
        elif verdict is True:
            self.block(body, ctx)
        else:
            branch_env = dict(ctx.env)
            self.block(body, Context(nest(ctx.state, State.CONDITIONAL), branch_env))
            merged = _merge([branch_env, dict(ctx.env)])
            ctx.env.clear()
            ctx.env.update(merged)
            self._keep_default(default_for, branch_env, ctx.env)

    @staticmethod
    def _keep_default(name: str | None, branch_env: dict, env: dict) -> None:
        value = branch_env.get(name) if name else None
        if isinstance(value, tuple):
            env[name] = tuple(replace(chunk, default_of=name) for chunk in value)

    def _for_statement(self, node, ctx: Context) -> None:
        values = node.children_by_field_name("value")
        variable = node.child_by_field_name("variable")
        body = node.child_by_field_name("body")
        literal = values and all(v.type in ("word", "number", "string", "raw_string") for v in values)
        if variable is not None:
            ctx.env[self.raw(variable)] = UNKNOWN
        if body is not None:
            self._guarded([body], ctx, True if literal else None)
            self._rank_loop(node, [self.raw(v) for v in values], body, ctx)

    def _rank_loop(self, node, values: list[str], body, ctx: Context) -> None:
        """A loop that starts one background process per DEVICE_ID: a launcher and its device count."""
        header = self.raw(node)[: body.start_byte - node.start_byte]
        devices = commands.rank_loop_devices(header, values, self.raw(body))
        if devices is None:
            return
        start, end = self._shift(node.start_point), self._shift(node.start_point)
        end = (end[0], end[1] + len(header.split("\n", 1)[0].rstrip()))
        props = {"launcher": "rank-loop"}
        self.add(Code.LAUNCHER, "rank-loop", ctx.state, start, end,
                 self._detail("one background process per DEVICE_ID", ctx.state), props)
        if isinstance(devices, int):
            detail = self._detail(f"the loop starts {devices} processes", ctx.state)
            self.add(Code.GPUS_PER_NODE, devices, ctx.state, start, end, detail, props)
        else:
            detail = self._detail(f"the loop's range ({devices}) is not decided by this file", ctx.state)
            self.add(Code.GPUS_PER_NODE, devices, nest(ctx.state, State.CONDITIONAL), start, end, detail, props)

    def _case_statement(self, node, ctx: Context) -> None:
        value_node = node.child_by_field_name("value")
        text = conditions.decided_text(self.expander.expand(value_node, ctx.env, quoted=True)) if value_node else None
        known = text is not None
        branches: list[tuple[object, list]] = []
        later: list[list] = []  # items after one ending in `;&` / `;;&`: run or tested whatever ran before them
        falls_through = False
        for item in node.named_children:
            if item.type != "case_item":
                continue
            patterns = item.children_by_field_name("value")
            body = [c for c in item.named_children if c not in patterns]
            if falls_through:
                later.append(body)
                continue
            verdict: object = None
            if known:
                expand = self.expander.expand
                pattern_texts = [conditions.decided_text(expand(p, ctx.env, quoted=True)) for p in patterns]
                if all(t is not None for t in pattern_texts):
                    verdict = any(conditions.case_matches(text, t) for t in pattern_texts)
            branches.append((verdict, body))
            terminator = item.child_by_field_name("termination") or item.child_by_field_name("fallthrough")
            falls_through = terminator is not None and terminator.type in (";&", ";;&")
        self._chain(branches, ctx, exhaustive=False)
        if later:  # never dead: the item before may run and fall through to them
            self._chain([(None, body) for body in later], ctx, exhaustive=False)

    def _command(self, node, ctx: Context) -> None:
        name = node.child_by_field_name("name")
        for child in node.children:
            if child.type == "variable_assignment":
                prefix = Context(ctx.state, dict(ctx.env))
                self._variable_assignment(child, prefix, exported=True)  # X=1 cmd: X is in cmd's environment
        if name is None:
            return
        nodes = [name] + node.children_by_field_name("argument")
        if nodes[0].named_child_count == 1:
            nodes[0] = nodes[0].named_children[0]
        words: list[Word] = []
        for part in nodes:
            found = words_from(self.expander.expand(part, ctx.env))
            if len(found) == 1:
                found = [replace(found[0], raw=self.raw(part))]
            words.extend(found)
        if not words:
            return
        head = words[0].text if words[0].known else ""
        if head in self.functions:
            self.call_function(head, ctx)
            return
        if head == "set":
            self._set(words)
        elif head == "read":
            self._read(words, ctx.env)
        elif head in ("source", ".") and len(words) > 1 and words[1].known and _CANN_SET_ENV.search(words[1].text):
            # CANN's set_env.sh exports ASCEND_TOOLKIT_HOME and the other ASCEND_* variables (traps.md: Ascend tell).
            detail = f"{head} {words[1].text} sets ASCEND_TOOLKIT_HOME and the other ASCEND_* variables (Huawei CANN)"
            detail = self._detail(detail, ctx.state)
            self.add_words(Code.VENDOR_ENVIRONMENT, "ASCEND_TOOLKIT_HOME", ctx.state, words[0], words[1], detail,
                           {"variable": "ASCEND_TOOLKIT_HOME", "sourced": words[1].text})
        code = self._inline_code(nodes, ctx)
        # The code an argument holds was read as code, in its own state: its flags are not the command line's too.
        self.arch_flags(node, ctx.state, start=name, stop=code)
        # Every fact of one command line carries the line the command starts on, so a reader can
        # group a launch's flags with the config it passes even when the command spans lines.
        line = self._shift(node.start_point)[0] + 1
        sink = launchers.Sink(
            add=lambda rule, value, state, first, last, detail, properties: self.add_words(
                rule, value, state, first, last, self._detail(detail, ctx.state), {**properties, "command_line": line}
            ),
            env=lambda word, state: self.env_word(word, state),
            resolve=self.resolve,
        )
        launchers.analyze(words, ctx.state, sink)

    @staticmethod
    def _read(words: list[Word], env: dict) -> None:
        """`read N`: N now holds input, so `${N:-8}` after it is decided at run time, not by its default."""
        takes_value = False
        for word in words[1:]:
            if takes_value:
                takes_value = False  # the value of -p/-t/-d...: not a variable
                continue
            if word.text.startswith("-") and len(word.text) > 1:
                takes_value = word.text[-1] in _READ_VALUE_OPTIONS  # -a NAME falls through: NAME is a variable
                continue
            if word.known and _NAME.fullmatch(word.text):
                env[word.text] = UNKNOWN

    def _set(self, words: list[Word]) -> None:
        for index, word in enumerate(words[1:], start=1):
            if word.text in ("-a", "+a"):
                self.allexport = word.text == "-a"
            elif word.text in ("-o", "+o") and index + 1 < len(words) and words[index + 1].text == "allexport":
                self.allexport = word.text == "-o"

    def _inline_code(self, nodes, ctx: Context):
        """Code held in a string: `eval "export X=1"` (conditional: what eval runs is built at run time) and
        `bash -c "torchrun ..."`, also behind `srun`/`mpirun` (read as if written in place). Returns the first
        argument read as code, if any."""
        texts = [self.raw(n) for n in nodes]
        if texts[0] == "eval":
            for argument in nodes[1:]:
                self._code_in(argument, nest(ctx.state, State.CONDITIONAL), ctx.env)
            return nodes[1] if len(nodes) > 1 else None
        for index, text in enumerate(texts[:-2]):
            if os.path.basename(text) in _SHELLS and _DASH_C.match(texts[index + 1]):
                self._code_in(nodes[index + 2], ctx.state, ctx.env)
                return nodes[index + 2]
        return None

    def _code_in(self, node, state: State, env: dict) -> None:
        if node.type == "string" and [c.type for c in node.named_children] in (["simple_expansion"], ["expansion"]):
            node = node.named_children[0]  # eval "$CMD": the code is the variable's value
        if node.type == "string" and self._code_after_expansion(node, state, env):
            return
        if node.type in ("string", "raw_string"):
            inner = self.data[node.start_byte + 1 : node.end_byte - 1]
            start = self._shift(node.start_point)
            self.sub_parse(inner, (start[0], start[1] + 1), state, env)
        elif node.type in ("simple_expansion", "expansion"):
            chunks = [c for c in self.expander.expand(node, env, quoted=True) if c is not None]
            if len(chunks) == 1 and chunks[0].known and chunks[0].source is not None:
                self.sub_parse(chunks[0].source.encode("utf-8"), chunks[0].start, state, env)

    def _code_after_expansion(self, node, state: State, env: dict) -> bool:
        """`eval "$ENVS python train.py"`: eval expands the string before parsing it, so `$ENVS` may hold env
        prefixes. Read the expanded text when every part is known; its facts point at the whole string, since
        their exact columns exist only after expansion."""
        children = node.named_children
        if not children or children[0].type not in ("simple_expansion", "expansion"):
            return False
        if children[0].start_byte != node.start_byte + 1:
            return False  # text before the expansion: read as written
        chunks = self.expander.expand(node, env, quoted=True)
        text, known = joined(chunks)
        if not known or not text:
            return False
        before = len(self.found)
        self.sub_parse(text.encode("utf-8"), self._shift(node.start_point), state, env)
        span = self.positions.node_span(node, self.base)
        self.found[before:] = [replace(raw, span=span) for raw in self.found[before:]]
        return True

    # -- facts ------------------------------------------------------------------------------------------------

    def _detail(self, detail: str, context: State) -> str:
        phrase = where(context, self.dead_why)
        if not phrase:
            return detail
        return f"{detail} ({phrase})" if detail else phrase  # no detail (a launcher without a script): the phrase alone

    def env_facts(self, name: str, chunks, start: Point, end: Point, context: State, exported: bool) -> None:
        if not is_hardware_variable(name):
            return
        text, known = joined(chunks)
        default_of = next((c.default_of for c in chunks if c is not None and c.default_of), None)
        switch = _switch_kind(name)
        for meaning in interpret_env(name, text):
            own = meaning.state
            detail = meaning.detail if text else f'{name}="" (set to the empty string)'
            if not known and switch != "set":
                own = State.CONDITIONAL
                detail += " (the value is decided at run time)"
            if not exported:
                own = State.CONDITIONAL
                detail += " (assigned but not exported in this file)"
            value = meaning.value
            if meaning.rule in (Code.CUDA_ARCH_LIST, Code.ROCM_ARCH_LIST) and isinstance(value, str) and known:
                value = normalise_arch_list(value)
            properties: dict[str, Value] = {"variable": name, "setting": text}
            if default_of:
                properties["default_of"] = default_of
            self.add(meaning.rule, value, combine(context, own), start, end, self._detail(detail, context), properties)

    def env_word(self, word: Word, state: State) -> None:
        """NAME=VALUE handed to a program (`env X=1 cmd`, `mpirun -x X=1`)."""
        name, _, value = word.text.partition("=")
        chunk = Chunk(value, word.start, word.end, word.known, default_of=word.default_of)
        self.env_facts(name, [chunk], word.start, word.end, state, exported=True)

    def arch_flags(self, node, context: State, start=None, stop=None) -> None:
        """Compiler target flags in the text of `node`, from `start` (a node) when given, up to `stop` when given."""
        first = start if start is not None else node
        raw = self.data[first.start_byte : stop.start_byte if stop is not None else node.end_byte]
        text = raw.decode("utf-8", "replace")
        if not _ARCH_HINT.search(text):
            return
        base = self._shift(first.start_point)
        for target in parse_arch_flags(text):
            begin = len(text[: target.start].encode("utf-8"))
            finish = len(text[: target.end].encode("utf-8"))
            self.add(
                target.rule,
                target.value,
                context,
                offset_point(raw, begin, base),
                offset_point(raw, finish, base),
                self._detail(f"compiler flag {text[target.start : target.end]}", context),
                {},
            )


def _switch_kind(name: str) -> str:
    entry = EXACT.get(name)
    if entry is not None:
        return entry[1]
    for prefix, (_, kind) in sorted(PREFIXES.items(), key=lambda item: -len(item[0])):
        if name.startswith(prefix):
            return kind
    return "set"


# How live a walk's state is: a function walked in one state is walked again only from a livelier call.
_LIVELINESS = {State.ENABLED: 0, State.DISABLED: 0, State.CONDITIONAL: 1, State.DEAD: 2, State.MENTIONED: 3}


def _is_exit(node, data: bytes) -> bool:
    """A statement after which nothing at top level runs: `exit` (with or without a status), or `exec` with a
    command, which replaces the shell (`exec 3>&1` without one only redirects)."""
    if node.type != "command":
        return False
    name = node.child_by_field_name("name")
    word = data[name.start_byte : name.end_byte] if name is not None else b""
    return word == b"exit" or (word == b"exec" and bool(node.children_by_field_name("argument")))


def _merge(outcomes: list[dict]) -> dict:
    """Variables after branches that may each have run: those that agree keep their value."""
    names = set().union(*(o.keys() for o in outcomes))
    merged = {}
    for name in names:
        values = [o.get(name) for o in outcomes]
        if all(same_value(values[0], v) for v in values[1:]):
            if values[0] is not None:
                merged[name] = values[0]
        else:
            merged[name] = UNKNOWN
    return merged


__all__ = ["Context", "ExtractionError", "ShellWalker"]
