"""Dockerfiles: base images (every stage, `ARG`-resolved), `ENV`/`ARG` variables, and what `RUN` installs.

A small parser of our own: Dockerfile syntax is line-based (instructions, `\\` continuations,
the `# escape=` directive, heredocs), and we need exact columns, which `dockerfile-parse` does not
give. `FROM ${BASE}` is resolved from the `ARG` default before the first `FROM`; a `--build-arg`
can override it, which the finding's detail says. `ENV` lines mean what `export` means in shell
(environment.interpret_env). `RUN` lines are read for pip/conda installs, inline variable
assignments and nvcc target flags; the body of a `RUN <<EOF` heredoc is a script, where each line starts a
command. A commented-out instruction is reported as mentioned.
"""

from __future__ import annotations

import bisect
import re
import shlex
from dataclasses import dataclass, field
from typing import Iterator

from ..evidence import RawFinding, Span, State
from . import Source
from .buildflags import parse_arch_flags
from .images import describe_image
from .pip_install import install_command
from .textspan import env_findings, pin_findings
from ..rules.codes import Code

_DIRECTIVE = re.compile(r"^#\s*escape\s*=\s*(\S)\s*$", re.IGNORECASE)
_INSTRUCTION = re.compile(r"^\s*([A-Za-z]+)(?:\s+|$)")
_HEREDOC = re.compile(r"<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_ASSIGN = re.compile(r"""(?:^|(?<=[\s;&|(]))(?:export\s+)?([A-Z_][A-Z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|)]*)""")
# A command starts the RUN text or follows &&, ||, ;, |, a `then`/`do`, sudo (and its flags), `env`, or NAME=value
# prefixes.
# Values and paths stop at an operator (as the shell's words do): with `\S*` there, every `|` of a line of a
# million `|` re-read the rest of the line (issue 19); now no two starts read the same text.
_WORD = r"[^\s;&|]"
_COMMAND_START = (r"(?:^\s*[Rr][Uu][Nn]\s+(?:--\S+\s+)*|&&|\|\||;|\||\bthen\b|\bdo\b)\s*"
                  r"(?:sudo\s+(?:-[A-Za-z]+\s+)*)?(?:env\s+)?"
                  rf"(?:[A-Za-z_][A-Za-z0-9_]*={_WORD}*\s+)*")
_COMMANDS = re.compile(_COMMAND_START)
_COMMAND_END = re.compile(r"&&|\|\||;|\|")
# In a heredoc body (`RUN <<EOF`) the text is a script: a new line also starts (and ends) a command.
_SCRIPT_COMMANDS = re.compile(_COMMAND_START.replace(r"|&&|", r"|\n|&&|", 1))
_SCRIPT_COMMAND_END = re.compile(r"&&|\|\||;|\||\n")
# One shell word of a command as written, quotes and all (a quoted word may hold spaces: `"jax[tpu] >= 0.4"`).
_SHELL_WORD = re.compile(r"""(?:"[^"]*"|'[^']*'|[^\s"'])+""")
_QUOTES = re.compile(r"""["']""")
# Words a command must hold to be read as a package install (pip_install.py reads it).
_INSTALLERS = ("pip", "conda", "mamba")


@dataclass
class Instruction:
    keyword: str  # upper-case, e.g. "FROM"
    text: str  # the whole instruction, continuation lines joined by "\n"
    lines: list[int]  # 1-based line of each part of `text` (split on "\n")
    state: State = State.ENABLED  # MENTIONED for a commented-out instruction
    heredoc: bool = False  # `RUN <<EOF`: the lines after the first are a script
    _part_starts: list[int] | None = field(default=None, repr=False, compare=False)

    def position(self, offset: int) -> tuple[int, int]:
        """(line, 0-based column) of an offset into `text` (by bisection: an instruction with thousands of
        findings costs no more per finding than a short one)."""
        if self._part_starts is None:
            self._part_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        part = bisect.bisect_right(self._part_starts, offset) - 1
        return self.lines[min(part, len(self.lines) - 1)], offset - self._part_starts[part]

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(max(end, start + 1))
        return Span(line, column + 1, end_line, end_column + 1)


def instructions(lines: list[str]) -> list[Instruction]:
    """Instructions with their lines; commented-out instructions come back with state MENTIONED."""
    escape = "\\"
    result: list[Instruction] = []
    index = 0
    header = True
    while index < len(lines):
        raw = lines[index]
        stripped = raw.strip()
        if header:
            directive = _DIRECTIVE.match(stripped)
            if directive:
                escape = directive.group(1)
                index += 1
                continue
            if stripped and not stripped.startswith("#"):
                header = False
        if not stripped:
            index += 1
            continue
        if stripped.startswith("#"):
            body = stripped.lstrip("#").strip()
            match = _INSTRUCTION.match(body)
            if match and match.group(1).upper() in ("FROM", "ENV", "ARG", "RUN"):
                offset = raw.index(body)
                result.append(Instruction(match.group(1).upper(), " " * offset + body, [index + 1], State.MENTIONED))
            index += 1
            continue
        header = False
        parts, numbers = [raw], [index + 1]
        while parts[-1].rstrip().endswith(escape) and index + 1 < len(lines):
            index += 1
            if lines[index].strip().startswith("#"):
                continue  # comment lines inside a continued instruction are dropped by Docker
            parts[-1] = parts[-1].rstrip()[:-1]
            parts.append(lines[index])
            numbers.append(index + 1)
        heredoc = _HEREDOC.search(parts[0])
        if heredoc and index + 1 < len(lines):
            delimiter = heredoc.group(1)
            while index + 1 < len(lines):
                index += 1
                parts.append(lines[index])
                numbers.append(index + 1)
                if lines[index].strip() == delimiter:
                    break
        match = _INSTRUCTION.match(parts[0])
        if match:
            result.append(Instruction(match.group(1).upper(), "\n".join(parts), numbers, heredoc=heredoc is not None))
        index += 1
    return result


@dataclass
class Scope:
    """Variables visible to an instruction: global ARGs (for FROM), the stage's ARGs and ENVs."""

    global_args: dict[str, str] = field(default_factory=dict)
    stage_vars: dict[str, str] = field(default_factory=dict)
    stages: set[str] = field(default_factory=set)

    def substitute(self, text: str, for_from: bool = False) -> tuple[str, list[str]]:
        """Text with known variables replaced, and the variable names used."""
        table = self.global_args if for_from else {**self.global_args, **self.stage_vars}
        used: list[str] = []

        def replace(match: re.Match[str]) -> str:
            name = match.group(1) or match.group(3)
            used.append(name)
            if name in table:
                return table[name]
            if match.group(2) is not None and match.group(0)[len(name) + 2 : len(name) + 4].startswith(":-"):
                return match.group(2)
            return match.group(0)

        return _VAR.sub(replace, text), used


def _from(ins: Instruction, scope: Scope) -> list[RawFinding]:
    body_start = _INSTRUCTION.match(ins.text).end()
    tokens = [(m.group(0), m.start()) for m in re.finditer(r"\S+", ins.text[body_start:])]
    tokens = [(t, s + body_start) for t, s in tokens]
    platform = None
    image = None
    stage = None
    for i, (token, start) in enumerate(tokens):
        if token.startswith("--platform="):
            platform = token.split("=", 1)[1]
        elif token.startswith("--"):
            continue
        elif image is None:
            image = (token, start)
        elif token.upper() == "AS" and i + 1 < len(tokens):
            stage = tokens[i + 1][0]
            break
    if image is None:
        return []
    written, start = image
    resolved, used = scope.substitute(written, for_from=True)
    if ins.state is State.ENABLED and stage:
        scope.stages.add(stage.lower())
    if ins.state is State.ENABLED:
        scope.stage_vars = {}
    if resolved.lower() in scope.stages:
        return []  # FROM an earlier stage of this file
    props = describe_image(resolved)
    if props is None:
        return []
    props = dict(props)
    if platform:
        props["platform"] = scope.substitute(platform, for_from=True)[0]
    if stage:
        props["stage"] = stage
    detail = f"base image {resolved}"
    unresolved = [m.group(1) or m.group(3) for m in _VAR.finditer(resolved)]
    if unresolved:
        props["unresolved"] = ",".join(unresolved)
        detail += f" ({', '.join(unresolved)} set only at build time)"
    elif used:
        props["from_arg"] = ",".join(used)
        detail += f" (from the ARG default of {', '.join(used)}; a --build-arg can override it)"
    return [RawFinding(Code.CONTAINER_IMAGE, resolved, ins.state, ins.span(start, start + len(written)), detail, props)]


def _assignments(ins: Instruction) -> list[tuple[str, str, int, int]]:
    """(name, value, start, end) of each NAME=value (or legacy `ENV NAME value`) in an ENV/ARG."""
    body_start = _INSTRUCTION.match(ins.text).end()
    body = ins.text[body_start:]
    pairs = []
    try:
        lexer = shlex.shlex(body, posix=True)
        lexer.whitespace_split = True
        words = list(lexer)
    except ValueError:
        words = body.split()
    if ins.keyword == "ENV" and words and "=" not in words[0]:
        name = words[0]
        value = body.strip()[len(name) :].strip()
        start = ins.text.find(name, body_start)
        if start < 0:  # shlex unescaped the name ("HSA_\\x" reads "HSA_x"): not found as written
            start = body_start
        return [(name, value.strip("'\""), start, len(ins.text.rstrip()))]
    cursor = body_start
    for word in words:
        name, eq, value = word.partition("=")
        start = ins.text.find(name, cursor)
        if start < 0:
            start = cursor
        raw = _RAW_WORD.match(ins.text, start)
        # (min: after shlex joined quoted parts, the word can be longer than what is left of the text)
        end = min(raw.end() if raw else start + len(word), len(ins.text))
        cursor = end
        pairs.append((name, value if eq else None, start, end))
    return pairs


# One NAME=value word as written, quotes included.
_RAW_WORD = re.compile(r"""[^\s=]+(?:=(?:"[^"]*"|'[^']*'|[^\s"'])*)?""")


def _env(ins: Instruction, scope: Scope) -> list[RawFinding]:
    found = []
    for name, value, start, end in _assignments(ins):
        if ins.state is State.ENABLED and value is not None:
            resolved = scope.substitute(value)[0]
            if ins.keyword == "ARG" and not scope.stages:
                scope.global_args[name] = resolved
            else:
                scope.stage_vars[name] = resolved
        if value is None:
            continue  # `ARG NAME` declares without setting
        setting = scope.substitute(value)[0]
        found.extend(env_findings(name, setting, ins.span(start, end), ins.state))
    return found


def _run(ins: Instruction, scope: Scope) -> list[RawFinding]:
    text = ins.text
    found: list[RawFinding] = []
    for match in _ASSIGN.finditer(text):
        name, value = match.group(1), match.group(2)
        setting = scope.substitute(value.strip("'\""))[0]
        found.extend(env_findings(name, setting, ins.span(match.start(1), match.end()), ins.state))
    for target in parse_arch_flags(text):
        span = ins.span(target.start, target.end)
        found.append(RawFinding(target.rule, target.value, ins.state, span, "compiler flag"))
    for start, end in _commands(ins):
        if any(installer in text[start:end] for installer in _INSTALLERS):
            found.extend(_install(ins, start, end, scope))
    return found


def _commands(ins: Instruction) -> Iterator[tuple[int, int]]:
    """(start, end) of each command of a RUN text, once each: a command ends at an operator or where the next one
    starts (`do`, `then`), so no two commands share text, and the operator after a command is searched for once
    for all the commands before it (issue 19: a line of a million `do` reads in linear time)."""
    starts = (_SCRIPT_COMMANDS if ins.heredoc else _COMMANDS).finditer(ins.text)
    ends = _SCRIPT_COMMAND_END if ins.heredoc else _COMMAND_END
    operator = -1  # where the first operator at or after the current command is
    current = next(starts, None)
    while current is not None:
        following = next(starts, None)
        start = current.end()
        if operator < start:
            found = ends.search(ins.text, start)
            operator = found.start() if found else len(ins.text)
        yield start, max(start, min(operator, following.start() if following else len(ins.text)))
        current = following


def _install(ins: Instruction, start: int, end: int, scope: Scope) -> list[RawFinding]:
    """The findings of the command `[start, end)` if it is a pip or conda install (read by pip_install.py, as in
    scripts)."""
    written = []
    for match in _SHELL_WORD.finditer(ins.text, start, end):
        if match.group().startswith("#"):
            break  # a comment to the end of the line
        written.append(match)
    words = [scope.substitute(_QUOTES.sub("", match.group()))[0] for match in written]
    arguments = install_command(words)
    if arguments is None:
        return []
    found: list[RawFinding] = []
    for argument in arguments:
        facts = argument.facts()
        if not facts:
            continue
        word = written[argument.last]
        if not argument.index:
            found.extend(pin_findings(facts, ins.span(word.start(), word.end()), ins.state, "installed in the image"))
            continue
        url_start = word.start()
        if argument.first == argument.last:  # the URL after the option's `=`, or glued to it (`-ihttps://...`)
            url_start += word.group().find("=") + 1 or 2
        found.extend(pin_findings(facts, ins.span(url_start, word.end()), ins.state))
    return found


HANDLERS = {"FROM": _from, "ENV": _env, "ARG": _env, "RUN": _run}


def extract(source: Source) -> list[RawFinding]:
    scope = Scope()
    found: list[RawFinding] = []
    for ins in instructions(source.lines):
        handler = HANDLERS.get(ins.keyword)
        if handler is None:
            continue
        if ins.state is State.MENTIONED:
            found.extend(handler(ins, Scope(dict(scope.global_args), dict(scope.stage_vars), set(scope.stages))))
        else:
            found.extend(handler(ins, scope))
    return found


__all__ = ["Instruction", "extract", "instructions"]
