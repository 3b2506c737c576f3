"""Scheduler directives in job scripts: `#SBATCH` (SLURM), `#PBS` (PBS/Torque), `#BSUB` (LSF).

A cheap line pass that runs beside the shell (and Python) extractor: to those
parsers a directive is only a comment. Schedulers read directives only at the
top of the script, before the first command, and only with the exact prefix;
a directive after a command, or written `##SBATCH` / `# SBATCH`, is ignored by
the scheduler and is reported as `mentioned`.

Findings: WAC710 (GPU type requested), WAC711 (GPU named by a partition or
queue), WAC401 (GPUs per node), WAC402 (nodes). Values are as written; GPU
findings carry the gpunames properties plus `count`, `count_per` ("node",
"job", "task"), `directive` and `scheduler`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from ..evidence import RawFinding, Span, State
from . import Source, gpunames
from ..rules.codes import Code

_DIRECTIVE = re.compile(r"^(?P<lead>[ \t]*)(?P<hashes>#+)(?P<gap>[ \t]*)(?P<kw>SBATCH|PBS|BSUB)(?=[ \t]|$)")
_SCHEDULER = {"SBATCH": "slurm", "PBS": "pbs", "BSUB": "lsf"}
_KEYWORDS = ("SBATCH", "PBS", "BSUB")
# One shell-like word: quoted parts and unquoted characters, no splitting inside quotes.
_WORD = re.compile(r"""(?:"[^"]*"?|'[^']*'?|[^\s"'])+""")
_INT = re.compile(r"^\d+$")

# Option spellings per scheduler -> what they mean (data, not branches).
_SLURM_OPTIONS = {
    "--gres": "gres",
    "--gpus": "gpus_job",
    "-G": "gpus_job",
    "--gpus-per-node": "gpus_node",
    "--gpus-per-task": "gpus_task",
    "--gpus-per-socket": "gpus_socket",
    "--constraint": "constraint",
    "-C": "constraint",
    "--partition": "partition",
    "-p": "partition",
    "--nodes": "nodes",
    "-N": "nodes",
}
_PBS_OPTIONS = {"-l": "resources", "-q": "partition"}
_LSF_OPTIONS = {"-gpu": "lsf_gpu", "-q": "partition", "-nnodes": "nodes"}
_OPTIONS = {"slurm": _SLURM_OPTIONS, "pbs": _PBS_OPTIONS, "lsf": _LSF_OPTIONS}
# PBS `-l` and LSF `-gpu` keys.
_COUNT_KEYS = {"ngpus", "gpus", "num"}
_MODEL_KEYS = {"gpu_model", "gpu_type", "gputype", "gmodel", "gpu_name"}
_NODE_KEYS = {"select", "nodes"}


@dataclass(frozen=True)
class _Word:
    text: str  # unquoted
    column: int  # 0-based start of the unquoted text in the line
    end: int
    raw: str = ""  # as written, quotes included


def extract(source: Source) -> list[RawFinding]:
    if not any(kw in source.text for kw in _KEYWORDS):
        return []
    findings: list[RawFinding] = []
    in_header = True
    for number, line in enumerate(source.lines, start=1):
        m = _DIRECTIVE.match(line)
        if m is None:
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                in_header = False  # the first command: schedulers stop reading directives here
            continue
        exact = not m.group("lead") and m.group("hashes") == "#" and not m.group("gap")
        if exact and in_header:
            state, why = State.ENABLED, ""
        elif not exact:
            state, why = State.MENTIONED, "commented-out directive (the scheduler ignores it)"
        else:
            state, why = State.MENTIONED, "directive after the first command (the scheduler ignores it)"
        scheduler = _SCHEDULER[m.group("kw")]
        findings.extend(_directive_findings(line, m.end(), number, scheduler, state, why))
    return findings


def _words(line: str, start: int) -> list[_Word]:
    words = []
    for m in _WORD.finditer(line, start):
        if m.group().startswith("#"):
            break  # a trailing comment
        raw = m.group()
        lead = len(raw) - len(raw.lstrip("\"'"))
        words.append(_Word(raw.replace('"', "").replace("'", ""), m.start() + lead, m.end(), raw))
    return words


def _options(words: list[_Word], table: dict[str, str]) -> Iterator[tuple[str, str, _Word]]:
    """(meaning, option as written, value word) for each known option, in `--opt=value`, `--opt value`, `-Xvalue`
    form."""
    i = 0
    while i < len(words):
        word = words[i]
        name, eq, value = word.text.partition("=")
        if eq and name in table:
            after = word.raw[word.raw.index("=") + 1 :]
            offset = word.column - (len(word.raw) - len(word.raw.lstrip("\"'"))) + word.raw.index("=") + 1
            offset += len(after) - len(after.lstrip("\"'"))
            yield table[name], name, _Word(value, offset, word.end)
        elif word.text in table and i + 1 < len(words):
            yield table[word.text], word.text, words[i + 1]
            i += 1
        elif len(word.text) > 2 and word.text[:2] in table and not word.text.startswith("--"):
            yield table[word.text[:2]], word.text[:2], _Word(word.text[2:], word.column + 2, word.end)
        i += 1


def _directive_findings(line: str, start: int, number: int, scheduler: str, state: State, why: str
                        ) -> Iterator[RawFinding]:
    base = {"scheduler": scheduler}
    for meaning, option, word in _options(_words(line, start), _OPTIONS[scheduler]):
        props = dict(base, directive=option)
        if meaning == "gres":
            yield from _gres(word, number, state, why, props)
        elif meaning.startswith("gpus_"):
            yield from _gpus(word, meaning[5:], number, state, why, props)
        elif meaning == "constraint":
            yield from _constraint(word, number, state, why, props)
        elif meaning == "partition":
            yield from _partition(word, number, state, why, props)
        elif meaning == "nodes":
            yield _count(Code.NODE_COUNT, word.text, word, number, state, why, props)
        elif meaning == "resources":
            yield from _keyed(word, number, state, why, props, per="node")
        elif meaning == "lsf_gpu":
            yield from _keyed(word, number, state, why, props, per="node")


def _count(rule: str, text: str, word: _Word, number: int, state: State, why: str, props: dict) -> RawFinding:
    """A device or node count: an int when written as one, else the text as written, conditional."""
    span = Span(number, word.column + 1, number, word.column + 1 + len(text))
    if _INT.match(text):
        return RawFinding(rule, int(text), state, span, why, props)
    detail = why or f"'{text}' is not a plain number (a range, or a variable the scheduler does not expand)"
    return RawFinding(rule, text, State.CONDITIONAL if state is State.ENABLED else state, span, detail, props)


def _gpu(text: str, column: int, number: int, state: State, why: str, props: dict,
         rule: str = Code.JOB_GPU_REQUEST) -> RawFinding | None:
    # Vendor words glued to a model ("TeslaV100_SXM2") are dropped before matching; the value stays as written.
    mention = gpunames.first(re.sub(r"^(?:nvidia|tesla)", "", text, flags=re.I))
    if mention is None:
        return None
    span = Span(number, column + 1, number, column + 1 + len(text))
    return RawFinding(rule, text, state, span, why, {**props, **mention.properties()})


def _gres(word: _Word, number: int, state: State, why: str, props: dict) -> Iterator[RawFinding]:
    """`gpu[:type][:count]`, comma-separated with other resources; a socket suffix `(S:0-1)` is dropped."""
    offset = word.column
    for item in word.text.split(","):
        parts = re.sub(r"\(.*?\)", "", item).split(":")
        if parts[0] == "gpu" and len(parts) >= 2:
            count = parts[-1] if _INT.match(parts[-1]) else None
            gpu_type = parts[1] if len(parts) >= 3 or count is None else None
            pcount = {"count": int(count), "count_per": "node"} if count else {}
            if gpu_type:
                found = _gpu(gpu_type, offset + len("gpu:"), number, state, why, {**props, **pcount})
                if found:
                    yield found
            if count:
                column = offset + item.rfind(count)
                word = _Word(count, column, column + len(count))
                yield _count(Code.GPUS_PER_NODE, count, word, number, state, why, props)
        offset += len(item) + 1


def _gpus(word: _Word, per: str, number: int, state: State, why: str, props: dict) -> Iterator[RawFinding]:
    """`[type:]count` for --gpus (per job), --gpus-per-node, --gpus-per-task."""
    gpu_type, _, count = word.text.rpartition(":")
    pcount = {"count": int(count), "count_per": per} if _INT.match(count) else {}
    if gpu_type:
        found = _gpu(gpu_type, word.column, number, state, why, {**props, **pcount})
        if found:
            yield found
    if per == "node" and count:
        column = word.column + len(word.text) - len(count)
        yield _count(Code.GPUS_PER_NODE, count, _Word(count, column, column + len(count)), number, state, why, props)


def _constraint(word: _Word, number: int, state: State, why: str, props: dict) -> Iterator[RawFinding]:
    """Node features: `a100`, `a100&ib`, `a100|h100` (alternatives are conditional), `[a100|h100]`."""
    alternatives = "|" in word.text
    detail = why or ("one of several alternative features" if alternatives else "")
    for m in re.finditer(r"[^&|\[\],*()\s]+", word.text):
        found = _gpu(m.group(), word.column + m.start(), number,
                     State.CONDITIONAL if alternatives and state is State.ENABLED else state, detail, props)
        if found:
            yield found


def _partition(word: _Word, number: int, state: State, why: str, props: dict) -> Iterator[RawFinding]:
    names = word.text.split(",")
    several = len(names) > 1
    offset = word.column
    for name in names:
        mention = gpunames.first(name.replace("_", " "))
        if mention is not None:
            st = State.CONDITIONAL if several and state is State.ENABLED else state
            detail = why or ("one of several partitions" if several else "")
            span = Span(number, offset + 1, number, offset + 1 + len(name))
            yield RawFinding(Code.JOB_PARTITION_GPU, name, st, span, detail, {**props, **mention.properties()})
        offset += len(name) + 1


def _keyed(word: _Word, number: int, state: State, why: str, props: dict, per: str) -> Iterator[RawFinding]:
    """PBS `-l select=2:ncpus=32:ngpus=8:gpu_model=a100` and LSF `-gpu "num=4:gmodel=TeslaV100_SXM2_32GB"`."""
    pairs = []
    offset = word.column
    for item in re.split(r"([:,+])", word.text):
        key, eq, value = item.partition("=")
        if eq:
            pairs.append((key.strip().lower(), value, offset + len(key) + 1))
        offset += len(item)
    count = next((v for k, v, _ in pairs if k in _COUNT_KEYS and _INT.match(v)), None)
    for key, value, column in pairs:
        vword = _Word(value, column, column + len(value))
        if key in _MODEL_KEYS:
            extra = {"count": int(count), "count_per": per} if count else {}
            found = _gpu(value, column, number, state, why, {**props, **extra})
            if found:
                yield found
        elif key in _COUNT_KEYS:
            yield _count(Code.GPUS_PER_NODE, value, vword, number, state, why, props)
        elif key in _NODE_KEYS:
            yield _count(Code.NODE_COUNT, value, vword, number, state, why, props)


__all__ = ["extract"]
