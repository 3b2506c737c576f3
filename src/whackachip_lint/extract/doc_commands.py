"""Commands documented in the shell code blocks of READMEs and docs, read by the shell extractor.

Many training repositories have no launch script: the README says how to run the code, in a code block
(`torchrun --nproc_per_node=8 train.py --bf16`, `python run_pretraining.py --use_tpu=True`). This module finds
those blocks and runs the shell extractor (extract/shell) over each one, alone, with every other line of the
document blank, so a finding's line and column are the document's own:

- Markdown fences (``` or ~~~, as fences.py reads them: CommonMark's rules, in list items and block quotes too)
  tagged `bash`, `sh`, `shell`, `zsh`, `console`, `shell-session`...; untagged fences only when every command line reads as a
  command (COMMAND_WORDS, `NAME=value`, `./script`, a `$ ` prompt, a pip or conda install as pip_install.py reads
  one: `uv pip install`, `pip3.10 install`, `mamba install`); other languages (python, yaml, text...) never.
  A fence that is never closed is not read (a forgotten closer would turn the rest of the document into commands).
  The commands of a fence inside an HTML comment (`<!-- ... -->`) are `mentioned`: the author hid them.
- reStructuredText `.. code-block:: bash` (`code`, `sourcecode`) and `::` literal blocks (read like untagged
  fences).
- Angle-bracket placeholders (`--master_port=<your_port>`, `<PATH/TO/CKPT>`) are values the document does not
  give, read as a variable of the same width (keeping columns), not as redirections that would swallow the next
  flag, as in shell scripts (extract/shell: `blank_placeholders`).
- Console prompts (`$ `) are blanked, keeping columns. In a block that uses prompts, the lines without one are
  the commands' output (unless they continue a command ending in `\\`), and are not read as commands.

Every finding says it is documented: `properties.documented` (true), `properties.doc_block` (the line of the
block's opening fence) and `properties.doc_block_end` (the last line of its body), and its detail says "in a code
block of README.md". A run of a Python script
(`python train.py --use_tpu=True`) is no launcher finding of its own (WAC404 is a distributed launcher): the
findings of its command line carry the script (`script`, `script_args`) so the path analysis can read the block as
a documented recipe of that script (paths/launches.py). Commands after a `git clone` in the same block run the
cloned project (`git clone .../upstream && cd upstream && torchrun train.py`): they say `other_project` and make no
recipe, even when this repository has a file of the same name. The whole kind is documentation, so `--no-docs` leaves
these findings out with the rest of the docs.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Iterable, Iterator

from ..evidence import RawFinding, State
from ..kinds import UNSAFE_CHARACTERS
from . import ExtractionError, PartialExtraction, Source
from . import shell
from .fences import fences
from .pip_install import PYTHON, install_command
from ..prefilter import has_trigger, pattern_for
from ..rules import ALL_RULES
from ..vocab.commands import ASSIGNMENT, command_words

# Fence info strings (first word, lower-cased) whose blocks are shell commands.
SHELL_TAGS = frozenset({"bash", "sh", "shell", "zsh", "ksh", "console", "shell-session", "shellsession",
                        "shell-script", "shellscript", "bash-session", "terminal"})
# Tags whose blocks are sessions: the lines without a prompt are output.
SESSION_TAGS = frozenset({"console", "shell-session", "shellsession", "bash-session", "terminal"})
# Untagged blocks: the first word of every command line must be one of these (or `NAME=value`, `./x`, `x.sh`).
# Measured on the dev corpus's 1,698 Markdown and rst files (December 2026): of 872 untagged fences, 244 read as
# commands by this test; the others hold output, logs, config files, Python, JSON, BibTeX, directory trees, flag
# fragments to add to a command (`--use_tpu=True \`), and a few commands this list does not start with (`grep`,
# `for` loops, `perl`), left unread: precision over recall.
COMMAND_WORDS = frozenset({
    "python", "python3", "torchrun", "deepspeed", "accelerate", "srun", "sbatch", "salloc", "mpirun", "mpiexec",
    "horovodrun", "msrun", "export", "unset", "source", "bash", "sh", "cd", "set", "nohup", "time", "env",
    "CUDA_VISIBLE_DEVICES", "docker", "podman", "pip", "pip3", "conda", "git", "wget", "curl", "mkdir", "cp", "mv",
    "ln", "rm", "ls", "cat", "echo", "tar", "unzip", "make", "cmake", "gcloud", "kubectl", "huggingface-cli",
    "nvidia-smi", "rocm-smi", "npu-smi", "hl-smi", "ray", "colossalai", "composer", "fairseq-train",
    "lightning", "fabric",
})
_RST_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\.[ \t]+(?:code-block|code|sourcecode)::[ \t]*(?P<lang>[\w+-]*)")
_RST_LITERAL = re.compile(r"::[ \t]*$")
_RST_OPTION = re.compile(r"^[ \t]*:[\w-]+:")
_PROMPT = re.compile(r"^[ \t]*\$[ \t]")
_CLONE = re.compile(r"\bgit[ \t]+clone\b")


@dataclass
class Block:
    """A shell code block: the line of its opening fence or directive, and its lines (1-based document lines)."""

    opened: int
    lines: list[int]
    session: bool = False  # console/shell-session: lines without a prompt are output
    tagged: bool = True
    commented: bool = False  # inside an HTML comment: its commands are mentioned, not documented to be run
    texts: dict[int, str] | None = None  # lines whose text is not the document's: a block quote's, `>` blanked

    def text(self, lines: list[str], number: int) -> str:
        """The text of document line `number` of the block, as the block holds it."""
        return self.texts.get(number, lines[number - 1]) if self.texts else lines[number - 1]


# Blocks handed to the shell parser per document, at most. The largest document of the dev corpus has 70 fenced
# blocks; a document with thousands of shell blocks is generated, and parsing each costs a fraction of a
# millisecond: the cap keeps a hostile 8 MiB README within the per-file time budget. Blocks after it are not read.
MAX_PARSED_BLOCKS = 5_000


def extract(source: Source) -> Iterator[RawFinding]:
    # Lazily, block by block: the scan stops taking findings at its per-file cap.
    text = source.text
    if "```" not in text and "~~~" not in text and "::" not in text:
        return
    lines = source.lines
    blocks = rst_blocks(lines) if source.kind == "rst" else fenced_blocks(lines)
    unsafe = UNSAFE_CHARACTERS.get("shell")
    name = PurePosixPath(source.relpath).name
    parsed = 0
    for block in blocks:
        commands = command_lines(block, lines)
        if not commands:
            continue
        found = _read_block(source, block, commands, name, unsafe)
        if found is None:
            continue
        parsed += 1
        yield from found
        if parsed == MAX_PARSED_BLOCKS:
            return


def fenced_blocks(lines: list[str]) -> list[Block]:
    """The closed Markdown fences whose info string says shell, or that hold no info string (read if they look
    like commands: command_lines decides)."""
    blocks: list[Block] = []
    for fence in fences(lines):
        if not fence.closed:
            break  # never closed: the rest of the document is not read as commands
        tag = fence.language
        if tag in SHELL_TAGS or tag == "":
            texts = {index + 1: text for index, text in fence.body_lines(lines)} if fence.quoted else None
            blocks.append(Block(fence.opened + 1, [index + 1 for index in fence.body], tag in SESSION_TAGS,
                                tag != "", fence.commented, texts))
    return blocks


def rst_blocks(lines: list[str]) -> list[Block]:
    """`.. code-block:: bash` blocks, and `::` literal blocks (read if they look like commands). A block's body
    (every line indented deeper than its marker, and blank lines) is passed once: a `::` inside it opens nothing."""
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        directive = _RST_DIRECTIVE.match(line)
        literal = directive is None and _RST_LITERAL.search(line) and not line.lstrip().startswith("..")
        if directive is None and not literal:
            index += 1
            continue
        lang = directive["lang"].lower() if directive else ""
        indent = len(line) - len(line.lstrip())
        opened = index + 1
        body: list[int] = []
        started = False  # a directive's options (:linenos:) come before its first text line
        index += 1
        while index < len(lines):
            text = lines[index]
            if text.strip():
                if len(text) - len(text.lstrip()) <= indent:
                    break
                if directive and not started and _RST_OPTION.match(text):
                    index += 1
                    continue
                started = True
            body.append(index + 1)
            index += 1
        while body and not lines[body[-1] - 1].strip():
            body.pop()
        if body and (lang in SHELL_TAGS or lang == ""):
            blocks.append(Block(opened, body, lang in SESSION_TAGS, bool(lang)))
    return blocks


def command_lines(block: Block, lines: list[str]) -> dict[int, str]:
    """The block's command lines (document line -> text with any prompt blanked), {} when it holds none.

    With prompts, a line without one is output, unless the line before ended a command with `\\`. An untagged
    block is read only when every command line begins like a command."""
    prompted = any(_PROMPT.match(block.text(lines, n)) for n in block.lines)
    out: dict[int, str] = {}
    for command in _commands(((number, block.text(lines, number)) for number in block.lines), prompted=True):
        if (prompted or block.session) and not _PROMPT.match(command[0][1]):
            continue  # output
        for number, text in command:
            prompt = _PROMPT.match(text)
            out[number] = " " * prompt.end() + text[prompt.end():] if prompt else text  # columns stay the document's
    if not block.tagged and not _reads_as_commands(out):
        return {}
    return out


def _commands(numbered: Iterable[tuple[int, str]], prompted: bool = False) -> Iterator[list[tuple[int, str]]]:
    """(line number, text) pairs grouped into commands: a line ending in `\\` runs on into the next one, unless
    that one begins with a prompt (a session's next command; `prompted`: the prompts are not blanked yet)."""
    command: list[tuple[int, str]] = []
    for number, text in numbered:
        if command and (not command[-1][1].rstrip().endswith("\\") or prompted and _PROMPT.match(text)):
            yield command
            command = []
        command.append((number, text))
    if command:
        yield command


def _reads_as_commands(commands: dict[int, str]) -> bool:
    starts = [stripped for command in _commands(sorted(commands.items()))
              if (stripped := command[0][1].strip()) and not stripped.startswith("#")]
    return bool(starts) and all(_starts_command(line) for line in starts)


def _starts_command(line: str) -> bool:
    words = line.split()
    first = words[0]
    return (first in COMMAND_WORDS or bool(ASSIGNMENT.match(first)) or first.startswith("./")
            or first.endswith(".sh") or install_command(words) is not None)


def _read_block(source: Source, block: Block, commands: dict[int, str], name: str, unsafe
                ) -> list[RawFinding] | None:
    """The findings of one block, None when it was not parsed."""
    first, last = min(commands), max(commands)
    text = "\n".join(commands.get(number, "") for number in range(first, last + 1)) + "\n"
    if unsafe is not None and unsafe.search(text):
        return None  # a character tree-sitter-bash cannot read safely (kinds.py): the block is skipped
    data = text.encode("utf-8")
    triggers = shell_triggers()
    if triggers is not None and not has_trigger(data, triggers):
        return None  # no shell rule's trigger word: the shell extractor would find nothing (prefilter.py's promise)
    block_source = Source(source.path, source.relpath, "shell", data)
    try:
        raws = shell.extract(block_source)
    except PartialExtraction as partial:
        raws = partial.findings
    except (ExtractionError, RecursionError):
        return []  # not shell after all: a README's block is no file of its own to report
    shift = first - 1
    runs = _python_runs(commands) if any(isinstance(raw.properties.get("command_line"), int) for raw in raws) else {}
    cloned = next((number for number, text in sorted(commands.items()) if _CLONE.search(text)), None)
    out = []
    for raw in raws:
        moved = raw.moved_down(shift)
        props = dict(moved.properties)
        command = props.get("command_line")
        if isinstance(command, int):
            run = runs.get(command)
            if run is not None and "script" not in props and "module" not in props:
                props["script"], props["script_args"] = run
        props["documented"] = True
        props["doc_block"] = block.opened
        props["doc_block_end"] = block.lines[-1]  # the block's extent: what a documented recipe's launch holds
        if cloned is not None and moved.span.line >= cloned:
            props["other_project"] = True  # after a `git clone` in the block: the cloned project's commands
        where = f"in a commented-out code block of {name}" if block.commented else f"in a code block of {name}"
        detail = f"{raw.detail}, {where}" if raw.detail else where
        out.append(replace(moved, detail=detail, properties=props,
                           state=State.MENTIONED if block.commented else raw.state))
    return out


@lru_cache(maxsize=1)
def shell_triggers():
    """The pre-filter's pattern for shell files under every rule (None: some rule cannot be pre-filtered)."""
    return pattern_for("shell", frozenset(ALL_RULES))


def _python_runs(commands: dict[int, str]) -> dict[int, tuple[str, str]]:
    """Command line -> (script, its arguments) for the `python SCRIPT.py ...` commands of a block.

    The shell extractor reports a plain Python run only through the flags it passes (a distributed launcher is
    WAC404, with its script); the script is what makes the block a documented recipe of it."""
    out: dict[int, tuple[str, str]] = {}
    for command in _commands(sorted(commands.items())):
        start = command[0][0]
        line = " ".join(text.rstrip().removesuffix("\\") for _, text in command)
        if "python" not in line:
            continue
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        words = command_words(words)
        if len(words) < 2 or not PYTHON.match(PurePosixPath(words[0]).name):
            continue
        rest = words[1:]
        while rest and rest[0].startswith("-") and rest[0] not in ("-m", "-c"):
            rest = rest[1:]
        if rest and rest[0].endswith(".py"):
            out[start] = (rest[0], " ".join(shlex.quote(w) for w in rest[1:]))
    return out


__all__ = ["COMMAND_WORDS", "SHELL_TAGS", "Block", "command_lines", "extract", "fenced_blocks", "rst_blocks"]
