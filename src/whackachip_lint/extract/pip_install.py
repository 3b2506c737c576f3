"""`pip install` and `conda install` command lines, read one way wherever they are written.

Dockerfile `RUN` lines (dockerfile.py), shell scripts (shell/commands.py), and through the shell extractor the
shell code blocks of READMEs (doc_commands.py) and notebook `!pip` / `%pip` lines (notebook.py) hand the words of
one command, quotes removed, to `install_start`, which says whether they install with pip:

    pip | pip3 | pip3.11 | /opt/conda/bin/pip  [general options] install ...
    python | python3 | python3.11 [interpreter options] -m pip [general options] install ...
    uv [general options] pip [general options] install ...

and then to `install_arguments`, which yields what is installed: each requirement, and each index URL
(`-i/--index-url`, `--extra-index-url`, `-f/--find-links`, with the URL in the next word, after `=`, or glued to
a short option). Options that take a value (`-r FILE`, `-c FILE`, `-e PATH`, `--python 3.11`...) are passed with
their value. What the words mean (a PyTorch variant, a vendor's package) is pins.py's, as for requirements files.
Words a caller cannot decide (an unset `$VAR`) are given as "": they are neither an option nor a requirement.
A VCS or archive URL with `#egg=NAME` (`-e git+https://...#egg=apex`, or without `-e`) installs NAME: it is given
as that requirement.

conda (and mamba, micromamba) is read the same way: `conda_install_start` finds `conda [options] install|create`,
and `conda_install_arguments` yields each package spec (`pytorch-cuda=12.1`, `cudatoolkit=11.8`, read by
pins.conda_facts, as in environment.yml) and each channel (`-c nvidia/label/cuda-12.1.0`: pins.channel_facts).
`install_command` reads either kind of install; the Dockerfile and shell extractors (and through the shell
extractor README blocks and notebook `!conda` / `%conda` lines) read installs through it.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Iterator, Sequence

from .pins import PIP_INDEX_OPTIONS, PinFact, channel_facts, conda_facts, egg_name, index_url_facts, requirement_facts

# A Python interpreter by name (`python`, `python3`, `python3.11`, `python2`), a path's last part.
PYTHON = re.compile(r"^python(?:[23](?:\.\d+)?)?$")
PIP = re.compile(r"^pip(?:3(?:\.\d+)?)?$")
# Interpreter options that take the next word as their value (`python -W ignore -m pip`).
PYTHON_OPTIONS_WITH_VALUES = frozenset({"-W", "-X", "-Q"})
# pip's options that take a value besides the index options (general options included: `pip --proxy P install`;
# `-p`/`--python` are uv's).
PIP_VALUE_OPTIONS = frozenset({"-r", "--requirement", "-c", "--constraint", "-t", "--target", "--prefix", "--root",
                               "-e", "--editable", "--python", "-p", "--platform", "--python-version",
                               "--only-binary", "--no-binary", "--upgrade-strategy", "--src", "-C",
                               "--config-settings", "--global-option", "--cache-dir", "--trusted-host", "--proxy",
                               "--log", "--timeout", "--retries", "--exists-action", "--cert", "--client-cert"})
# uv's general options that take a value (`uv --directory D pip install`).
UV_VALUE_OPTIONS = frozenset({"--directory", "--project", "--config-file", "--cache-dir", "--color"})
# Short index options whose URL may be glued to them (`-ihttps://...`).
_SHORT_INDEX_OPTIONS = frozenset(option for option in PIP_INDEX_OPTIONS if not option.startswith("--"))


@dataclass(frozen=True)
class PipArgument:
    """A requirement or index URL of a `pip install`, by the words it spans (`first`: the option word of an
    index URL; `last`: the word its value is in)."""

    value: str
    first: int
    last: int
    index: bool = False  # an index URL (else a requirement)

    def facts(self) -> list[PinFact]:
        """What it says about hardware (pins.py): a PyTorch index's variant, a requirement's facts."""
        if self.index:
            return index_url_facts(self.value)
        return requirement_facts(egg_name(self.value) or self.value) or []


def _is_option(word: str) -> bool:
    return word.startswith("-") and len(word) > 1


def _skip_options(words: Sequence[str], position: int, with_values: frozenset[str]) -> int:
    """The position of the first word from `position` on that is no option (nor the value of one)."""
    while position < len(words) and _is_option(words[position]):
        option, equals, _ = words[position].partition("=")
        position += 2 if option in with_values and not equals else 1
    return position


def install_start(words: Sequence[str], head: int = 0) -> int | None:
    """When the command whose name is `words[head]` is a pip install, the position of the word after `install`;
    else None."""
    if head >= len(words):
        return None
    name = posixpath.basename(words[head])
    position = head + 1
    if PYTHON.match(name):
        while position < len(words) and _is_option(words[position]):
            option = words[position]
            if option == "-m" or option == "-mpip":
                break
            if option in ("-c", "-"):
                return None
            position += 2 if option in PYTHON_OPTIONS_WITH_VALUES else 1
        if position >= len(words):
            return None
        if words[position] == "-m" and position + 1 < len(words) and words[position + 1] == "pip":
            position += 2
        elif words[position] == "-mpip":
            position += 1
        else:
            return None
    elif name == "uv":
        position = _skip_options(words, position, UV_VALUE_OPTIONS)
        if position >= len(words) or words[position] != "pip":
            return None
        position += 1
    elif not PIP.match(name):
        return None
    position = _skip_options(words, position, PIP_VALUE_OPTIONS | PIP_INDEX_OPTIONS)
    if position < len(words) and words[position] == "install":
        return position + 1
    return None


def install_arguments(words: Sequence[str], start: int) -> Iterator[PipArgument]:
    """The requirements and index URLs of a pip install's arguments, `words[start:]`."""
    return _arguments(words, start, PipArgument, PIP_INDEX_OPTIONS, PIP_VALUE_OPTIONS, pip=True)


def _arguments(words: Sequence[str], start: int, make: type[PipArgument], index_options: frozenset[str],
               value_options: frozenset[str], pip: bool) -> Iterator[PipArgument]:
    """An install's arguments, `words[start:]`: what it installs, and the values of `index_options` (pip's index
    URLs, conda's channels); options of `value_options` skip their value. `pip`: pip's short index options with the
    URL glued on (`-ihttps://...`) and `-e URL#egg=NAME` are read too."""
    position = start
    while position < len(words):
        word = words[position]
        first = position
        position += 1
        if not _is_option(word):
            if word:
                yield make(word, first, first)
            continue
        option, equals, inline = word.partition("=")
        if option in index_options:
            if equals:
                yield make(inline, first, first, index=True)
            elif position < len(words):
                yield make(words[position], first, position, index=True)
                position += 1
        elif pip and option[:2] in _SHORT_INDEX_OPTIONS and not option.startswith("--"):
            yield make(word[2:], first, first, index=True)  # -ihttps://...
        elif pip and option in ("-e", "--editable"):  # a path or URL: a requirement only when an egg names it
            value, last = inline, first
            if not equals and position < len(words):
                value, last = words[position], position
                position += 1
            if egg_name(value):
                yield make(value, first, last)
        elif option in value_options and not equals:
            position += 1


# conda and its drop-in replacements, by a path's last part.
CONDA = re.compile(r"^(?:conda|mamba|micromamba)$")
# The subcommands that install packages (`conda create -n env python=3.10 pytorch-cuda=12.1` does too).
CONDA_INSTALLS = frozenset({"install", "create"})
# conda's options that take a value (general ones, of install and create, and micromamba's root prefix).
CONDA_VALUE_OPTIONS = frozenset({"-n", "--name", "-p", "--prefix", "-c", "--channel", "--file", "--solver",
                                 "--repodata-fn", "--subdir", "--platform", "-r", "--root-prefix", "--rc-file"})
CONDA_CHANNEL_OPTIONS = frozenset({"-c", "--channel"})


@dataclass(frozen=True)
class CondaArgument(PipArgument):
    """A package spec or channel (`index`) of a `conda install`."""

    def facts(self) -> list[PinFact]:
        if self.index:
            return channel_facts(self.value)
        return conda_facts(self.value) or []


def conda_install_start(words: Sequence[str], head: int = 0) -> int | None:
    """When the command whose name is `words[head]` is a conda (mamba, micromamba) install or create, the position
    of the word after the subcommand; else None."""
    if head >= len(words) or not CONDA.match(posixpath.basename(words[head])):
        return None
    position = _skip_options(words, head + 1, CONDA_VALUE_OPTIONS)
    if position < len(words) and words[position] in CONDA_INSTALLS:
        return position + 1
    return None


def conda_install_arguments(words: Sequence[str], start: int) -> Iterator[PipArgument]:
    """The package specs and channels of a conda install's arguments, `words[start:]` (as CondaArguments)."""
    return _arguments(words, start, CondaArgument, CONDA_CHANNEL_OPTIONS, CONDA_VALUE_OPTIONS, pip=False)


def install_command(words: Sequence[str], head: int = 0) -> list[PipArgument] | None:
    """What the command whose name is `words[head]` installs, when it is a pip or conda install; else None."""
    start = install_start(words, head)
    if start is not None:
        return list(install_arguments(words, start))
    start = conda_install_start(words, head)
    if start is not None:
        return list(conda_install_arguments(words, start))
    return None


__all__ = ["CONDA", "PIP", "PIP_VALUE_OPTIONS", "PYTHON", "CondaArgument", "PipArgument", "conda_install_arguments",
           "conda_install_start", "install_arguments", "install_command", "install_start"]
