"""Shell commands embedded in another file (a YAML job's `command: |`, a Jenkinsfile's `sh` steps), read by the
shell extractor as a shell file of their own: refused when the shell parser could not survive them, skipped when
they hold no shell rule's trigger word."""

from __future__ import annotations

from ..evidence import RawFinding
from ..kinds import UNSAFE_CHARACTERS
from ..prefilter import has_trigger
from . import ExtractionError, PartialExtraction, Source, shell
from .doc_commands import shell_triggers


def shell_findings(source: Source, text: str) -> list[RawFinding]:
    """The shell extractor's findings for `text`, reported against `source`'s path (lines are `text`'s)."""
    unsafe = UNSAFE_CHARACTERS.get("shell")
    if not text.strip() or (unsafe is not None and unsafe.search(text)):
        return []
    data = text.encode("utf-8")
    triggers = shell_triggers()
    if triggers is not None and not has_trigger(data, triggers):
        return []  # no shell rule's trigger word: the shell extractor would find nothing
    try:
        return list(shell.extract(Source(source.path, source.relpath, "shell", data)))
    except PartialExtraction as partial:
        return list(partial.findings)
    except (ExtractionError, RecursionError):
        return []
