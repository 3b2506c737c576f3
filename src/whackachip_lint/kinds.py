"""The one table of file kinds: how a file is recognised, what reads it, and how the rest of wac-lint treats it.

Adding a file kind is one `FileKind` row here (or in a plugin: plugins.py) plus its extractor module, an
`extract(source) -> Iterable[RawFinding]`. Everything else reads this table: discovery (discover.py: suffixes,
names, patterns), the extractors run per file (extract/__init__.py), the pre-filter (triggers.py), the code fences
of the rule docs (docs.py), the parser libraries in the cache key (cache.py), the pre-commit hook's file types
(`.pre-commit-hooks.yaml`, checked by a test) and the sample file names rule examples are scanned as (tests).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from . import plugins

_EXTRACT = "whackachip_lint.extract."
# Scheduler directives (#SBATCH, #PBS, #BSUB) are comments to the shell and Python parsers: a second, line-based pass.
_JOB_DIRECTIVES = _EXTRACT + "jobscript"
# Shell code blocks of documents are read by the shell extractor, with its parser.
_DOC_COMMANDS = _EXTRACT + "doc_commands"
_SHELL_PARSERS = ("tree_sitter", "tree_sitter_bash")
# Suffixes that never make a Dockerfile or Makefile name pattern match (docs and notes about them).
_NOT_BUILD_FILES = frozenset({".md", ".rst", ".txt", ".py", ".sh", ".json", ".yaml", ".yml", ".toml"})


# Tree-sitter and JSON parsers count LF only (a CR before it belongs to the line break).
_LF = r"\r?\n"
# CPython also breaks lines at a lone CR.
PYTHON_LINE_BREAKS = r"\r\n|\r|\n"


@dataclass(frozen=True)
class FileKind:
    name: str
    # Modules with `extract(source)`, run in this order (imported only when a file of the kind is scanned).
    extractors: tuple[str, ...]
    # How a file is recognised: exact names first, then patterns (regular expressions searched in "parent/name"),
    # then suffixes (lower-cased). Files without a known suffix may be recognised by their shebang (discover.py).
    names: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    # A regular expression (on bytes) the first line of a file without a known suffix may match (discover.py).
    shebang: bytes = b""
    # Suffixes with which a name pattern of this kind never matches ("Dockerfile.md" is a note, not a Dockerfile).
    not_pattern_suffixes: frozenset[str] = frozenset()
    # Pre-filter (prefilter.py): None = always parsed; else the words, beyond the rules' trigger words, that wake
    # the parser for this kind.
    prefilter_words: tuple[str, ...] | None = None
    # Documentation: read for declared hardware only, and left out entirely by --no-docs.
    documentation: bool = False
    # The code-fence language of this kind's rule examples (docs/rules/).
    fence: str = "text"
    # The file name a rule example of this kind is scanned as, unless the example names one.
    sample: str = ""
    # pre-commit (identify) tags of these files: the `wac-lint` hook's `types_or` is the union of them.
    pre_commit_types: tuple[str, ...] = ()
    # Parser libraries whose version can change what the kind yields (their files are fingerprinted by the cache;
    # Python's own `ast` comes with the interpreter version, which is fingerprinted anyway).
    parsers: tuple[str, ...] = ()
    # What ends a line, as the kind's own parser counts lines (so a finding's line number and its snippet agree).
    # A form feed never ends a line (str.splitlines would split there, and at more besides).
    line_breaks: str = _LF
    # What the path analysis (paths/facts.py) reads in these files besides Python's imports: "launch" (the scripts
    # and modules its commands run) or "packaging" (console-script targets); "" nothing.
    path_facts: str = ""
    # Characters the kind's parser cannot survive (a regular expression; "" = none), refused as the text is
    # decoded, before any parser (the pre-filter's included) sees them.
    unsafe_characters: str = ""


BUILTIN_KINDS: tuple[FileKind, ...] = (
    FileKind("python", (_EXTRACT + "python", _JOB_DIRECTIVES, _EXTRACT + "setup_py"), suffixes=(".py", ".pyi"),
             shebang=rb"^#![ \t]*\S*(?:/env[ \t]+)?python[0-9.]*\b",
             prefilter_words=(), fence="python", sample="snippet.py", pre_commit_types=("python", "pyi"),
             line_breaks=PYTHON_LINE_BREAKS),
    FileKind("shell", (_EXTRACT + "shell", _JOB_DIRECTIVES), suffixes=(".sh", ".bash", ".pbs", ".lsf"),
             shebang=rb"^#![ \t]*(?:/usr)?(?:/local)?/bin/(?:env[ \t]+(?:-\S+[ \t]+)*)?(ba|z|k|da)?sh\b",
             prefilter_words=(), fence="bash", sample="snippet.sh", pre_commit_types=("shell",), path_facts="launch",
             parsers=_SHELL_PARSERS,
             # tree-sitter-bash 0.25.1 reads out of bounds, and often segfaults, on `{` followed by a code point in
             # planes 4-16 (measured: U+E0001, U+F0000, U+1096A9, U+10FFFF crash a 2-byte-plus script most runs;
             # U+2FFFF and emoji never did). Those planes are unassigned, tags or private use: no script needs them.
             unsafe_characters="[\U00040000-\U0010FFFF]"),
    # DeepSpeed-style configs wake the pre-filter with `"amp": {...}` and `"enabled": "auto"` switches.
    FileKind("json", (_EXTRACT + "deepspeed", _EXTRACT + "model_config"), suffixes=(".json",),
             prefilter_words=('"amp"', "auto"), fence="json", sample="snippet.json", pre_commit_types=("json",),
             parsers=("tree_sitter", "tree_sitter_json")),
    FileKind("notebook", (_EXTRACT + "notebook",), suffixes=(".ipynb",), fence="json", sample="snippet.ipynb",
             pre_commit_types=("jupyter",)),
    # Prose for declared hardware; the commands of shell code blocks for documented recipes (doc_commands.py).
    FileKind("markdown", (_EXTRACT + "prose", _DOC_COMMANDS), suffixes=(".md", ".markdown"), documentation=True,
             fence="markdown", sample="README.md", pre_commit_types=("markdown",), parsers=_SHELL_PARSERS),
    FileKind("rst", (_EXTRACT + "prose", _DOC_COMMANDS), suffixes=(".rst",), documentation=True, sample="README.rst",
             pre_commit_types=("rst",), parsers=_SHELL_PARSERS),
    FileKind("text", (_EXTRACT + "prose",), names=("README",), suffixes=(".txt",), documentation=True,
             sample="NOTES.txt", pre_commit_types=("plain-text",)),
    FileKind("log", (_EXTRACT + "prose",), suffixes=(".log",), documentation=True, sample="train.log"),
    FileKind("yaml", (_EXTRACT + "yaml_config",), suffixes=(".yaml", ".yml"), fence="yaml", sample="snippet.yaml",
             pre_commit_types=("yaml",), parsers=("yaml",), path_facts="launch",
             line_breaks="\r\n|[\r\n\x85\u2028\u2029]"),  # PyYAML (YAML 1.1): also a lone CR, NEL, U+2028, U+2029
    FileKind("requirements", (_EXTRACT + "requirements",),
             patterns=(r"(?:^|/)requirements[^/]*\.(?:txt|in)$", r"(?:^|/)[^/]*requirements\.(?:txt|in)$",
                       r"(?:^|/)requirements/[^/]+\.(?:txt|in)$"),
             sample="requirements.txt", pre_commit_types=("plain-text",)),
    FileKind("dockerfile", (_EXTRACT + "dockerfile",), names=("Dockerfile", "Containerfile"),
             patterns=(r"(?:^|/)(?:Dockerfile|Containerfile)[.-][^/]+$",),
             suffixes=(".dockerfile", ".containerfile"), not_pattern_suffixes=_NOT_BUILD_FILES, fence="dockerfile",
             sample="Dockerfile", pre_commit_types=("dockerfile",), path_facts="launch"),
    FileKind("pyproject", (_EXTRACT + "pyproject",), names=("pyproject.toml",), sample="pyproject.toml",
             pre_commit_types=("toml",), path_facts="packaging"),
    FileKind("setupcfg", (_EXTRACT + "setupcfg",), names=("setup.cfg",), sample="setup.cfg",
             pre_commit_types=("ini",), path_facts="packaging"),
    FileKind("makefile", (_EXTRACT + "makefile",), names=("Makefile", "makefile", "GNUmakefile"),
             patterns=(r"(?:^|/)Makefile\.[^/]+$",), suffixes=(".mk",), not_pattern_suffixes=_NOT_BUILD_FILES,
             sample="Makefile", pre_commit_types=("makefile",), path_facts="launch"),
    FileKind("cmake", (_EXTRACT + "cmake",), names=("CMakeLists.txt",), suffixes=(".cmake",), sample="CMakeLists.txt",
             pre_commit_types=("cmake",)),
    # Jenkins pipelines: the shell commands of their `sh` steps (a CI file: paths/roles.py is_ci_path).
    FileKind("jenkinsfile", (_EXTRACT + "jenkinsfile",), names=("Jenkinsfile",),
             patterns=(r"(?:^|/)Jenkinsfile[.-][^/]+$",), suffixes=(".jenkinsfile",),
             not_pattern_suffixes=_NOT_BUILD_FILES, fence="groovy", sample="Jenkinsfile",
             pre_commit_types=("jenkins",), parsers=_SHELL_PARSERS),
    # CUDA and HIP sources: a line scan for architecture-specific instructions and types, and for HIP.
    FileKind("cuda", (_EXTRACT + "cuda",), suffixes=(".cu", ".cuh", ".hip"), sample="kernel.cu",
             pre_commit_types=("cuda",)),
)


class KindTable:
    """The kinds by name, and the views of them that per-file lookups use (kept up to date as rows are added)."""

    def __init__(self, kinds: tuple[FileKind, ...]) -> None:
        self.kinds: dict[str, FileKind] = {}
        # An earlier row wins a name or a suffix.
        self.by_name: dict[str, str] = {}
        self.by_suffix: dict[str, str] = {}
        self.by_pattern: list[tuple[re.Pattern[str], str]] = []
        self.by_shebang: list[tuple[re.Pattern[bytes], str]] = []
        self.extractors: dict[str, tuple[str, ...]] = {}
        self.documentation: set[str] = set()
        self.prefilter_words: dict[str, tuple[str, ...]] = {}
        self.line_breaks: dict[str, re.Pattern[str]] = {}
        self.unsafe_characters: dict[str, re.Pattern[str]] = {}
        for kind in kinds:
            self.add(kind)

    def add(self, kind: FileKind) -> None:
        self.kinds[kind.name] = kind
        for name in kind.names:
            self.by_name.setdefault(name, kind.name)
        for suffix in kind.suffixes:
            self.by_suffix.setdefault(suffix, kind.name)
        self.by_pattern.extend((re.compile(pattern), kind.name) for pattern in kind.patterns)
        if kind.shebang:
            self.by_shebang.append((re.compile(kind.shebang), kind.name))
        self.extractors[kind.name] = kind.extractors
        if kind.documentation:
            self.documentation.add(kind.name)
        if kind.prefilter_words is not None:
            self.prefilter_words[kind.name] = kind.prefilter_words
        self.line_breaks[kind.name] = re.compile(kind.line_breaks)
        if kind.unsafe_characters:
            self.unsafe_characters[kind.name] = re.compile(kind.unsafe_characters)

    def add_plugins(self, loaded) -> None:
        """The kinds plugins add (`plugins.Loaded`), then the extractors they add to existing kinds. A kind is one
        row: a plugin that declares a kind that exists already is told so (one problem, the rest of it loads)."""
        for plugin in loaded.plugins:
            for kind in plugin.file_kinds:
                if kind.name in self.kinds:
                    loaded.problems.append(
                        f"plugin {plugin.name!r}: file kind {kind.name!r} exists already; not added")
                    continue
                self.add(kind)
        for plugin in loaded.plugins:
            for name, modules in plugin.extractors.items():
                if name in self.kinds:
                    kind = replace(self.kinds[name], extractors=self.kinds[name].extractors + tuple(modules))
                    self.kinds[name], self.extractors[name] = kind, kind.extractors


TABLE = KindTable(BUILTIN_KINDS)
# The table and its views, by the names the rest of wac-lint reads (the same objects: plugin rows appear in them).
KINDS: dict[str, FileKind] = TABLE.kinds
KIND_BY_NAME: dict[str, str] = TABLE.by_name
KIND_BY_SUFFIX: dict[str, str] = TABLE.by_suffix
KIND_BY_PATTERN: list[tuple[re.Pattern[str], str]] = TABLE.by_pattern
KIND_BY_SHEBANG: list[tuple[re.Pattern[bytes], str]] = TABLE.by_shebang
EXTRACTORS: dict[str, tuple[str, ...]] = TABLE.extractors
DOC_KINDS: set[str] = TABLE.documentation
PREFILTER_WORDS: dict[str, tuple[str, ...]] = TABLE.prefilter_words
LINE_BREAKS: dict[str, re.Pattern[str]] = TABLE.line_breaks
DEFAULT_LINE_BREAK = re.compile(_LF)  # for a kind the table does not know
UNSAFE_CHARACTERS: dict[str, re.Pattern[str]] = TABLE.unsafe_characters


# Plugin kinds join the table once plugins are loaded (by whichever registry loads them first, never by this
# module: a plugin imports wac-lint's declaration modules, which must not be half built while it loads).
plugins.when_loaded(TABLE.add_plugins)


def fence(kind: str) -> str:
    """The code-fence language of an example of `kind` (text for kinds the table does not know)."""
    return KINDS[kind].fence if kind in KINDS else "text"


def sample_name(kind: str) -> str:
    """The file name an example of `kind` is scanned as."""
    known = KINDS.get(kind)
    return known.sample if known is not None and known.sample else f"snippet.{kind}"


def parser_modules() -> tuple[str, ...]:
    """Every parser library some kind reads with, once each, in table order."""
    return tuple(dict.fromkeys(module for kind in KINDS.values() for module in kind.parsers))


def pre_commit_types() -> list[str]:
    """The `types_or` of the `wac-lint` pre-commit hook: the identify tags of every kind, sorted."""
    return sorted({tag for kind in KINDS.values() for tag in kind.pre_commit_types})


__all__ = ["BUILTIN_KINDS", "DEFAULT_LINE_BREAK", "DOC_KINDS", "EXTRACTORS", "KINDS", "KIND_BY_NAME", "KIND_BY_PATTERN",
           "KIND_BY_SHEBANG", "KIND_BY_SUFFIX", "LINE_BREAKS", "PREFILTER_WORDS", "PYTHON_LINE_BREAKS", "TABLE",
           "UNSAFE_CHARACTERS", "FileKind", "KindTable", "fence", "parser_modules", "pre_commit_types", "sample_name"]
