"""Fuzzing machinery shared by tests/properties/test_fuzz.py and scripts/fuzz_long.py.

Inputs per kind are Hypothesis strategies: raw bytes, text built from the kind's own
tokens, and mutations (cut, duplicate, splice, insert a token, flip a byte, truncate)
of seed files: every fixture file of that kind and every rule example of that kind.
`run_extractors` feeds one input through a kind's extractors exactly as the scanner
does and returns what went wrong: an exception other than ExtractionError, a finding
outside the file, or a finding that does not fit the evidence model.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from hypothesis import strategies as st

from whackachip_lint.discover import classify
from whackachip_lint.evidence import RawFinding, State
from whackachip_lint.extract import EXTRACTORS, ExtractionError, Source, extractors_for
from whackachip_lint.rules import ALL_RULES
from whackachip_lint.one_file import reported_span

from . import corpus

FIXTURES = Path(__file__).parent / "fixtures"
SEED_MAX_BYTES = 64 * 1024

# Tokens that matter to each kind's grammar or rules: mutations insert them.
TOKENS: dict[str, tuple[str, ...]] = {
    "common": ("\n", "\r\n", "\r", "\t", " ", "#", "\\", '"', "'", "\x0c", "\u2028", "\ufeff", "é", "模", "\U0001f600",
               "bf16", "fp16", "nccl", "NCCL_IB_DISABLE=1", "cuda", "rocm", "8.0", "sm_90", "auto", "true", "false",
               "0", "1", "-1", "1e999", "wac-lint: disable=WAC101", "wac-lint: disable-file=ALL"),
    "python": ("(", ")", "[", "]", "{", "}", ":", "=", ".", ",", "'''", '"""', 'f"{', "}", "if ", "else:", "def f():",
               "import torch", "from torch import bfloat16 as b", "torch.bfloat16", "dtype=", "with ", "lambda: ",
               "async ", "match x:", "    ", "@", "**", "*", "->", ":=", "print ", "except E, e:", "\\\n",
               "torch.cuda.is_bf16_supported()", "parser.add_argument('--bf16', action='store_true')"),
    "shell": ("$(", ")", "`", "${", "}", "${X:-", "<<EOF\n", "\nEOF\n", "<<'EOF'\n", "'", '"', ";", "&&", "||", "|",
              "if [ ", " ]; then\n", "fi\n", "case $x in\n", "esac\n", "export ", "NCCL_SOCKET_IFNAME=", "eval ",
              "source ", "torchrun --nproc_per_node=8 ", "deepspeed ", "--bf16 ", "#SBATCH --gres=gpu:8\n", "\\\n"),
    "json": ("{", "}", "[", "]", ":", ",", '"', '"bf16"', '"enabled"', '"auto"', "true", "false", "null", "1e400",
             "NaN", "-Infinity", "//", "/*", "*/", '"zero_optimization"', '"stage"', "3", '"\\u0000"', '"\\ud800"'),
}


def kinds() -> list[str]:
    return sorted(EXTRACTORS)


def file_name(kind: str) -> str:
    return corpus.file_name(kind)


@lru_cache(maxsize=None)
def seeds(kind: str) -> tuple[bytes, ...]:
    """Seed inputs: fixture files of this kind, then rule examples of this kind."""
    found: list[bytes] = []
    if FIXTURES.is_dir():
        for path in sorted(FIXTURES.rglob("*")):
            if path.is_file() and not path.is_symlink() and path.stat().st_size <= SEED_MAX_BYTES:
                if path.suffix == ".json" and "expected" in path.parts:
                    continue
                try:
                    head = path.read_bytes()[:128]
                except OSError:
                    continue
                if classify(path, head) == kind:
                    found.append(path.read_bytes())
    for rule in ALL_RULES.values():
        for example in (*rule.positives, *rule.negatives):
            if example.kind == kind:
                found.append(example.code.encode("utf-8"))
    found.append(corpus.evidence(kind))
    return tuple(dict.fromkeys(found))  # unique, in order


def _tokens(kind: str) -> tuple[str, ...]:
    return TOKENS["common"] + TOKENS.get(kind, ())


@st.composite
def mutated(draw, kind: str) -> bytes:
    pool = seeds(kind)
    data = bytearray(draw(st.sampled_from(pool)))
    tokens = _tokens(kind)
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        op = draw(st.sampled_from(("insert", "delete", "duplicate", "splice", "flip", "truncate", "crlf")))
        n = len(data)
        at = draw(st.integers(min_value=0, max_value=n))
        if op == "insert":
            data[at:at] = draw(st.sampled_from(tokens)).encode("utf-8")
        elif op == "delete" and n:
            end = draw(st.integers(min_value=at, max_value=min(n, at + 64)))
            del data[at:end]
        elif op == "duplicate" and n:
            end = draw(st.integers(min_value=at, max_value=min(n, at + 256)))
            data[end:end] = data[at:end] * draw(st.integers(min_value=1, max_value=4))
        elif op == "splice":
            other = draw(st.sampled_from(pool))
            cut = draw(st.integers(min_value=0, max_value=len(other)))
            data[at:] = other[cut:]
        elif op == "flip" and n:
            index = min(at, n - 1)
            data[index] = draw(st.integers(min_value=0, max_value=255))
        elif op == "truncate":
            del data[at:]
        elif op == "crlf":
            data = bytearray(bytes(data).replace(b"\n", b"\r\n"))
    return bytes(data)


def token_text(kind: str) -> st.SearchStrategy[bytes]:
    return st.lists(st.sampled_from(_tokens(kind)) | st.text(max_size=8), max_size=60).map(
        lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
    )


def inputs(kind: str) -> st.SearchStrategy[bytes]:
    return st.one_of(mutated(kind), token_text(kind), st.binary(max_size=512))


def _json_scalar(value) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def check_raw(raw: RawFinding, lines: list[str]) -> list[str]:
    """Ways a raw finding fails the evidence model or points outside the file."""
    out = []
    if raw.rule not in ALL_RULES:
        out.append(f"unknown rule code {raw.rule!r}")
    if not isinstance(raw.state, State):
        out.append(f"state {raw.state!r} is not a State")
    if not _json_scalar(raw.value):
        out.append(f"value {raw.value!r} is not a JSON scalar")
    for key, value in dict(raw.properties).items():
        if not isinstance(key, str) or not _json_scalar(value):
            out.append(f"property {key!r}={value!r} is not a JSON scalar")
    # The scanner reports an end at column 1 of the next line as the end of the line before
    # (one_file.reported_span); that convention is accepted, anything else must lie in the file.
    span = raw.span
    if span.end_column == 1 and span.end_line > span.line and span.column >= 1:
        span = reported_span(span, lines)
    n = len(lines)
    if not (1 <= span.line <= span.end_line <= n):
        out.append(f"lines {span.line}..{span.end_line} outside 1..{n}")
        return out
    if not (1 <= span.column <= len(lines[span.line - 1]) + 1):
        out.append(f"column {span.column} outside line {span.line} (length {len(lines[span.line - 1])})")
    if not (1 <= span.end_column <= len(lines[span.end_line - 1]) + 1):
        out.append(f"end column {span.end_column} outside line {span.end_line} (length {len(lines[span.end_line - 1])})")
    if span.line == span.end_line and span.end_column < span.column:
        out.append(f"end column {span.end_column} before column {span.column}")
    return out


def run_extractors(kind: str, data: bytes) -> list[str]:
    """Feed `data` through `kind`'s extractors as the scanner does; return the problems found."""
    name = file_name(kind)
    source = Source(Path(name), name, kind, data)
    raws: list[RawFinding] = []
    try:
        source.text
        for extract in extractors_for(kind):
            raws.extend(extract(source))
    except ExtractionError as exc:
        return [] if str(exc).strip() else ["ExtractionError with an empty message"]
    except RecursionError:
        return []  # the scanner turns it into a "too deeply nested" diagnostic
    except Exception as exc:  # noqa: BLE001 - this is what we are looking for
        return [f"{type(exc).__name__}: {exc}"]
    problems = []
    for raw in raws:
        problems += [f"{raw.rule} at {raw.span}: {p}" for p in check_raw(raw, source.lines)]
    return problems
