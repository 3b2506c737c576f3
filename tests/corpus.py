"""The adversarial corpus: bad and awkward input of every kind we read, built on the fly.

Nothing here is committed as a binary: each entry is a function that writes its files
under a root directory (and, for links that escape, an `outside` directory). Per-kind
entries are generated for every kind `discover.classify` recognises by name and
`extract.EXTRACTORS` registers, so a new format is covered as soon as it is registered.
Evidence comes from the rules' own positive examples, so an entry that must keep its
findings has findings to keep once the kind's extractor is real.

Each entry says what a scan must make of it (`Expect`):
- DIAGNOSTIC: exactly one diagnostic naming the entry's path, matching `message`; no findings.
- PARSE: the same, once the kind's extractor is real (a stub parses nothing and says nothing).
- LENIENT: the extractor may accept or refuse the file (a design choice of its own), so at
  most one diagnostic, and no crash. With `twin`, a file it accepts must give the twin's findings.
- SAME: no diagnostic, and exactly the findings (rule, lines, columns, state, value) of `twin`
  scanned on its own: the awkwardness (CRLF, BOM, odd names) must change nothing.
- CLEAN: no diagnostic; any findings lie inside the file.
"""

from __future__ import annotations

import enum
import json
import os
import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

from whackachip_lint.discover import classify, printable_path
from whackachip_lint.extract import EXTRACTORS
from whackachip_lint.kinds import DOC_KINDS, sample_name
from whackachip_lint.rules import ALL_RULES

# File names for generated files where a training repository would name them differently from the kind's sample
# name (kinds.py); every other kind uses its sample name.
NAMES = {
    "python": "train.py",
    "shell": "launch.sh",
    "json": "ds_config.json",
    "yaml": "config.yaml",
    "notebook": "explore.ipynb",
}
# Kinds whose parsers must refuse broken syntax (truncation, stray tokens): Python and
# JSON have one grammar and no partial reading. Shell, YAML, Dockerfile... are read
# leniently by design.
STRICT_KINDS = frozenset({"python", "json", "notebook"})

HUGE_BYTES = 100 * 1024 * 1024  # the sparse file over the default size cap
LONG_LINE_BYTES = 10 * 1000 * 1000  # one line, under the default cap


class Expect(str, enum.Enum):
    DIAGNOSTIC = "diagnostic"
    PARSE = "parse"
    LENIENT = "lenient"
    SAME = "same"
    CLEAN = "clean"


@dataclass(frozen=True)
class Entry:
    name: str
    path: str  # as the scan reports it, relative to the corpus base
    expect: Expect
    build: Callable[[Path, Path], None] = field(repr=False, compare=False)
    kind: str | None = None
    message: str = ""  # regex a DIAGNOSTIC/PARSE diagnostic must match
    twin: tuple[str, bytes] | None = field(default=None, repr=False)  # (kind, bytes) for SAME/LENIENT
    needs_non_root: bool = False  # permission tricks that root ignores
    slow: bool = False


@lru_cache(maxsize=None)
def corpus_kinds() -> tuple[str, ...]:
    """Registered kinds that a file name alone makes discover pick up."""
    return tuple(k for k in sorted(EXTRACTORS) if classify(Path(file_name(k)), b"") == k)


def file_name(kind: str) -> str:
    return NAMES.get(kind) or sample_name(kind)


@lru_cache(maxsize=None)
def evidence(kind: str) -> bytes:
    """Text that holds evidence for `kind`: its rules' positive examples (first few that fit)."""
    for rule in ALL_RULES.values():
        if rule.code.startswith("WAC0"):
            continue  # meta rules (about directives) are not hardware evidence
        for example in rule.positives:
            if example.kind == kind and (example.filename is None or example.filename == file_name(kind)):
                return example.code.encode("utf-8")
    if kind == "notebook":
        return tiny_notebook(evidence("python"))
    return {"python": b"import torch\n", "json": b"{}\n"}.get(kind, b"# nothing\n")


def tiny_notebook(code: bytes) -> bytes:
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
            "source": code.decode("utf-8").splitlines(keepends=True)}
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(notebook, indent=1).encode("utf-8") + b"\n"


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _writer(rel: str, data: bytes | Callable[[], bytes]) -> Callable[[Path, Path], None]:
    def build(root: Path, _outside: Path) -> None:
        _write(root / rel, data() if callable(data) else data)

    return build


def _binary_blob(seed: int) -> bytes:
    rng = random.Random(seed)
    return b"\x7fELF\x02\x01\x01\x00" + bytes(rng.randrange(256) for _ in range(4096)) + b"\x00" * 64


def _invalid_utf8(text: bytes) -> bytes:
    return text + b"# caf\xe9 \xff\xfe\xfd\n" + text


def _truncate(text: bytes) -> bytes:
    """Cut off the last character that is not white space: an unclosed bracket, most often."""
    return text.rstrip()[:-1]


def _crlf(text: bytes) -> bytes:
    return text.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _sparse(rel: str, size: int) -> Callable[[Path, Path], None]:
    def build(root: Path, _outside: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(b"import torch\n")
            handle.truncate(size)  # sparse: costs no disk and no time

    return build


def per_kind_entries(kind: str) -> list[Entry]:
    name = file_name(kind)
    text = evidence(kind)
    strict = Expect.PARSE if kind in STRICT_KINDS else Expect.LENIENT
    at = lambda label: f"{label}_{kind}/{name}"  # noqa: E731
    entries = [
        Entry(f"binary-{kind}", at("binary"), Expect.DIAGNOSTIC, _writer(at("binary"), _binary_blob(len(kind))),
              kind, r"binary file"),
        Entry(f"invalid-utf8-{kind}", at("latin1"), Expect.DIAGNOSTIC, _writer(at("latin1"), _invalid_utf8(text)),
              kind, r"not valid UTF-8 \(byte \d+"),
        Entry(f"utf16-bom-{kind}", at("utf16"), Expect.DIAGNOSTIC,
              _writer(at("utf16"), text.decode("utf-8").encode("utf-16")), kind, r"UTF-16 text \(byte-order mark\)"),
        Entry(f"utf32-bom-{kind}", at("utf32"), Expect.DIAGNOSTIC,
              _writer(at("utf32"), text.decode("utf-8").encode("utf-32")), kind, r"UTF-32 text \(byte-order mark\)"),
        Entry(f"nul-byte-{kind}", at("nul"), Expect.DIAGNOSTIC, _writer(at("nul"), text + b"\x00\n" + text),
              kind, r"binary file \(contains NUL bytes\)"),
        Entry(f"over-size-cap-{kind}", at("huge"), Expect.DIAGNOSTIC, _sparse(at("huge"), HUGE_BYTES), kind,
              # Docs and logs are read up to their read cap, never skipped for their size (issue 13).
              r"read the first 13 of 104,857,600 bytes \(the per-file read cap" if kind in DOC_KINDS
              else r"104,857,600 bytes, over the [\d,]+-byte limit"),
        Entry(f"truncated-{kind}", at("truncated"), strict, _writer(at("truncated"), _truncate(text)), kind, r"."),
        Entry(f"empty-{kind}", at("empty"), Expect.CLEAN if kind in ("python", "shell") else Expect.LENIENT,
              _writer(at("empty"), b""), kind),
        Entry(f"crlf-{kind}", at("crlf"), Expect.SAME, _writer(at("crlf"), _crlf(text)), kind, twin=(kind, text)),
        Entry(f"utf8-bom-{kind}", at("bom"), Expect.SAME, _writer(at("bom"), b"\xef\xbb\xbf" + text), kind,
              twin=(kind, text)),
        Entry(f"no-final-newline-{kind}", at("nonl"), Expect.SAME, _writer(at("nonl"), text.rstrip(b"\r\n")), kind,
              twin=(kind, text)),
    ]
    return entries


def _py(label: str, data: bytes, expect: Expect, message: str = "", twin: bytes | None = None, **kw) -> Entry:
    rel = f"python/{label}.py"
    return Entry(f"python-{label}", rel, expect, _writer(rel, data), "python", message,
                 twin=("python", twin) if twin is not None else None, **kw)


def _sh(label: str, data: bytes, expect: Expect, twin: bytes | None = None, **kw) -> Entry:
    rel = f"shell/{label}.sh"
    return Entry(f"shell-{label}", rel, expect, _writer(rel, data), "shell", twin=("shell", twin) if twin else None,
                 **kw)


def _js(label: str, data: bytes | Callable[[], bytes], expect: Expect, twin: bytes | None = None, **kw) -> Entry:
    rel = f"json/{label}.json"
    return Entry(f"json-{label}", rel, expect, _writer(rel, data), "json", twin=("json", twin) if twin else None,
                 **kw)


DEEPSPEED_PLAIN = b"""{
  "train_micro_batch_size_per_gpu": 4,
  "bf16": {"enabled": true},
  "zero_optimization": {"stage": 3, "offload_param": {"device": "cpu"}}
}
"""
DEEPSPEED_COMMENTED = b"""{
  // DeepSpeed's loader (hjson) accepts comments and trailing commas
  "train_micro_batch_size_per_gpu": 4,
  "bf16": {"enabled": true,},
  /* offload to host memory */
  "zero_optimization": {"stage": 3, "offload_param": {"device": "cpu"},},
}
"""


def format_entries() -> list[Entry]:
    """Syntax trouble specific to one language (only for kinds that are registered)."""
    kinds = corpus_kinds()
    entries: list[Entry] = []
    if "python" in kinds:
        ev = evidence("python")
        entries += [
            _py("python2", b'import torch\nprint "training on", torch.cuda.device_count()\n'
                b"try:\n    pass\nexcept Exception, e:\n    raise\n", Expect.PARSE, r"."),
            _py("syntax_error", ev + b"def broken(:\n    return\n", Expect.PARSE, r"."),
            _py("unclosed_string", ev + b'x = """never closed\n' * 3, Expect.PARSE, r"."),
            _py("deep_parens", b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n", Expect.DIAGNOSTIC,
                r"nested too deeply"),
            _py("deep_brackets", b"x = " + b"[" * 3000 + b"]" * 3000 + b"\n", Expect.DIAGNOSTIC, r"nested too deeply"),
            _py("deep_unary", b"x = " + b"-" * 30000 + b"1\n", Expect.DIAGNOSTIC, r"nested too deeply"),
            _py("deep_attributes", b"x = a" + b".b" * 30000 + b"\n", Expect.DIAGNOSTIC, r"nested too deeply"),
            _py("huge_int_literal", ev + b"x = " + b"9" * 6000 + b"\n", Expect.LENIENT),
            _py("mixed_tabs", b"if True:\n        x = 1\n\ty = 2\n", Expect.LENIENT),
            _py("form_feed_and_line_separators", b"\x0c\n# a \xe2\x80\xa8 line separator and \x0b in a comment\n" + ev,
                Expect.SAME, twin=b"\n\n" + ev),
            _py("lone_cr_line_endings", ev.replace(b"\n", b"\r"), Expect.SAME, twin=ev),
            _py("long_line", lambda_bytes(lambda ev=ev: ev + b"# " + b"a" * LONG_LINE_BYTES + b"\n"), Expect.SAME, twin=ev,
                slow=True),
            _py("many_lines", lambda_bytes(lambda ev=ev: ev + b"x = 1\n" * 20_000), Expect.SAME, twin=ev, slow=True),
        ]
    if "shell" in kinds:
        ev = evidence("shell")
        entries += [
            _sh("unterminated_double_quote", ev + b'echo "never closed\nexport NCCL_DEBUG=INFO\n', Expect.LENIENT),
            _sh("unterminated_single_quote", ev + b"echo 'never closed\n", Expect.LENIENT),
            _sh("unterminated_heredoc", ev + b"cat <<EOF > ds_config.json\n{\"bf16\": {\"enabled\": true}}\n",
                Expect.LENIENT),
            _sh("unterminated_command_substitution", ev + b"X=$(hostname\n", Expect.LENIENT),
            _sh("deep_command_substitution", b"echo " + b"$(" * 3000 + b")" * 3000 + b"\n", Expect.LENIENT),
            _sh("long_pipeline", b"cat x" + b" | tr a b" * 20000 + b"\n", Expect.LENIENT),
            Entry("shell-brace-then-private-use-character", "shell/astral.sh", Expect.DIAGNOSTIC,
                  _writer("shell/astral.sh", ev + b"echo a{\xf4\x89\x9a\xa9}\n"), "shell",
                  r"character U\+1096A9 at line \d+, column \d+ .*not parsed"),
            _sh("long_line", lambda_bytes(lambda ev=ev: ev + b"# " + b"a" * LONG_LINE_BYTES + b"\n"), Expect.SAME, twin=ev,
                slow=True),
        ]
    if "json" in kinds:
        entries += [
            _js("nested_10000_deep", b"[" * 10000 + b"]" * 10000 + b"\n", Expect.LENIENT),
            _js("objects_10000_deep", b'{"a":' * 10000 + b"1" + b"}" * 10000 + b"\n", Expect.LENIENT),
            _js("comments_and_trailing_commas", DEEPSPEED_COMMENTED, Expect.LENIENT, twin=DEEPSPEED_PLAIN),
            _js("huge_numbers", b'{"train_batch_size": 1e999999, "seed": ' + b"7" * 6000 + b', "lr": NaN,'
                b' "clip": Infinity, "bf16": {"enabled": -Infinity}}\n', Expect.LENIENT),
            _js("top_level_array", b'[{"bf16": {"enabled": true}}, 3, "fp16"]\n', Expect.LENIENT),
            _js("top_level_string", b'"bf16"\n', Expect.LENIENT),
            _js("wrong_types", b'{"bf16": [true], "fp16": "yes", "zero_optimization": 3, "train_batch_size": {}}\n',
                Expect.LENIENT),
            _js("duplicate_keys", b'{"bf16": {"enabled": true}, "bf16": {"enabled": false}}\n', Expect.LENIENT),
            _js("long_line", lambda_bytes(lambda: b'{"pad": "' + b"a" * LONG_LINE_BYTES + b'"}\n'), Expect.LENIENT,
                slow=True),
        ]
    if "notebook" in kinds:
        entries.append(
            Entry("notebook-megabytes-of-output", "notebook/big.ipynb", Expect.CLEAN,
                  _writer("notebook/big.ipynb", lambda: big_notebook(evidence("python"))), "notebook", slow=True)
        )
    return entries


def lambda_bytes(make: Callable[[], bytes]) -> Callable[[], bytes]:
    """Large contents are made when the entry is built, not when the corpus is listed."""
    return make


def big_notebook(code: bytes, megabytes: int = 4) -> bytes:
    rng = random.Random(7)
    log = [f"step {i} loss {rng.random():.6f} lr 3e-4 tokens/s {rng.randrange(10**6)}\n" for i in range(40_000)]
    image = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(
        megabytes * 256 * 1024))
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Training run\n"]},
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {},
                "source": code.decode("utf-8").splitlines(keepends=True),
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": log},
                    {"output_type": "display_data", "metadata": {}, "data": {"image/png": image, "text/plain": ["<Figure>"]}},
                ],
            },
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1).encode("utf-8")


# --- the file system -----------------------------------------------------------------


def _symlink(rel: str, target: str | Callable[[Path, Path], str], *, make_target: bytes | None = None):
    def build(root: Path, outside: Path) -> None:
        link = root / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        dest = target(root, outside) if callable(target) else target
        if make_target is not None:
            _write(Path(dest), make_target)
        elif os.path.isabs(dest):
            Path(dest).mkdir(parents=True, exist_ok=True)
            _write(Path(dest) / "model.py", evidence("python"))
        os.symlink(dest, link)

    return build


def _fifo(rel: str):
    def build(root: Path, _outside: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(root / rel)

    return build


def _chmod(rel: str, data: bytes | None, mode: int):
    def build(root: Path, _outside: Path) -> None:
        path = root / rel
        if data is None:
            path.mkdir(parents=True, exist_ok=True)
            _write(path / "inside.py", b"import torch\nx = torch.bfloat16\n")
        else:
            _write(path, data)
        os.chmod(path, mode)

    return build


def _raw_name(rel: bytes, data: bytes):
    def build(root: Path, _outside: Path) -> None:
        path = os.path.join(os.fsencode(root), rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)

    return build


def _gitignore(root: Path, _outside: Path) -> None:
    _write(root / "gitignore/.gitignore", b"!\ntrailing\\\n[z-a]\n[[:alpha:]]\nignored.py\n")
    _write(root / "gitignore/ignored.py", evidence("python"))


def filesystem_entries() -> list[Entry]:
    py = evidence("python")
    kinds = corpus_kinds()
    entries = [
        Entry("broken-symlink", "links/broken.py", Expect.DIAGNOSTIC, _symlink("links/broken.py", "missing.py"),
              message=r"broken symbolic link"),
        Entry("symlink-to-itself", "links/self.py", Expect.DIAGNOSTIC, _symlink("links/self.py", "self.py"),
              message=r"symbolic link loop"),
        Entry("symlink-loop-two-links", "links/ping.py", Expect.DIAGNOSTIC,
              lambda root, out: (_symlink("links/ping.py", "pong.sh")(root, out),
                                 _symlink("links/pong.sh", "ping.py")(root, out)),
              message=r"symbolic link loop"),
        Entry("symlink-loop-two-links-other-end", "links/pong.sh", Expect.DIAGNOSTIC, lambda root, out: None,
              message=r"symbolic link loop"),
        Entry("symlink-to-enclosing-directory", "links/sub/up", Expect.DIAGNOSTIC, _symlink("links/sub/up", ".."),
              message=r"symbolic link loop \(points to an enclosing directory\)"),
        Entry("symlink-file-outside-root", "links/leak.py", Expect.DIAGNOSTIC,
              _symlink("links/leak.py", lambda root, out: str(out / "secret.py"), make_target=py),
              message=r"points outside the scanned root"),
        Entry("symlink-directory-outside-root", "links/leakdir", Expect.DIAGNOSTIC,
              _symlink("links/leakdir", lambda root, out: str(out / "tree"), make_target=None),
              message=r"points outside the scanned root"),
        Entry("named-pipe", "special/fifo.py", Expect.DIAGNOSTIC, _fifo("special/fifo.py"),
              message=r"a named pipe, not a regular file"),
        Entry("unreadable-file", "perm/secret.py", Expect.DIAGNOSTIC, _chmod("perm/secret.py", py, 0o000),
              message=r"cannot read: Permission denied", needs_non_root=True),
        Entry("unreadable-script-without-suffix", "perm/launch", Expect.DIAGNOSTIC,
              _chmod("perm/launch", b"#!/bin/bash\nexport NCCL_DEBUG=INFO\n", 0o000),
              message=r"cannot read \(to tell its kind\): Permission denied", needs_non_root=True),
        Entry("unreadable-directory", "perm/locked", Expect.DIAGNOSTIC, _chmod("perm/locked", None, 0o000),
              message=r"cannot read directory: Permission denied", needs_non_root=True),
        Entry("directory-named-like-a-source-file", "names/dir.py/inside.py", Expect.SAME,
              _writer("names/dir.py/inside.py", py), "python", twin=("python", py)),
        Entry("name-with-spaces", "names/my train script.py", Expect.SAME, _writer("names/my train script.py", py),
              "python", twin=("python", py)),
        Entry("name-with-newline", "names/evil\\nname.py", Expect.SAME, _writer("names/evil\nname.py", py), "python",
              twin=("python", py)),
        Entry("name-not-utf8", "names/caf\\xe9.py", Expect.SAME, _raw_name(b"names/caf\xe9.py", py), "python",
              twin=("python", py)),
        Entry("name-with-terminal-escape", "names/\\x1b[31mred.py", Expect.SAME, _writer("names/\x1b[31mred.py", py),
              "python", twin=("python", py)),
        Entry("name-with-backslash", "names/back\\\\slash.py", Expect.SAME, _writer("names/back\\slash.py", py),
              "python", twin=("python", py)),
        Entry("name-non-ascii", "names/模型.py", Expect.SAME, _writer("names/模型.py", py), "python",
              twin=("python", py)),
        Entry("gitignore-with-invalid-patterns", "gitignore/.gitignore", Expect.DIAGNOSTIC, _gitignore,
              message=r"invalid pattern ignored \(line 1, 2, 3\)"),
    ]
    if "python" not in kinds:
        entries = [e for e in entries if e.kind != "python" and not e.path.endswith(".py")]
    return entries


def entries(*, include_slow: bool = True, as_root: bool | None = None) -> list[Entry]:
    """Every corpus entry for the kinds registered now (permission tricks left out for root)."""
    if as_root is None:
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    found = [e for kind in corpus_kinds() for e in per_kind_entries(kind)] + format_entries() + filesystem_entries()
    found = [e for e in found if (include_slow or not e.slow) and not (as_root and e.needs_non_root)]
    names = [e.name for e in found]
    assert len(names) == len(set(names)), "corpus entry names must be unique"
    return found


def build(root: Path, outside: Path, chosen: list[Entry]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    for entry in chosen:
        entry.build(root, outside)


def reported(base: str, entry: Entry) -> str:
    """The path a scan of the corpus placed under `base` reports for this entry."""
    return f"{printable_path(base)}/{entry.path}" if base else entry.path


BAD = (Expect.DIAGNOSTIC, Expect.PARSE)
ANY_MESSAGE = re.compile(".")


# --- checking a scan of the corpus -------------------------------------------------------


@lru_cache(maxsize=None)
def live_kinds() -> frozenset[str]:
    """Kinds whose extractor is real: one of its rules' positive examples yields a finding."""
    from whackachip_lint.config import Settings
    from whackachip_lint.extract import Source
    from whackachip_lint.one_file import scan_source

    live = set()
    for rule in ALL_RULES.values():
        for example in rule.positives:
            if example.kind in live:
                continue
            name = example.filename or file_name(example.kind)
            source = Source(Path(name), name, example.kind, example.code.encode("utf-8"))
            if scan_source(source, Settings()).findings:
                live.add(example.kind)
    return frozenset(live)


def finding_key(f) -> tuple:
    return (f.rule, f.span.line, f.span.column, f.span.end_line, f.span.end_column, f.state.value, f.value)


def twin_findings(entry: Entry) -> list[tuple]:
    from whackachip_lint.config import Settings
    from whackachip_lint.extract import Source
    from whackachip_lint.one_file import scan_source

    kind, data = entry.twin
    name = Path(entry.path).name
    result = scan_source(Source(Path(name), name, kind, data), Settings())
    assert not result.diagnostics, f"the twin of {entry.name} itself gives diagnostics: {result.diagnostics}"
    return sorted(finding_key(f) for f in result.findings)


def problems(entry: Entry, path: str, findings: list, diagnostics: list) -> list[str]:
    """What is wrong with how a scan treated this entry (empty when all is well)."""
    diags = [d for d in diagnostics if d.path == path]
    found = sorted(finding_key(f) for f in findings if f.path == path)
    out: list[str] = []
    must_refuse = entry.expect is Expect.DIAGNOSTIC or (entry.expect is Expect.PARSE and entry.kind in live_kinds())
    if must_refuse:
        if len(diags) != 1:
            out.append(f"expected exactly one diagnostic for {path!r}, got {diags}")
        elif entry.message and not re.search(entry.message, diags[0].message):
            out.append(f"diagnostic {diags[0].message!r} does not match {entry.message!r}")
    elif entry.expect in (Expect.PARSE, Expect.LENIENT):
        if len(diags) > 1:
            out.append(f"more than one diagnostic for {path!r}: {diags}")
        elif not diags and entry.twin is not None and found != twin_findings(entry):
            out.append(f"accepted, but findings differ from the plain twin: {found} != {twin_findings(entry)}")
    else:
        if diags:
            out.append(f"expected no diagnostic for {path!r}, got {diags}")
        if entry.expect is Expect.SAME and found != twin_findings(entry):
            out.append(f"findings differ from the twin: {found} != {twin_findings(entry)}")
    if must_refuse and diags and found:
        out.append(f"a file refused with a diagnostic also gave findings: {found}")
    out += [f"an extractor crashed: {d.message}" for d in diags if d.message.startswith("internal error")]
    return out
