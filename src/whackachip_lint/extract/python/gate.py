"""Which lines can hold Python evidence: the lines holding a trigger word.

The extractor visits in full only the statements whose lines hold one of these
words; every other statement costs a line-range check and, for assignments, a
name binding (a later line may read the variable). The words are the
pre-filter's words (`Rule.triggers`) of the rule families whose words this
extractor can meet in free text (precision, runtimes and devices,
interconnect, kernels: the mention patterns and compile targets), the names
and prefixes of the hardware environment variables (environment.py), and the
words the extractor's own tables react to (keywords, option names, call and
attribute names, methods), so a row added to either table widens the gate with
it. Other families' words (batch sizes, ZeRO, launchers, product names) reach
this extractor only through the longer table spellings (`micro_batch_size`,
`zero_optimization`), so `batch_size` in model code does not open the gate. Names
bound by an import to something that holds a word (`from torch import bfloat16
as bf`) are added per file as they are imported (`lines_naming`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from functools import lru_cache

from ...rules import collective, family_codes, kernels, network, precision
from . import tables as T

# Rule families whose trigger words the extractor meets in comments, docstrings and strings.
_TEXT_FAMILIES = (precision, collective, network, kernels)
# Dotted names whose last part, as written at the call or use, is what the extractor reacts to.
_DOTTED_TABLES = (
    T.INIT_PROCESS_GROUP, T.DEEPSPEED_INIT, T.JAX_DISTRIBUTED_INIT, T.AUTOCAST, T.CPU_AUTOCAST, T.FP8_AUTOCAST, T.GRAD_SCALERS,
    T.FP8_GEMMS, T.FSDP_CALLS, T.DEVICE_CALLS, T.XLA_DEVICE_CALLS, T.BF16_SUPPORT_CHECKS, T.MATMUL_PRECISION,
    T.TF32_ATTRIBUTES, T.FP32_PRECISION_ATTRIBUTES, T.VERSION_ATTRIBUTES, T.DTYPES, T.PLATFORM_CALLS,
    T.PLATFORM_QUERIES, T.MODEL_LOADERS, T.PEFT_CALLS, T.TPU_CALLS, T.JOB_REQUIREMENTS,
)
# Names meaningful only with an argument that holds a word of its own (`opt_level=`, a module name, the
# `jax_platforms` option).
_NAMED_BY_ARGUMENTS = (T.APEX_AMP_INIT, T.DYNAMIC_IMPORTS, T.PLATFORM_CONFIG_CALLS)
# Calls whose meaning comes from a variable or an option defined elsewhere (`model.to(device)`,
# `parser.add_argument("--foo")`, click options).
_CALL_WORDS = (".to(", "add_argument", "click")


@lru_cache(maxsize=None)
def meaningful(target: str) -> bool:
    """Whether an imported name is one the tables give a meaning to (or a vendor device namespace of torch)."""
    from .meanings import dtype_meaning

    if dtype_meaning(target) is not None or target in _dotted_names():
        return True
    head, _, rest = target.partition(".")
    return head == "torch" and rest.split(".", 1)[0] in T.DEVICE_MODULES


@lru_cache(maxsize=1)
def _dotted_names() -> frozenset[str]:
    names = {"os.environ", "os.getenv", "os.putenv", "os.unsetenv", "contextlib.suppress"}
    for table in _DOTTED_TABLES + _NAMED_BY_ARGUMENTS:
        names.update(name for name in table if not name.startswith("*."))
    names.update(T.ENV_GETTERS)
    return frozenset(names)


def table_words() -> set[str]:
    from ..environment import EXACT, PREFIXES

    words = set(_CALL_WORDS) | set(EXACT) | set(PREFIXES)
    for table in (T.KEYWORDS, T.FLAG_KEYWORDS, T.FLAG_ALIASES, T.DS_BLOCKS, T.CAST_METHODS, T.DEVICE_METHODS,
                  T.LOW_PRECISION_RECIPES, T.PLATFORM_CONFIG_KEYS, T.FREEZE_METHODS, T.CHECKPOINT_METHODS):
        words.update(table)
    words.update(T.FLAG_ALIASES.values())
    words.update(T.DEVICE_MODULES)
    for table in _DOTTED_TABLES:
        words.update(name.rsplit(".", 1)[-1] for name in table)
    return {word.lower() for word in words if word}


# Characters of lower-cased Python source, most frequent first (counted over the transformers package and
# megatron-core); a character not listed is rarer than all of them.
_BY_FREQUENCY = " etsnioar_dl\ncpumfh.g,=)(b\"k:yvw`xz[]*-12q0#>/|3j45{}6+8@'79<\\!;?~%^&$"


@lru_cache(maxsize=1)
def gate_pattern() -> re.Pattern[bytes]:
    from ...prefilter import compile_words, words_for

    words = (words_for("python", family_codes(*_TEXT_FAMILIES)) or set()) | table_words()
    words.discard("")  # an empty word (a plug-in's bare `*`) names nothing: kept, it would open every line
    return compile_words(words, by_frequency=_BY_FREQUENCY)


def hot_lines(text: str) -> list[int]:
    """Sorted 1-based numbers of the lines holding a gate word (case-insensitive)."""
    return lines_matching(text, gate_pattern(), lower=True)


def lines_matching(text: str, pattern: re.Pattern[bytes], lower: bool = False) -> list[int]:
    data = text.encode("utf-8")
    if lower:
        data = data.lower()
    if b"\r" in data:  # CPython also breaks lines at a lone CR: count the same way
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    found: list[int] = []
    line, counted, position = 1, 0, 0
    search = pattern.search
    while True:
        match = search(data, position)
        if match is None:
            return found
        start = match.start()
        line += data.count(b"\n", counted, start)
        counted = start
        found.append(line)
        position = data.find(b"\n", match.end())  # the rest of a line adds nothing
        if position < 0:
            return found


def lines_naming(text: str, name: str) -> list[int]:
    """Lines where `name` stands as a whole identifier."""
    return lines_matching(text, re.compile(rb"(?<![\w.])" + re.escape(name.encode("utf-8")) + rb"\b"))


class Gate:
    """A sorted set of hot lines, asked about line ranges."""

    def __init__(self, lines: list[int]) -> None:
        self.lines = lines

    def holds(self, first: int, last: int) -> bool:
        lines = self.lines
        index = bisect_left(lines, first)
        return index < len(lines) and lines[index] <= last

    def add(self, more: list[int]) -> None:
        for line in more:
            index = bisect_left(self.lines, line)
            if index == len(self.lines) or self.lines[index] != line:
                insort(self.lines, line)
