"""Per-file facts for the path analysis, read with one linear pass over the text (no parser, nothing run).

Python: the modules a file imports, each with how it is reached (`top`: at module level, unconditionally;
`main`: under `if __name__ == "__main__":`; `cond`: under another `if`/`else`; `try`: in a `try` whose handler
catches ImportError; `func`: inside a function; `dynamic`: `importlib.import_module("x")`), whether the file has a
main guard, and whether it skips itself under pytest (`pytest.importorskip`, `@pytest.mark.skipif`, ...).
Launch files (kinds.py's `path_facts="launch"`: shell, Makefiles, YAML, Dockerfiles): the Python scripts and `-m`
modules their commands run. Packaging files (`path_facts="packaging"`): console-script targets. The facts are plain
JSON, stored with the file's cached results.
"""

from __future__ import annotations

import re
from typing import Any

from ..kinds import KINDS


_IMPORT = re.compile(r"import\s+(.+)")
_FROM = re.compile(r"from\s+(\.*)([\w.]*)\s+import\s+(.+)")
_MAIN_GUARD = re.compile(r"""if\s+(?:__name__\s*==\s*['"]__main__['"]|['"]__main__['"]\s*==\s*__name__)\s*:""")
_DYNAMIC = re.compile(r"""(?:import_module|__import__)\(\s*['"]([\w.]+)['"]""")
_HANDLER = re.compile(r"except\b\s*(.*?):")
# Handlers that catch a failed import: ImportError, its subclass, or anything broader.
_CATCHES_IMPORT = re.compile(r"^$|ImportError|ModuleNotFoundError|\bException\b|BaseException")
_BLOCK = re.compile(r"(if|elif|else|try|except|finally|def|async\s+def|class|with|async\s+with|for|async\s+for|while"
                    r"|match|case)\b")
_SKIP_WORDS = ("pytest.importorskip", "pytest.skip(", "pytest.mark.skip", "unittest.skip", "self.skipTest(")
_PYTEST_SKIP = re.compile("|".join(map(re.escape, _SKIP_WORDS)))
_TYPE_CHECKING = re.compile(r"if\s+(?:typing\.)?TYPE_CHECKING\s*:")
_TRIPLE = re.compile(r'"""|\'\'\'')
# The indentation and first word of a line; lines whose first word is none of these are skipped unread.
_FIRST_WORD = re.compile(r"([ \t]*)([a-z]+)")
_KEYWORDS = frozenset({"import", "from", "if", "elif", "else", "try", "except", "finally", "def", "async", "class",
                       "with", "for", "while", "match", "case"})
_ONE_LINE_IMPORT = re.compile(r":\s*(?:import|from)\s")

# Commands that run a Python file or module: `python x.py`, `torchrun ... x.py`, `python -m pkg.mod`.
_RUNS_MODULE = re.compile(r"\b(?:python[\d.]*|torchrun|deepspeed|launch|run)\b[^#\n]*?\s-m\s+([A-Za-z_][\w.]*)")
_RUNS_SCRIPT = re.compile(r"""(?:^|[\s'"=\[,(])((?:[\w.${}/-]*/)?[\w.-]+\.(?:py|sh|slurm|sbatch))\b(?!['"]?\s*:)""")
_RUNNERS = re.compile(r"\b(?:python[\d.]*|torchrun|deepspeed|accelerate|srun|mpirun|horovodrun|colossalai|"
                      r"launch|exec|nohup|CMD|ENTRYPOINT|command|args|script|bash|sbatch)\b|(?<![.\w])sh\b|^\./|^source\b|^\.\s")
# Console scripts: `name = "pkg.mod:func"` (pyproject, setup.cfg) or "name = pkg.mod:func" (setup.py).
_CONSOLE = re.compile(r"""^\s*['"]?[\w.-]+['"]?\s*=\s*['"]?([A-Za-z_][\w.]*)\s*:\s*[A-Za-z_][\w.]*""")
# TOML dotted keys declare them too, in [project] or at the top (`scripts.name = "pkg.cli:main"`).
_DOTTED_SCRIPT_KEY = re.compile(r"^\s*(?:[\w-]+\.)*(?:gui-scripts|scripts|console_scripts)\.")
_CONSOLE_IN_STRING = re.compile(r"""['"]\s*[\w.-]+\s*=\s*([A-Za-z_][\w.]*)\s*:\s*[A-Za-z_][\w.]*\s*['"]""")


def file_facts(kind: str, relpath: str, text: str) -> dict[str, Any]:
    """The facts of one file (an empty dict when its kind has none)."""
    if kind == "python":
        facts = python_facts(text)
        if relpath.rsplit("/", 1)[-1] == "setup.py":
            scripts = console_scripts(text, in_strings=True)
            if scripts:
                facts["console_scripts"] = scripts
        return facts
    # Which kinds are read for the commands they run or the console scripts they declare: kinds.py says.
    read_for = KINDS[kind].path_facts if kind in KINDS else ""
    if read_for == "launch":
        runs = launched(text)
        return {"runs": runs} if runs else {}
    if read_for == "packaging":
        scripts = console_scripts(text, in_strings=False)
        return {"console_scripts": scripts} if scripts else {}
    return {}


# Where a file's facts come from: imports (static and dynamic) hold "import", a main guard "__main__", a test's skip
# one of `_SKIP_WORDS`. After the last line holding one of them nothing can add a fact, unless a string or a
# parenthesised import runs on past it or a `try` holding an import is still open (its handler, further down, says
# how the import runs): the loop stops there. In the transformers package that leaves 40% of the bytes unread.
_EVIDENCE = ("import", "__main__", *_SKIP_WORDS)


def python_facts(text: str) -> dict[str, Any]:
    last = max(text.rfind(word) for word in _EVIDENCE)
    if last < 0:
        return {"imports": []}
    # The number of the line holding it, as str.splitlines() counts lines (it breaks at more than LF).
    return _python_facts(text.splitlines(), len(text[: last + 1].splitlines()))


def _try_open(stack: list[list], tries: dict[int, bool], pending_try: dict[int, list[int]]) -> bool:
    """Whether a `try` holding an import, whose handlers have not yet been seen to catch ImportError, is open."""
    return any(try_id is not None and try_id in pending_try and not tries.get(try_id) for _i, _k, try_id in stack)


def _python_facts(lines: list[str], last_line: int) -> dict[str, Any]:
    """The facts from `lines`; past `last_line` (the last that holds evidence) it stops once nothing is open."""
    imports: list[list] = []  # [module, level, names, how, line]
    stack: list[list] = []  # [indent, kind, try_id]; kinds as _BLOCK words, plus "main" and "typing"
    tries: dict[int, bool] = {}  # try block id -> a handler catches ImportError
    pending_try: dict[int, list[int]] = {}  # try id -> indexes of imports inside it
    main_guard = False
    pytest_skips = False
    in_string: str | None = None
    continued: list | None = None  # an import whose parenthesised names go on over lines
    for number, raw in enumerate(lines, 1):
        if number > last_line and in_string is None and continued is None \
                and not _try_open(stack, tries, pending_try):
            break
        if in_string is not None:
            if in_string in raw and raw.count(in_string) % 2 == 1:
                in_string = None
            continue
        if continued is not None:
            continued[2] += _names(raw.split("#", 1)[0])
            if ")" in raw:
                continued = None
            continue
        if '"""' in raw or "'''" in raw:
            quotes = _TRIPLE.findall(raw.split("#", 1)[0] if "#" in raw else raw)
            if len(quotes) % 2 == 1:
                in_string = quotes[-1]  # a string opened here runs on; the statement that opened it still counts
                if raw.lstrip().startswith(quotes[-1]):
                    continue
        if "skip" in raw and not pytest_skips and _PYTEST_SKIP.search(raw):
            pytest_skips = True
        if "import" in raw and ("import_module" in raw or "__import__" in raw):
            for module in _DYNAMIC.findall(raw):
                imports.append([module, 0, [], "dynamic", number])
        first = _FIRST_WORD.match(raw)
        if first is None or first.group(2) not in _KEYWORDS:
            continue  # only block headers and imports matter: a header's block ends at the next line this far out
        indent = len(first.group(1))
        stripped = raw[indent:].rstrip()
        word = _BLOCK.match(stripped)
        code = stripped.split(" #", 1)[0].rstrip()
        one_line_import = word is not None and _ONE_LINE_IMPORT.search(code) is not None
        header = word is not None and (
            code.endswith(":") or one_line_import or word.group(1) in ("def", "class") or word.group(1).startswith("async")
            or code.count("(") > code.count(")") or code.endswith("\\"))
        if header:
            kind = word.group(1).split()[-1]
            continues_block = kind in ("elif", "else", "except", "finally", "case")
        else:
            kind, continues_block = "", False
        while stack and (stack[-1][0] > indent or (stack[-1][0] == indent and not continues_block)):
            stack.pop()
        if kind:
            if kind == "if" and _MAIN_GUARD.match(stripped):
                main_guard = main_guard or indent == 0
                kind = "main"
            elif kind == "if" and _TYPE_CHECKING.match(stripped):
                kind = "typing"
            try_id = None
            if kind == "try":
                try_id = len(tries)
                tries[try_id] = False
            elif kind in ("except", "else", "finally") and stack and stack[-1][0] == indent:
                try_id = stack[-1][2]
                handler = _HANDLER.match(stripped)
                if kind == "except" and try_id is not None and handler and _CATCHES_IMPORT.search(handler.group(1)):
                    tries[try_id] = True
            if continues_block and stack and stack[-1][0] == indent:
                stack.pop()
            stack.append([indent, kind, try_id])
            if one_line_import:
                _record(code.split(":", 1)[1], number, stack, imports, pending_try, [])
                stack.pop()
            continue
        if stripped.startswith(("import ", "from ")):
            holder: list = []
            _record(stripped, number, stack, imports, pending_try, holder)
            if holder:
                continued = holder[0]
            continue
    for try_id, members in pending_try.items():
        if tries.get(try_id):
            for index in members:
                if imports[index][3] == "top":
                    imports[index][3] = "try"
    facts: dict[str, Any] = {"imports": imports}
    if main_guard:
        facts["main"] = True
    if pytest_skips:
        facts["pytest_skips"] = True
    return facts


def _how(stack: list[list]) -> str:
    """How an import at this place runs: the innermost block that makes it less than certain decides."""
    how = "top"
    for _indent, kind, _try in stack:
        if kind in ("def",):
            return "func"
        if kind == "typing":
            return "typing"
        if kind in ("if", "elif", "else", "case", "match", "except") and how == "top":
            how = "cond"
        elif kind == "main" and how == "top":
            how = "main"
    return how


def _record(statement: str, number: int, stack: list[list], imports: list, pending_try: dict, holder: list) -> None:
    statement = statement.split("#", 1)[0].strip()
    how = _how(stack)
    for part in statement.split(";"):
        part = part.strip()
        found = _FROM.match(part)
        if found:
            level, module, rest = len(found.group(1)), found.group(2), found.group(3)
            item = [module, level, _names(rest), how, number]
            if "(" in rest and ")" not in rest:
                holder.append(item)
        else:
            found = _IMPORT.match(part)
            if not found:
                continue
            for name in found.group(1).split(","):
                module = name.strip().split(" as ")[0].strip()
                if re.fullmatch(r"[\w.]+", module):
                    imports.append([module, 0, [], how, number])
                    _note_try(stack, pending_try, len(imports) - 1)
            continue
        imports.append(item)
        _note_try(stack, pending_try, len(imports) - 1)


def _note_try(stack: list[list], pending_try: dict, index: int) -> None:
    for _indent, kind, try_id in stack:
        if kind == "try" and try_id is not None:
            pending_try.setdefault(try_id, []).append(index)


def _names(text: str) -> list[str]:
    text = text.replace("(", " ").replace(")", " ").replace("\\", " ")
    out = []
    for name in text.split(","):
        name = name.strip().split(" as ")[0].strip()
        if re.fullmatch(r"\w+", name):
            out.append(name)
    return out


def launched(text: str) -> list[list]:
    """[[kind, target, line]]: kind "script" (a .py path) or "module" (`python -m`), per command line; a fourth
    item "train" when the command's arguments on that line tell it to train (`python main.py --train`,
    roles.passes_training_argument)."""
    out: list[list] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or "." not in stripped and "-m" not in stripped:
            continue
        for module in _RUNS_MODULE.finditer(stripped):
            out.append(_run("module", module.group(1), number, stripped[module.end():]))
        if _RUNNERS.search(stripped):
            for script in _RUNS_SCRIPT.finditer(stripped):
                if "$" not in script.group(1).rsplit("/", 1)[-1]:
                    out.append(_run("script", script.group(1), number, stripped[script.end():]))
    return out


def _run(kind: str, target: str, number: int, arguments: str) -> list:
    from .roles import passes_training_argument  # roles reads these facts; the words that say "train" are its

    return [kind, target, number, "train"] if passes_training_argument(arguments) else [kind, target, number]


def console_scripts(text: str, in_strings: bool) -> list[str]:
    """Modules named as console-script targets (`name = "pkg.cli:main"`)."""
    if in_strings:
        if "console_scripts" not in text and "entry_points" not in text:
            return []
        return sorted(set(_CONSOLE_IN_STRING.findall(text)))
    out: set[str] = set()
    section = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped.lower()
            continue
        if "script" in section or "console" in section or "entry_points" in section or _DOTTED_SCRIPT_KEY.match(line):
            found = _CONSOLE.match(line)
            if found:
                out.add(found.group(1))
    return sorted(out)
