"""Walks a bash syntax tree in execution order, tracking variables and whether each statement runs.

The walk keeps a `Context`: the state a statement's facts get (enabled on the
path the script takes, disabled in a branch the file's own constants rule
out, conditional where the file cannot tell, mentioned in a comment) and the
variables known at that point. Branches are walked on copies of the
variables and merged afterwards: a variable that differs between branches
that may run becomes unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ...evidence import RawFinding, State, Value
from .. import ExtractionError
from .. import deepspeed
from ..buildflags import normalise_arch_list, parse_arch_flags
from ..environment import EXACT, PREFIXES, interpret_env, is_hardware_variable
from ..treesitter import Point, Positions, offset_point, parser, shift
from . import conditions, launchers
from .states import combine, nest, where
from .words import UNKNOWN, Array, Chunk, Expander, Word, joined, same_value, words_from

_COMMENTED_COMMAND = re.compile(
    r"^(?:export|declare|unset|env|[A-Za-z_][A-Za-z0-9_]*=|torchrun|deepspeed|accelerate|srun|mpirun|mpiexec|"
    r"python[0-9.]*|nohup|sbatch|nvcc)\b"
)
_ARCH_HINT = re.compile(r"gencode|-arch|offload-arch|amdgpu-target")
_LOOPS = {"while_statement", "c_style_for_statement"}
_JSON_SCALAR = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")


@dataclass
class Context:
    state: State
    env: dict


class Walker:
    def __init__(
        self,
        data: bytes,
        positions: Positions,
        resolve,
        exported: frozenset[str],
        found: list[RawFinding],
        base: Point = (0, 0),
        comments: bool = True,
    ) -> None:
        self.data = data
        self.positions = positions
        self.resolve = resolve
        self.exported = exported
        self.found = found
        self.base = base
        self.comments = comments
        self.expander = Expander(data, self._shift)
        self.allexport = False
        self.functions: dict[str, object] = {}
        self.walked_functions: set[str] = set()

    # -- plumbing ---------------------------------------------------------------------------------------------

    def _shift(self, point) -> Point:
        return shift(point, self.base)

    def raw(self, node) -> str:
        return self.expander.raw(node)

    def add(self, rule: str, value: Value, state: State, start: Point, end: Point, detail: str, properties=None):
        self.found.append(RawFinding(rule, value, state, self.positions.span(start, end), detail, dict(properties or {})))

    def add_words(self, rule, value, state, first: Word, last: Word | None, detail, properties):
        end = first.end
        if last is not None and last.start[0] == first.start[0] and last.start >= first.start:
            end = max(first.end, last.end)
        self.add(rule, value, state, first.start, end, detail, properties)

    # -- statements -------------------------------------------------------------------------------------------

    def program(self, root, state: State, env: dict | None = None) -> None:
        ctx = Context(state, env if env is not None else {})
        self.block(root.children, ctx)
        for name, body in list(self.functions.items()):
            if name not in self.walked_functions:  # defined, never called here: may be called by whoever sources us
                self.walked_functions.add(name)
                self.statement(body, Context(nest(state, State.CONDITIONAL), dict(ctx.env)))

    def block(self, nodes, ctx: Context) -> None:
        for node in nodes:
            if node.is_named:
                self.statement(node, ctx)

    def statement(self, node, ctx: Context) -> None:
        kind = node.type
        handler = getattr(self, "_" + kind, None)
        if handler is not None:
            handler(node, ctx)
        elif kind in _LOOPS:
            self._branch_group([(None, node.named_children)], ctx, undecided=True)
        else:
            self.block(node.children, ctx)

    def _comment(self, node, ctx: Context) -> None:
        if not self.comments:
            return
        text = self.raw(node)
        body = text.lstrip("#")
        stripped = body.lstrip()
        if text.startswith("#!") or not _COMMENTED_COMMAND.match(stripped):
            return
        offset = len(text.encode()) - len(stripped.encode())
        start = self._shift(node.start_point)
        self.sub_parse(stripped.encode(), (start[0], start[1] + offset), nest(ctx.state, State.MENTIONED), ctx.env)

    def sub_parse(self, data: bytes, base: Point, state: State, env: dict) -> None:
        """Walk text that is code inside a comment or an eval'd string, as if written where it stands."""
        tree = parser("bash").parse(data)
        if tree.root_node.has_error:
            return  # prose, not a command
        walker = Walker(data, self.positions, self.resolve, self.exported, self.found, base, comments=False)
        walker.allexport = self.allexport
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
                    elements.append((Chunk(word.text, word.start, word.end, word.known, False, word.default_of),))
            previous = ctx.env.get(name)
            if append and isinstance(previous, Array):
                elements = list(previous.elements) + elements
            ctx.env[name] = Array(tuple(elements))
            return
        chunks = self.expander.expand(value_node, ctx.env, quoted=True) if value_node is not None else []
        chunks = [replace(c, split=False) for c in chunks if c is not None]
        previous = ctx.env.get(name)
        if append:
            chunks = list(previous) + chunks if isinstance(previous, tuple) else [
                Chunk(name, self._shift(node.start_point), self._shift(node.end_point), known=False)
            ] + chunks
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

    def _unset_command(self, node, ctx: Context) -> None:
        for child in node.named_children:
            name = self.raw(child)
            if name.startswith("-") or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                continue
            ctx.env.pop(name, None)
            start, end = self._shift(child.start_point), self._shift(child.end_point)
            for meaning in interpret_env(name, None):
                self.add(meaning.rule, meaning.value, combine(ctx.state, meaning.state), start, end,
                         _detail(meaning.detail, ctx.state), {"variable": name})

    def _function_definition(self, node, ctx: Context) -> None:
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is not None and body is not None:
            self.functions[self.raw(name)] = body

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
            self.found.append(replace(raw, state=combine(state, raw.state), properties={**raw.properties, "heredoc": True}))

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
        self._branch_group([(verdict, [right])], ctx, undecided=verdict is None, decided=True)

    def _if_statement(self, node, ctx: Context) -> None:
        branches: list[tuple[object, list]] = []
        condition = [c for c in node.children_by_field_name("condition") if c.is_named]
        body = [c for c in node.named_children if c not in condition and c.type not in ("elif_clause", "else_clause")]
        branches.append((condition, body))
        has_else = False
        for clause in node.named_children:
            if clause.type == "elif_clause":
                named = clause.named_children
                cond = [c for c in clause.children_by_field_name("condition") if c.is_named] or named[:1]
                branches.append((cond, [c for c in named if c not in cond]))
            elif clause.type == "else_clause":
                branches.append((True, clause.named_children))
                has_else = True
        self._chain(branches, ctx, has_else)

    def _chain(self, branches, ctx: Context, exhaustive: bool) -> None:
        """if/elif/else: the first branch whose condition holds runs."""
        outcomes: list[dict] = []
        taken = False  # an earlier branch surely ran
        maybe = False  # an earlier branch may have run
        for condition, body in branches:
            if isinstance(condition, list):
                for cond in condition:
                    self.statement(cond, Context(ctx.state, ctx.env) if not (taken or maybe) else Context(
                        nest(ctx.state, State.CONDITIONAL), dict(ctx.env)))
                verdict = conditions.evaluate(condition[-1], self.expander, ctx.env) if condition else None
            else:
                verdict = condition
            if taken or verdict is False:
                self.block(body, Context(nest(ctx.state, State.DISABLED), dict(ctx.env)))
                continue
            branch_env = dict(ctx.env)
            if verdict is True and not maybe:
                self.block(body, Context(ctx.state, branch_env))
                taken = True
            else:
                self.block(body, Context(nest(ctx.state, State.CONDITIONAL), branch_env))
                maybe = True
            outcomes.append(branch_env)
        if taken and not maybe:
            final = outcomes[-1]
        else:
            if not taken and not exhaustive:
                outcomes.append(dict(ctx.env))
            final = _merge(outcomes) if outcomes else dict(ctx.env)
        ctx.env.clear()
        ctx.env.update(final)

    def _branch_group(self, branches, ctx: Context, undecided: bool, decided: bool = False) -> None:
        """A body that runs if a verdict holds (loops, `&&`/`||`)."""
        for verdict, body in branches:
            if decided and verdict is False:
                self.block(body, Context(nest(ctx.state, State.DISABLED), dict(ctx.env)))
            elif decided and verdict is True:
                self.block(body, ctx)
            else:
                branch_env = dict(ctx.env)
                self.block(body, Context(nest(ctx.state, State.CONDITIONAL), branch_env))
                merged = _merge([branch_env, dict(ctx.env)])
                ctx.env.clear()
                ctx.env.update(merged)

    def _for_statement(self, node, ctx: Context) -> None:
        values = node.children_by_field_name("value")
        variable = node.child_by_field_name("variable")
        body = node.child_by_field_name("body")
        literal = values and all(v.type in ("word", "number", "string", "raw_string") for v in values)
        if variable is not None:
            ctx.env[self.raw(variable)] = UNKNOWN
        if body is not None:
            self._branch_group([(True if literal else None, [body])], ctx, undecided=not literal, decided=bool(literal))

    def _case_statement(self, node, ctx: Context) -> None:
        value_node = node.child_by_field_name("value")
        text, known = joined(self.expander.expand(value_node, ctx.env, quoted=True)) if value_node else ("", False)
        branches: list[tuple[object, list]] = []
        fallthrough = False
        for item in node.named_children:
            if item.type != "case_item":
                continue
            patterns = item.children_by_field_name("value")
            body = [c for c in item.named_children if c not in patterns]
            verdict: object = None
            if known and not fallthrough:
                pattern_texts = [joined(self.expander.expand(p, ctx.env, quoted=True)) for p in patterns]
                if all(k for _, k in pattern_texts):
                    verdict = any(conditions.case_matches(text, t) for t, _ in pattern_texts)
            terminator = item.child_by_field_name("termination") or item.child_by_field_name("fallthrough")
            if terminator is not None and terminator.type in (";&", ";;&"):
                fallthrough = True
            branches.append((verdict, body))
        self._chain(branches, ctx, exhaustive=False)

    def _command(self, node, ctx: Context) -> None:
        name = node.child_by_field_name("name")
        for child in node.children:
            if child.type == "variable_assignment":
                prefix = Context(ctx.state, dict(ctx.env))
                self._variable_assignment(child, prefix, exported=True)  # X=1 cmd: X is in cmd's environment
        if name is None:
            return
        nodes = [name] + node.children_by_field_name("argument")
        words: list[Word] = []
        for part in nodes:
            if part.type == "command_name" and part.named_child_count == 1:
                part = part.named_children[0]
            words.extend(words_from(self.expander.expand(part, ctx.env)))
        if not words:
            return
        head = words[0].text if words[0].known else ""
        if head in self.functions and head not in self.walked_functions:
            self.walked_functions.add(head)
            self.statement(self.functions[head], ctx)
            return
        if head == "set":
            self._set(words)
        elif head in ("eval", "bash", "sh") and len(nodes) > 1:
            self._eval(head, nodes[1:], words, ctx)
        self.arch_flags(node, ctx.state, start=name)
        sink = launchers.Sink(
            add=lambda rule, value, state, first, last, detail, properties: self.add_words(
                rule, value, state, first, last, _detail(detail, ctx.state), properties
            ),
            env=lambda word, state: self.env_word(word, state),
            resolve=self.resolve,
        )
        launchers.analyze(words, ctx.state, sink)

    def _set(self, words: list[Word]) -> None:
        for index, word in enumerate(words[1:], start=1):
            if word.text in ("-a", "+a"):
                self.allexport = word.text == "-a"
            elif word.text in ("-o", "+o") and index + 1 < len(words) and words[index + 1].text == "allexport":
                self.allexport = word.text == "-o"

    def _eval(self, head: str, arguments, words: list[Word], ctx: Context) -> None:
        """`eval "export X=1"` and `bash -c "..."`: read literal strings as code, honestly marked."""
        if head in ("bash", "sh"):
            texts = [w.text for w in words]
            if "-c" not in texts:
                return
            index = texts.index("-c")
            arguments = arguments[index:index + 1]
            state = ctx.state
        else:
            state = nest(ctx.state, State.CONDITIONAL)
        for argument in arguments:
            if argument.type in ("string", "raw_string") and not any(
                c.type not in ("string_content", '"', "'") for c in argument.children
            ):
                inner = self.data[argument.start_byte + 1 : argument.end_byte - 1]
                start = self._shift(argument.start_point)
                self.sub_parse(inner, (start[0], start[1] + 1), state, ctx.env)
            elif argument.type in ("simple_expansion", "string"):
                chunks = [c for c in self.expander.expand(argument, ctx.env, quoted=True) if c is not None]
                if len(chunks) == 1 and chunks[0].known and chunks[0].variable:
                    chunk = chunks[0]
                    self.sub_parse(chunk.text.encode(), chunk.start, state, ctx.env)

    # -- facts ------------------------------------------------------------------------------------------------

    def env_facts(self, name: str, chunks, start: Point, end: Point, context: State, exported: bool) -> None:
        if not is_hardware_variable(name):
            return
        text, known = joined(chunks)
        default_of = next((c.default_of for c in chunks if c is not None and c.default_of), None)
        switch = _switch_kind(name)
        for meaning in interpret_env(name, text):
            own = meaning.state
            detail = meaning.detail
            if not known and switch != "set":
                own = State.CONDITIONAL
                detail += " (the value is decided at run time)"
            if not exported:
                own = State.CONDITIONAL
                detail += " (assigned but not exported in this file)"
            value = meaning.value
            if meaning.rule in ("WAC603", "WAC604") and isinstance(value, str) and known:
                value = normalise_arch_list(value)
            properties: dict[str, Value] = {"variable": name, "setting": text}
            if default_of:
                properties["default_of"] = default_of
            self.add(meaning.rule, value, combine(context, own), start, end, _detail(detail, context), properties)

    def env_word(self, word: Word, state: State) -> None:
        """NAME=VALUE handed to a program (`env X=1 cmd`, `mpirun -x X=1`)."""
        name, _, value = word.text.partition("=")
        chunk = Chunk(value, word.start, word.end, word.known, default_of=word.default_of)
        self.env_facts(name, [chunk], word.start, word.end, state, exported=True)

    def arch_flags(self, node, context: State, start=None) -> None:
        first = start if start is not None else node
        raw = self.data[first.start_byte : node.end_byte]
        text = raw.decode("utf-8", "replace")
        if not _ARCH_HINT.search(text):
            return
        base = self._shift(first.start_point)
        for target in parse_arch_flags(text):
            begin = len(text[: target.start].encode("utf-8"))
            finish = len(text[: target.end].encode("utf-8"))
            self.add(target.rule, target.value, context, offset_point(raw, begin, base), offset_point(raw, finish, base),
                     _detail(f"compiler flag {text[target.start:target.end]}", context), {})


def _switch_kind(name: str) -> str:
    entry = EXACT.get(name)
    if entry is not None:
        return entry[1]
    for prefix, (_, kind) in sorted(PREFIXES.items(), key=lambda item: -len(item[0])):
        if name.startswith(prefix):
            return kind
    return "set"


def _detail(detail: str, context: State) -> str:
    phrase = where(context)
    return f"{detail} ({phrase})" if phrase else detail


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


__all__ = ["Context", "Walker", "ExtractionError"]
