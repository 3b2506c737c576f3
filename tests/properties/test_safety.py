"""wac-lint never executes, imports or fetches what it reads.

A canary tree holds files whose import or execution would create a marker file
(module-level code, setup.py, conftest.py, sitecustomize.py, a .pth file, modules named
like the libraries wac-lint imports, shell with $(...) and backticks, a YAML tag that an
unsafe loader would run, a file whose very name is a command substitution). After
scanning it in every way a user can (in process, the console script and `python -m`,
each run from inside the tree), no marker exists. An audit hook in a child process
records every socket, process and write the scan attempts: there must be none.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from whackachip_lint.config import Settings
from whackachip_lint.scan import scan

from ..conftest import promised_exit_code

# Modules a scan imports (or might): a file of the same name in the scanned tree must never shadow them.
SHADOWED = ("click", "pathspec", "ast", "tree_sitter", "tree_sitter_bash", "json", "yaml", "tomllib",
            "importlib_metadata", "typing_extensions")
UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing should ever try it


def _python_canary(marker: Path) -> str:
    return f"open({str(marker)!r}, 'w').write('ran')\n"


def build_canary_tree(root: Path, markers: Path) -> list[Path]:
    """Write the canary tree; return every marker path a canary would create."""
    made: list[Path] = []

    def marker(name: str) -> Path:
        path = markers / name
        made.append(path)
        return path

    def write(rel: str, text: str) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    py_files = ["setup.py", "conftest.py", "sitecustomize.py", "usercustomize.py", "__main__.py", "__init__.py",
                "train.py", "pkg/__init__.py", "pkg/__main__.py", "tests/conftest.py", "noxfile.py", "fabfile.py",
                "docs/conf.py"]
    for rel in py_files:
        name = rel.replace("/", "_")
        code = (
            "import os\n"
            + _python_canary(marker(name))
            + f"os.system('touch {marker(name + '-system')}')\n"
            + "import torch\nx = torch.zeros(2, dtype=torch.bfloat16)\n"
        )
        write(rel, code)
    for module in SHADOWED:
        write(f"{module}.py", _python_canary(marker(f"shadow-{module}")))
        write(f"{module}/__init__.py", _python_canary(marker(f"shadow-pkg-{module}")))
    write("evil.pth", f"import os; os.system('touch {marker('pth')}')\n")
    write("site-packages-like/zz.pth", f"import os; os.system('touch {marker('pth2')}')\n")
    write(
        "launch.sh",
        "#!/bin/bash\n"
        f"GPUS=$(touch {marker('sh-subst')}; nvidia-smi -L | wc -l)\n"
        f"HOST=`touch {marker('sh-backtick')}`\n"
        f"eval \"touch {marker('sh-eval')}\"\n"
        f"source <(touch {marker('sh-procsubst')})\n"
        f"curl -fsSL {UNREACHABLE}/install.sh | bash\n"
        "export NCCL_IB_DISABLE=0\n"
        "torchrun --nproc_per_node=$GPUS train.py --bf16\n",
    )
    write("run", f"#!/usr/bin/env bash\ntouch {marker('shebang-script')}\n")
    write("run_py", f"#!/usr/bin/env python3\n{_python_canary(marker('shebang-python'))}")
    name_marker = marker("name-subst")
    write(f"$(touch {name_marker.name}).sh", "echo hi\n")
    made[-1] = root / name_marker.name  # the name would create a file of that name in the working directory
    write("config.yaml", f"model: !!python/object/apply:os.system ['touch {marker('yaml-tag')}']\nbf16: true\n")
    write("Dockerfile", f"FROM nvcr.io/nvidia/pytorch:24.01-py3\nRUN touch {marker('docker-run')}\n")
    write("requirements.txt", f"--index-url {UNREACHABLE}/simple\n-e git+{UNREACHABLE}/repo.git#egg=x\ntorch\n")
    write("ds_config.json", json.dumps({"$schema": f"{UNREACHABLE}/schema.json", "bf16": {"enabled": True}}))
    write("pyproject.toml", f"[build-system]\nrequires = ['evil @ {UNREACHABLE}/evil.tar.gz']\n")
    write(".envrc", f"touch {marker('direnv')}\n")
    write("Makefile", f"all:\n\ttouch {marker('make')}\n")
    write(
        "explore.ipynb",
        json.dumps(
            {
                "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                           "source": [_python_canary(marker("notebook")), f"!touch {marker('notebook-bang')}\n"]}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
            }
        ),
    )
    write("README.md", f"Run `touch {marker('readme')}`.\n\n```bash\ntouch {marker('readme-fence')}\n```\n")
    return made


@pytest.fixture
def canary(tmp_path):
    root, markers = tmp_path / "tree", tmp_path / "markers"
    markers.mkdir()
    made = build_canary_tree(root, markers)
    return root, markers, made


def _assert_no_marker(markers: Path, made: list[Path]) -> None:
    assert list(markers.iterdir()) == []
    assert not [p for p in made if p.exists()]


def _child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def test_in_process_scan_runs_nothing(canary):
    root, markers, made = canary
    result = scan([root], Settings(use_cache=False))
    assert result.files_scanned > 0
    _assert_no_marker(markers, made)


def test_console_script_run_inside_the_tree_runs_nothing(canary):
    root, markers, made = canary
    script = Path(sys.executable).with_name("wac-lint")  # the install ('.[test]') always puts it there
    proc = subprocess.run([str(script), "--no-cache", "--format", "json", "."], cwd=root, env=_child_env(),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == promised_exit_code(json.loads(proc.stdout)), proc.stderr
    _assert_no_marker(markers, made)


def test_python_dash_m_inside_the_tree_imports_nothing_from_it(canary):
    """`python -m` puts the working directory first on sys.path: click.py, json.py... in the tree must not load."""
    root, markers, made = canary
    proc = subprocess.run([sys.executable, "-m", "whackachip_lint", "--no-cache", "--format", "json", "."], cwd=root,
                          env=_child_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == promised_exit_code(json.loads(proc.stdout)), proc.stderr
    _assert_no_marker(markers, made)


def test_in_process_scan_opens_no_socket(canary, monkeypatch):
    root, _markers, _made = canary
    attempts: list[tuple] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access during a scan")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    scan([root], Settings(use_cache=False))
    assert attempts == []


AUDIT_RUNNER = textwrap.dedent(
    """
    import json, os, sys
    out_path, tree = sys.argv[1], os.path.realpath(sys.argv[2])
    # Events go straight to a file descriptor opened before the hook: worker processes
    # forked by the process pool inherit both, so what they do is recorded too.
    out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_TRUNC, 0o600)
    recording = True
    # Forking our own interpreter (the process pool) runs our code, not the tree's: allowed.
    WATCHED = ("socket.", "subprocess.", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.forkpty",
               "ctypes.dlopen", "urllib.Request", "http.client.connect", "ftplib.", "smtplib.", "webbrowser.open")
    WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def record(event, detail):
        os.write(out, (json.dumps({"event": event, "detail": detail[:300], "pid": os.getpid()}) + "\\n").encode())

    def hook(event, args):
        if not recording:
            return
        if event.startswith(WATCHED):
            if event in ("os.exec", "os.posix_spawn", "subprocess.Popen") and args and \\
                    os.path.realpath(str(args[0])) == os.path.realpath(sys.executable):
                return  # a worker process of our own interpreter
            record(event, repr(args))
        elif event == "open" and args[0] is not None and not isinstance(args[0], int):
            mode, flags = args[1] or "", args[2] or 0
            if any(c in str(mode) for c in "wax+") or flags & WRITE_FLAGS:
                record(event, repr(args))
        elif event == "exec" and args and os.path.isabs(getattr(args[0], "co_filename", "")) and \\
                os.path.realpath(args[0].co_filename).startswith(tree + os.sep):
            record(event, args[0].co_filename)

    sys.addaudithook(hook)
    from whackachip_lint.cli import main
    try:
        main(["--no-cache", "--format", "json", "--jobs", "2", tree])
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    recording = False
    loaded = sorted(name for name, mod in list(sys.modules.items())
                    if os.path.realpath(str(getattr(mod, "__file__", "") or "")).startswith(tree + os.sep))
    os.write(out, (json.dumps({"code": code, "loaded_from_tree": loaded}) + "\\n").encode())
    """
)


def _audit(runner: Path, out: Path, tree: Path) -> tuple[dict, list[dict]]:
    proc = subprocess.run([sys.executable, str(runner), str(out), str(tree)], cwd=tree, env=_child_env(),
                          capture_output=True, text=True, timeout=300)
    assert out.exists(), proc.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    summary = [r for r in records if "code" in r]
    assert summary, proc.stderr
    return summary[-1], [r for r in records if "event" in r]


def test_audit_hook_sees_no_socket_process_write_or_import(canary, tmp_path):
    """A child process with an audit hook: catches sockets and processes opened anywhere, even in C code."""
    root, markers, made = canary
    runner = tmp_path / "runner.py"
    runner.write_text(AUDIT_RUNNER)
    summary, events = _audit(runner, tmp_path / "audit.jsonl", root)
    assert summary["code"] == 0  # the canary tree's findings are all notes, below the default fail level
    assert events == []
    assert summary["loaded_from_tree"] == []
    _assert_no_marker(markers, made)


def test_audit_hook_would_catch_a_socket(tmp_path):
    """The audit test above can fail: the same hook, with a socket opened on purpose, reports it."""
    runner = tmp_path / "runner.py"
    runner.write_text(AUDIT_RUNNER.replace("from whackachip_lint.cli import main",
                                           "from whackachip_lint.cli import main\nimport socket\n"
                                           "socket.socket().close()\nopen(os.path.join(tree, 'w.txt'), 'w').close()\n"
                                           "exec(compile('1', os.path.join(tree, 'm.py'), 'exec'))"))
    (tmp_path / "tree").mkdir()
    _summary, events = _audit(runner, tmp_path / "audit.jsonl", tmp_path / "tree")
    assert {"socket.__new__", "open", "exec"} <= {e["event"] for e in events}


def test_canary_markers_would_be_noticed(canary):
    """The canary works: running one of its files does create its marker."""
    root, markers, made = canary
    subprocess.run([sys.executable, str(root / "setup.py")], env=_child_env(), capture_output=True, timeout=60)
    assert (markers / "setup.py").exists()
    (markers / "setup.py").unlink()
    if shutil.which("bash"):
        subprocess.run(["bash", str(root / "launch.sh")], env=_child_env(), capture_output=True, timeout=60)
        assert (markers / "sh-subst").exists()


# --- nothing from the scanned text drives the terminal ----------------------------------------


def test_snippets_and_messages_carry_no_control_characters():
    from whackachip_lint.evidence import RawFinding, Span, State
    from whackachip_lint.extract import Source
    from whackachip_lint.one_file import to_finding

    line = "x = torch.bfloat16  # \x1b[2J\x1b]0;owned\x07 \u202e"
    source = Source(Path("a.py"), "a.py", "python", line.encode())
    raw = RawFinding("WAC101", "bf\x1b[31m16", State.ENABLED, Span(1, 11, 1, 19), detail="seen \x1b[1m here\nnext")
    finding = to_finding(raw, source)
    for text in (finding.snippet, finding.message):
        assert not any(ord(c) < 0x20 and c != "\t" or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in text), text
    assert "\\x1b[2J" in finding.snippet and "\\u202e" in finding.snippet


def test_diagnostic_messages_carry_no_control_characters(monkeypatch, tmp_path):
    from whackachip_lint import one_file
    from whackachip_lint.extract import ExtractionError

    def hostile(source):
        raise ExtractionError("syntax error near '\x1b[2J\x1b[31m'")

    def buggy(source):
        raise ValueError("bad value \x1b[2J\nforged: error: line")

    (tmp_path / "a.py").write_text("import torch\nx = torch.bfloat16\n")  # trigger words: not pre-filtered out
    for extractor in (hostile, buggy):
        monkeypatch.setattr(one_file, "extractors_for", lambda kind, e=extractor: [e])
        result = scan([tmp_path], Settings(use_cache=False, jobs=1))
        (diagnostic,) = result.diagnostics
        assert "\x1b" not in diagnostic.message and "\n" not in diagnostic.message, diagnostic
        assert "\\x1b[2J" in diagnostic.message
