"""Jenkinsfiles (Groovy pipelines): the shell commands of their `sh` steps, read by the shell extractor.

`sh 'rocm-smi'`, `sh "docker run ... ${IMAGE}"`, `sh '''...'''` (and in triple double quotes),
`sh(script: '...')`: the string's text is passed to the shell extractor in place, every other character of the
file blanked (newlines kept), so a finding's line and column are the file's own. A step on a `//` comment line is
not read. Groovy's `\\$` in a double-quoted string is a literal `$` for the shell. A Jenkinsfile is CI
(paths/roles.py `is_ci_path`): what a project tests on, left out of the vendor tie-breaks like a CI workflow.
The images of `agent { docker { image '...' } }` and `docker.image('...')` are container images of CI jobs (WAC801,
context "ci"), as a CI workflow's are.
"""

from __future__ import annotations

import re

from ..evidence import RawFinding, Span, State
from ..rules.codes import Code
from . import Source
from .embedded_shell import shell_findings
from .images import describe_image

# `sh` (optionally `sh(` and `script:`) and the string's opening quote; triple quotes before single ones.
_STEP = re.compile(r"(?<![\w.])sh\s*(?:\(\s*(?:script\s*:\s*)?)?('''|\"\"\"|'|\")")
# A pipeline's container: `image 'nvcr.io/nvidia/pytorch:24.01-py3'` (declarative agent) or `docker.image("...")`.
_IMAGE = re.compile(r"(?<![\w.])(?:docker\.)?image\s*\(?\s*(['\"])([^'\"\n]+)\1")
# Groovy escapes the shell's dollar in double-quoted strings.
_GROOVY_DOLLAR = re.compile(r"\\\$")


def extract(source: Source) -> list[RawFinding]:
    masked = _shell_steps(source.text)
    return _images(source) + ([] if masked is None else shell_findings(source, masked))


def _images(source: Source) -> list[RawFinding]:
    found = []
    for number, line in enumerate(source.lines, start=1):
        match = _IMAGE.search(line)
        if match is None or "//" in line[: match.start()]:
            continue
        props = describe_image(match.group(2).strip())
        if props is None:
            continue
        span = Span(number, match.start(2) + 1, number, match.end(2) + 1)
        found.append(RawFinding(Code.CONTAINER_IMAGE, match.group(2).strip(), State.ENABLED, span,
                                f"CI container image {match.group(2).strip()}", {**props, "context": "ci"}))
    return found


def _shell_steps(text: str) -> str | None:
    """The text with everything but the bodies of `sh` strings blanked (None: no step)."""
    keep: list[tuple[int, int, bool]] = []  # (start, end, double-quoted) of each body
    position = 0
    while True:
        step = _STEP.search(text, position)
        if step is None:
            break
        quote = step.group(1)
        start = step.end()
        end = _closing(text, start, quote)
        if end < 0:
            break  # an unclosed string: the rest of the file is not read as commands
        line_start = text.rfind("\n", 0, step.start()) + 1
        if "//" not in text[line_start : step.start()]:
            keep.append((start, end, quote.startswith('"')))
        position = end + len(quote)
    if not keep:
        return None
    out = re.sub(r"[^\n]", " ", text)
    pieces: list[str] = []
    previous = 0
    for start, end, double in keep:
        body = text[start:end]
        if double:
            body = _GROOVY_DOLLAR.sub(" $", body)  # same width: columns stay the file's
        pieces.append(out[previous:start])
        pieces.append(body)
        previous = end
    pieces.append(out[previous:])
    return "".join(pieces)


def _closing(text: str, start: int, quote: str) -> int:
    """Where the string opened by `quote` at `start` closes (-1: never); a one-quote string ends on its line."""
    if len(quote) == 3:
        return text.find(quote, start)
    index = start
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == quote:
            return index
        if char == "\n":
            return -1
        index += 1
    return -1
