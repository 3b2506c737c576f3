"""YAML: training configs (accelerate, Lightning/Hydra, HF, DeepSpeed-as-YAML), Kubernetes and job
manifests, compose files and conda environment.yml files.

Parsed with PyYAML's safe composer (`yaml.compose_all` with libyaml's `CSafeLoader` where PyYAML has
it, else `SafeLoader`): it builds a node graph with start/end marks (0-based line and code-point
column), never constructs arbitrary objects, and keeps aliases as shared nodes, so an alias bomb is
walked once per node, not expanded.
PyYAML is a direct dependency (small, with libyaml's C loader); ruamel.yaml would add round-trip comments we do not need
(comments are read from the text: a commented-out `# mixed_precision: bf16` is reported as mentioned).

JSON stored under a `.yaml` name parses as YAML (tabs, legal JSON whitespace, are turned into
spaces first); a DeepSpeed config among them is handed to extract/deepspeed.py's `extract_text`
when that module offers it, so a config means the same under either name. Helm/Jinja templates that
are not YAML until rendered are read with their `{{ ... }}` parts blanked out, and everything found
in them is conditional.

What a key means is table data, in extract/yaml_keys.py; this module parses, walks and places. Shell commands under
`command:` / `run:` / `setup:` keys of job files (MosaicML, SkyPilot) are read by the shell extractor
(extract/yaml_commands.py).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..evidence import RawFinding, Span, State
from . import ExtractionError, Source
from .pins import PIP_INDEX_OPTION, channel_facts, conda_facts, index_url_facts, requirement_facts
from .textspan import pin_findings
from .yaml_commands import command_findings
from .yaml_keys import ENV_KEYS, Hit, _child, handler_for, scalar


@dataclass
class Context:
    source: Source
    line_offset: int = 0  # for comment fragments parsed on their own
    column_offset: int = 0
    state: State = State.ENABLED  # MENTIONED for comments, CONDITIONAL in templates

    def adjust(self, state: State) -> State:
        if self.state is State.MENTIONED:
            return State.MENTIONED
        if self.state is State.CONDITIONAL and state is State.ENABLED:
            return State.CONDITIONAL
        return state

    def span(self, start: Node, end: Node) -> Span:
        line = start.start_mark.line + 1 + self.line_offset
        column = start.start_mark.column + 1 + (self.column_offset if start.start_mark.line == 0 else 0)
        if end.end_mark.line == start.start_mark.line:
            end_column = end.end_mark.column + 1 + (self.column_offset if end.end_mark.line == 0 else 0)
        else:
            end_column = start.end_mark.column + 1 + (self.column_offset if start.end_mark.line == 0 else 0)
            if start.end_mark.line > start.start_mark.line:  # a scalar folded over lines: end where it ends
                return Span(line, column, start.end_mark.line + 1 + self.line_offset, end_column)
        return Span(line, column, line, max(end_column, column + 1))


# ----------------------------------------------------------------------------------------------
# Walking documents.


_SETTING = re.compile(r"^([\w./-]+(?::| In | NotIn |=| points to )[^()]*?)(\s*\(.*\))?$")


def _wording(detail: str) -> str:
    """"num_machines: 2" -> "set as `num_machines: 2`" (messages capitalise the first letter)."""
    match = _SETTING.match(detail)
    if not match or " points to " in detail:
        return detail
    return f"set as `{match.group(1)}`{match.group(2) or ''}"


def _findings(hits: Iterable[Hit], key_node: Node, value_node: Node, ctx: Context) -> list[RawFinding]:
    found = []
    for hit in hits:
        where = ctx.span(hit.node, hit.node) if hit.node is not None else ctx.span(key_node, value_node)
        detail = _wording(hit.detail)
        found.append(RawFinding(hit.rule, hit.value, ctx.adjust(hit.state), where, detail, hit.properties or {}))
    return found


def walk(root: Node, ctx: Context) -> Iterator[RawFinding]:
    """Every finding in one document, lazily; each node is visited once (aliases share nodes).

    An anchored value read by a key handler from many mappings (`env: *common` in 500 containers) gives its
    findings once: the same finding at the same place is not repeated (the alias fan-out of issue 19).
    """
    given: set[tuple] = set()
    seen: set[int] = set()
    stack: list[tuple[Node, Optional[str]]] = [(root, None)]
    while stack:
        node, parent = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, ScalarNode) else None
                if key is None:
                    continue
                handler = handler_for(key)
                if handler is not None:
                    for raw in _findings(handler(key, value_node, parent, node, ctx), key_node, value_node, ctx):
                        identity = (raw.rule, raw.value, raw.state, raw.span, raw.detail)
                        if identity not in given:
                            given.add(identity)
                            yield raw
                if key in ENV_KEYS:
                    continue  # already read as variables
                stack.append((value_node, key))
        elif isinstance(node, SequenceNode):
            for item in reversed(node.value):
                stack.append((item, parent))


def conda_environment(root: Node, ctx: Context) -> Optional[list[RawFinding]]:
    """environment.yml: `dependencies` lists conda specs and a `pip:` list, `channels` the channels (an NVIDIA
    `nvidia/label/cuda-12.1.0` one names its CUDA release); None when not such a file."""
    deps = _child(root, "dependencies")
    channels = _child(root, "channels")
    if not isinstance(deps, SequenceNode) or not (channels or _child(root, "name")):
        return None
    found: list[RawFinding] = []
    for channel in channels.value if isinstance(channels, SequenceNode) else ():
        if isinstance(channel, ScalarNode):
            facts = channel_facts(str(channel.value))
            found.extend(pin_findings(facts, ctx.span(channel, channel), ctx.adjust(State.ENABLED)))
    for item in deps.value:
        if isinstance(item, ScalarNode):
            facts = conda_facts(str(item.value))
            if facts:
                found.extend(pin_findings(facts, ctx.span(item, item), ctx.adjust(State.ENABLED), "conda"))
        pip = _child(item, "pip")
        if isinstance(pip, SequenceNode):
            for entry in pip.value:
                text = str(scalar(entry) or "")
                option = re.match(rf"^\s*(?:{PIP_INDEX_OPTION})[\s=]+(\S+)", text)
                facts = index_url_facts(option.group(1)) if option else requirement_facts(text)
                if facts:
                    found.extend(pin_findings(facts, ctx.span(entry, entry), ctx.adjust(State.ENABLED), "pip"))
    return found


def _is_conda_file(relpath: str) -> bool:
    name = posixpath.basename(relpath).lower()
    return name.startswith(("environment", "env", "conda")) and name.endswith((".yml", ".yaml"))


_TEMPLATE_LINE = re.compile(r"^\s*(?:\{\{-?.*?-?\}\}|\{%-?.*?-?%\})\s*$")
_TEMPLATE_CLOSE = {"{{": "}}", "{%": "%}"}


def _untemplate(text: str) -> str:
    """Helm/Jinja text with directives blanked (same length, so positions hold)."""
    lines = []
    for line in text.split("\n"):
        if _TEMPLATE_LINE.match(line):
            lines.append(" " * len(line))
        else:
            lines.append(_blank_directives(line))
    return "\n".join(lines)


def _blank_directives(line: str) -> str:
    """Each `{{ ... }}` / `{% ... %}` (the shortest, left to right) replaced by as many `x`.

    What `re.sub(r"\\{\\{.*?\\}\\}|\\{%.*?%\\}", ...)` gives, in linear time: that pattern re-reads the rest of the line
    from every `{{` that is never closed (a line of 100,000 `{` took minutes). Here a closing mark not found
    once is never looked for again.
    """
    out: list[str] = []
    done = 0  # text before this offset is in `out`
    # The next occurrence of each opener at or after `done` (-1: none, or none that can be closed any more).
    following = {opener: line.find(opener) for opener in _TEMPLATE_CLOSE}
    while True:
        open_at = [(at, opener) for opener, at in following.items() if at >= 0]
        if not open_at:
            break
        start, opener = min(open_at)
        end = line.find(_TEMPLATE_CLOSE[opener], start + 2)
        if end < 0:  # not closed here, so not after any later opener of this kind either
            following[opener] = -1
            continue
        end += 2
        out.append(line[done:start])
        out.append("x" * (end - start))
        done = end
        for other, at in following.items():
            if 0 <= at < done:
                following[other] = line.find(other, done)
    out.append(line[done:])
    return "".join(out)


# libyaml's safe loader when PyYAML was built with it (about 20x faster; its marks count code points too).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compose(text: str) -> list[Node]:
    return [doc for doc in yaml.compose_all(text, Loader=_LOADER) if doc is not None]


def _problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).split("\n", 1)[0]
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return f"not valid YAML{where}: {problem}"


def parse(source: Source) -> tuple[list[Node], State]:
    text = source.text
    if text.lstrip().startswith(("{", "[")) and "\t" in text:
        text = text.replace("\t", " ")  # JSON under a .yaml name: tabs are JSON whitespace
    try:
        return compose(text), State.ENABLED
    except yaml.YAMLError as exc:
        if "{{" in text or "{%" in text:
            try:
                return compose(_untemplate(text)), State.CONDITIONAL
            except yaml.YAMLError:
                pass
        raise ExtractionError(_problem(exc)) from None


_COMMENT_PAIR = re.compile(r"^(\s*#+\s*)(-\s+)?([A-Za-z_][\w./-]*\s*:\s*\S.*)$")


def comment_findings(source: Source, conda: bool) -> list[RawFinding]:
    """Commented-out `key: value` lines (and conda list items) reported as mentioned."""
    found: list[RawFinding] = []
    for index, line in enumerate(source.lines):
        if "#" not in line or not line.lstrip().startswith("#"):
            continue
        match = _COMMENT_PAIR.match(line)
        ctx = Context(source, line_offset=index, state=State.MENTIONED)
        if match:
            offset = len(match.group(1)) + len(match.group(2) or "")
            fragment = match.group(3)
            try:
                docs = compose(fragment)
            except yaml.YAMLError:
                continue
            ctx.column_offset = offset
            for doc in docs:
                found.extend(walk(doc, ctx))
        elif conda:
            item = re.match(r"^(\s*#+\s*-\s+)(\S+)\s*$", line)
            if item:
                facts = conda_facts(item.group(2)) or requirement_facts(item.group(2)) or []
                start = len(item.group(1))
                where = Span(index + 1, start + 1, index + 1, start + len(item.group(2)) + 1)
                found.extend(pin_findings(facts, where, State.MENTIONED))
    return found


def _json_deepspeed(source: Source) -> Optional[list[RawFinding]]:
    """A DeepSpeed config written as JSON under a .yaml name, read by the JSON extractor's own rules.

    None when the text is not a JSON object, or when extract/deepspeed.py offers no `extract_text`
    (then the YAML walk below reads it with our own small DeepSpeed mapping).
    """
    text = source.text
    if not text.lstrip().startswith("{"):
        return None
    from . import deepspeed

    extract_text = getattr(deepspeed, "extract_text", None)
    if extract_text is None:
        return None
    import json

    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return None
    is_config = getattr(deepspeed, "is_deepspeed_config", None)
    if not isinstance(parsed, dict) or is_config is None or not is_config(parsed):
        return None
    return list(extract_text(text))


def extract(source: Source) -> Iterator[RawFinding]:
    """The findings of one YAML file, lazily (the scan stops reading at its cap per file)."""
    delegated = _json_deepspeed(source)
    if delegated is not None:
        yield from delegated
        return
    docs, state = parse(source)  # a parse error is raised here, at the first finding asked for
    conda = _is_conda_file(source.relpath)
    for doc in docs:
        ctx = Context(source, state=state)
        env = conda_environment(doc, ctx) if isinstance(doc, MappingNode) else None
        if env is not None:
            conda = True
            yield from env
        else:
            yield from walk(doc, ctx)
            yield from command_findings(doc, source, state)
    if "#" in source.text:
        yield from comment_findings(source, conda)


__all__ = ["Context", "extract", "parse", "walk"]
