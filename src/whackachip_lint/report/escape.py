"""Repository-derived text made harmless at render time, in every reporter (issue 19, output integrity).

What a scanned repository writes (a log line, a config value, a file name) reaches reports. In a terminal, an
OSC or CSI sequence in it could set the window title, write the clipboard (OSC 52) or rewrite earlier lines; a lone
surrogate (valid in a Python string read from JSON, `"cpu\\ud800"`) cannot be encoded and emptied every report;
in SARIF, `[text](url)` in a message is a link. So, on the finished output:

- text: every control character, C1 control, bidirectional override and lone surrogate is shown as a visible
  escape (`\\x1b`, `\\u009b`, `\\ud800`); only the colour codes wac-lint itself adds (SGR, with --color) remain;
- JSON and SARIF: C1 controls, bidirectional overrides and lone surrogates are written as `\\uXXXX` escapes (JSON
  already escapes C0 controls), so the file is valid UTF-8 and a `cat` of it cannot drive the terminal;
- SARIF message text: `[` and `]` are escaped, as SARIF requires for text that is not an embedded link;
- text, JSON and SARIF: nothing from the repository can be a GitHub Actions workflow command when the report is
  printed in a job's log. The runner reads `::command::` at the start of a line (after blanks) and the legacy
  `##[command]` anywhere in one: a file named `::error::x.py` or a README holding `##[error]` would forge
  annotations, or stop the job's own commands (`::stop-commands::`). So in text a line's leading `::` is shown as
  `\x3a:` and `##[` as `##\x5b` (a backslash in a name is doubled, so the escape reads back to one name); in JSON
  `##[` is written `##\u005b`, the same string (a JSON line never starts with `::`).
"""

from __future__ import annotations

import re

# What no report prints as it is: C0 controls but tab and newline (an escape sequence could clear or rewrite the
# screen), DEL, C1 controls, the bidirectional overrides of "Trojan Source", lone surrogates.
_UNSAFE_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# In one line of repository text (a snippet, a message, a diagnostic) a newline is unsafe too: it would forge a line.
_UNSAFE_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_OUR_COLOURS = re.compile(r"\x1b\[[0-9;]*m")
_UNSAFE_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# A workflow command as GitHub's runner finds one: `::` after the blanks that start a line (it trims Unicode white
# space), or the legacy `##[` anywhere.
_WORKFLOW_COMMAND = re.compile(r"^([^\S\n]*)::|##\[", re.MULTILINE)


def _visible(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


def _no_workflow_command(match: re.Match) -> str:
    return "##\\x5b" if match.group(1) is None else f"{match.group(1)}\\x3a:"


def printable_text(text: str) -> str:
    """One line of repository text (a finding's snippet and message, a diagnostic) as it is kept from extraction on:
    every character `terminal_text` escapes, and line breaks, shown as visible escapes (`\\x1b`, `\\x0a`,
    `\\u202e`)."""
    if not _UNSAFE_LINE.search(text):
        return text
    return _UNSAFE_LINE.sub(lambda m: _visible(m[0]), text)


def terminal_text(text: str, colour: bool = False) -> str:
    """`text` with every control sequence but our own colours shown as visible escapes (newlines and tabs kept), and
    no GitHub workflow command."""
    return _WORKFLOW_COMMAND.sub(_no_workflow_command, _terminal_text(text, colour))


def _terminal_text(text: str, colour: bool) -> str:
    if not colour:
        return _UNSAFE_TEXT.sub(lambda m: _visible(m[0]), text)
    parts = []
    done = 0
    for match in _OUR_COLOURS.finditer(text):
        parts.append(_UNSAFE_TEXT.sub(lambda m: _visible(m[0]), text[done : match.start()]))
        parts.append(match.group())
        done = match.end()
    parts.append(_UNSAFE_TEXT.sub(lambda m: _visible(m[0]), text[done:]))
    return "".join(parts)


def json_text(text: str) -> str:
    """A JSON document (from json.dumps(..., ensure_ascii=False)) with unsafe characters as \\uXXXX escapes.

    They can only occur inside strings, where the escape means the same character; so can `##[`."""
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", text).replace("##[", "##\\u005b")


def sarif_message(text: str) -> str:
    """SARIF message text: `[` and `]` escaped (unescaped, they would make a link of repository text)."""
    return text.replace("[", "\\[").replace("]", "\\]")
