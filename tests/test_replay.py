"""The whole-run replay (replay.py, replay_record.py): an unchanged rescan is answered with the recorded bytes and
exit code before click or the scanner is imported; anything that could change the output makes it a real scan."""

from __future__ import annotations

import compileall
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import whackachip_lint
from whackachip_lint import plugins, replay, replay_record
from whackachip_lint.config import Settings
from whackachip_lint.scan import scan

from .test_budget import _crash, _hostile_extractor

PACKAGE = Path(whackachip_lint.__file__).resolve().parent
# The console entry, run as the installed script runs it (the script's folder first on sys.path, not the working
# directory); at exit it says whether the scanner was imported, on a line of its own after everything else.
ENTRY = """
import atexit, sys
sys.path[0] = {first!r}
def tell():
    sys.__stderr__.flush()
    loaded = [m for m in ("click", "whackachip_lint.cli", "whackachip_lint.scan") if m in sys.modules]
    sys.__stderr__.write("\\n@@" + ("SCANNED " + ",".join(loaded) if loaded else "REPLAYED") + "\\n")
atexit.register(tell)
from whackachip_lint.entry import main
main()
"""

TREE = {
    # The target makes the bf16 cast an error (exit 1); cache-dir is ignored with a warning on standard error.
    "pyproject.toml": '[tool.wac-lint]\ntarget = ["nvidia-v100"]\ncache-dir = "/somewhere"\n',
    ".gitignore": "ignored/\n",
    "train.py": "import torch\n\n\ndef cast(model):\n    return model.to(torch.bfloat16)\n",
    "sub/deep/run.sh": "#!/bin/bash\nexport NCCL_IB_HCA=mlx5_0\ntorchrun --nproc_per_node=8 train.py\n",
    "sub/deep/launch": "#!/bin/bash\nexport NCCL_P2P_DISABLE=1\n",
    "ignored/x.py": "import torch\nx = torch.float16\n",
}
NAMES = ("pipe", "tty", "changed", "dot", "off", "inside", "formats", "edit", "racy", "added", "deleted", "renamed", "config", "gitignore", "shebang", "env",
         "option", "tampered", "unsigned", "corrupt", "foreign", "link_record", "symlink_out", "modules", "tool",
         "venv")


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def settled(tmp_path_factory):
    """One tree per test (and a copy of the package for the fingerprint test), older than the racy window: a run
    records only what has not changed for RACY_NS before it began."""
    base = tmp_path_factory.mktemp("replay")
    for name in NAMES:
        _write(base / name / "repo", TREE)
        (base / name / "cache").mkdir()
    shutil.copytree(PACKAGE, base / "tool" / "pkg" / "whackachip_lint",
                    ignore=shutil.ignore_patterns("__pycache__"))
    # Byte-compiled now, as an installer does: otherwise, where Python writes bytecode, the first run writes
    # __pycache__ folders into the package it runs from, and those fresh changes rightly keep it from being recorded.
    compileall.compile_dir(base / "tool" / "pkg", quiet=1)
    (base / "venv" / "repo" / "env").mkdir()
    (base / "venv" / "repo" / "env" / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    _write(base / "venv" / "repo" / "env", {"lib/x.py": "import torch\nx = torch.float16\n"})
    time.sleep(replay.RACY_NS / 1e9 + 0.2)
    return base


class Run:
    def __init__(self, done: subprocess.CompletedProcess) -> None:
        self.code = done.returncode
        self.stdout = done.stdout
        head, _, tail = done.stderr.rpartition(b"\n@@")
        self.stderr = head
        self.how = tail.decode().strip()

    @property
    def replayed(self) -> bool:
        return self.how == "REPLAYED"


def _environ(where: Path) -> dict:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("WAC")}, "WAC_LINT_CACHE_DIR": str(where / "cache")}


def wac(where: Path, *args: str, env: dict | None = None, first: str | None = None, inside: bool = False) -> Run:
    """The console entry in `where` (a test's folder: repo/, cache/), scanning repo/ with the given options (or `.`
    from inside repo/)."""
    environ = {**_environ(where), **(env or {})}
    script = ENTRY.format(first=first or str(Path(sys.executable).parent))
    done = subprocess.run([sys.executable, "-c", script, *args, "." if inside else "repo"],
                          cwd=where / "repo" if inside else where, env=environ, capture_output=True, timeout=120,
                          check=False)
    return Run(done)


def record_file(where: Path) -> Path:
    (found,) = (where / "cache" / f"replay-v{replay.SCHEMA}").iterdir()
    return found


def recorded_then_replayed(where: Path, *args: str, **kw) -> Run:
    first = wac(where, *args, **kw)
    assert not first.replayed and first.code in (0, 1), first.stderr
    again = wac(where, *args, **kw)
    assert again.replayed, again.how
    assert (again.code, again.stdout, again.stderr) == (first.code, first.stdout, first.stderr)
    return first


def assert_real_scan(where: Path, *args: str, **kw) -> Run:
    """A run that must not be replayed: it scans, and says what a scan without any cache says."""
    run = wac(where, *args, **kw)
    assert run.how.startswith("SCANNED"), run.how
    fresh = wac(where, "--no-cache", *args, **kw)
    assert (run.code, run.stdout, run.stderr) == (fresh.code, fresh.stdout, fresh.stderr)
    return run


# --- a hit: the same bytes, the same exit code ---------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "html"])
@pytest.mark.parametrize("to_file", [False, True])
def test_a_replay_writes_what_the_scan_wrote(settled, fmt, to_file):
    where = settled / "formats"
    out = where / f"report-{fmt}"
    args = ["--format", fmt, *(["-o", str(out)] if to_file else [])]
    first = recorded_then_replayed(where, *args)
    scanned_report = out.read_bytes() if to_file else first.stdout
    assert first.code == 1 and b"bfloat16" in scanned_report
    assert b"cache-dir" in first.stderr  # the configuration's warning is replayed on standard error too
    if to_file:
        out.unlink()
        again = wac(where, *args)
        assert again.replayed and out.read_bytes() == scanned_report and again.stdout == b""
    fresh = wac(where, "--no-cache", *args)  # no replay, no result cache: the same bytes
    assert (fresh.code, fresh.stderr) == (first.code, first.stderr)
    assert (out.read_bytes() if to_file else fresh.stdout) == scanned_report


def _on_a_terminal(where: Path) -> tuple[int, bytes, str]:
    """The entry with its standard output on a pseudo-terminal (so the text report is coloured): exit code, what
    the terminal showed, and how the run went."""
    import pty
    import threading

    main, child = pty.openpty()
    shown = bytearray()

    def read() -> None:
        while True:
            try:
                data = os.read(main, 65536)
            except OSError:  # EIO: the child side is closed
                return
            if not data:
                return
            shown.extend(data)

    reader = threading.Thread(target=read)
    reader.start()
    done = subprocess.run([sys.executable, "-c", ENTRY.format(first=str(Path(sys.executable).parent)), "repo"],
                          cwd=where, env=_environ(where), stdout=child, stderr=subprocess.PIPE, timeout=120,
                          check=False)
    os.close(child)
    reader.join(timeout=30)
    os.close(main)
    return done.returncode, bytes(shown), done.stderr.decode().rpartition("\n@@")[2].strip()


def test_a_report_shown_on_a_terminal_is_replayed_with_its_colours(settled):
    where = settled / "tty"
    code, shown, how = _on_a_terminal(where)
    assert how.startswith("SCANNED") and code == 1 and b"\x1b[" in shown  # coloured for the terminal
    again = _on_a_terminal(where)
    assert again == (code, shown, "REPLAYED")
    piped = wac(where)  # not a terminal: another key, plain text
    assert piped.how.startswith("SCANNED") and b"\x1b[" not in piped.stdout


def test_the_replay_imports_neither_click_nor_the_scanner(settled):
    where = settled / "modules"
    recorded_then_replayed(where, "--format", "json")  # its own atexit check: neither was imported
    argv = [sys.executable, "-X", "importtime", "-c", ENTRY.format(first=str(Path(sys.executable).parent)),
            "--format", "json", "repo"]  # -X importtime is part of the key: the first run records anew
    runs = [subprocess.run(argv, cwd=where, env=_environ(where), capture_output=True, timeout=120, check=False)
            for _ in range(2)]
    imported = [{line.split("|")[-1].strip() for line in run.stderr.decode().splitlines() if "|" in line}
                for run in runs]
    assert runs[0].stdout == runs[1].stdout and runs[0].returncode == runs[1].returncode == 1
    assert {"whackachip_lint.replay", "click", "whackachip_lint.scan"} <= imported[0]
    assert "whackachip_lint.replay" in imported[1]
    assert not {"click", "whackachip_lint.cli", "whackachip_lint.scan", "whackachip_lint.cache"} & imported[1]


# --- invalidation: each falls through to a real scan ------------------------------------------------------------

def test_an_edit_keeping_size_and_mtime_is_seen(settled):
    where = settled / "edit"
    recorded_then_replayed(where)
    path = where / "repo" / "train.py"
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("bfloat16)", "float16) "), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    run = assert_real_scan(where)
    assert b"float16" in run.stdout


def test_a_file_changed_just_before_the_recording_run_is_checked_by_its_digest(settled):
    where = settled / "racy"
    path = where / "repo" / "train.py"
    path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")  # racy for the next run
    recorded_then_replayed(where)
    manifest = json.loads(record_file(where).read_bytes().split(b"\n")[1])
    assert [row[0] for row in manifest["digest"]] == ["repo/train.py"]  # only the racy file carries a digest


def test_a_racy_stamp_is_decided_by_the_digest(tmp_path):
    """A same-size edit in the same timestamp tick leaves every stamp equal: the digest of the scanned content
    is what tells."""
    path = tmp_path / "f.py"
    path.write_bytes(b"x = 'bfloat16'\n")
    scanned = replay.content_digest(path.read_bytes())
    path.write_bytes(b"x = 'float16_'\n")
    manifest = {"stat": [], "kind": [], "real": [], "entries": [[str(tmp_path), [["f.py", replay.stamp(str(path),
                                                                                                       False)]]]]}
    assert replay.unchanged({**manifest, "digest": []})  # the stamps alone cannot tell
    assert not replay.unchanged({**manifest, "digest": [[str(path), scanned]]})
    assert replay.unchanged({**manifest, "digest": [[str(path), replay.content_digest(path.read_bytes())]]})


@pytest.mark.parametrize("manifest", [
    {"stat": []},  # a row missing before the digest rows
    {"stat": [[None, None]]},  # a malformed row before the digest rows
])
def test_a_malformed_manifest_is_a_mismatch_not_an_error(manifest):
    assert replay.unchanged(manifest) is False


def test_a_file_added_in_a_subdirectory_is_seen(settled):
    where = settled / "added"
    recorded_then_replayed(where)
    _write(where / "repo", {"sub/deep/more.py": "import torch\nx = torch.float8_e4m3fn\n"})
    assert b"more.py" in assert_real_scan(where).stdout


def test_a_scan_of_the_working_directory_is_replayed_and_invalidated_alike(settled):
    where = settled / "dot"
    recorded_then_replayed(where, inside=True)
    _write(where / "repo", {"sub/more.py": "import torch\nx = torch.float8_e4m3fn\n"})
    assert b"sub/more.py" in assert_real_scan(where, inside=True).stdout


def test_a_deleted_file_is_seen(settled):
    where = settled / "deleted"
    recorded_then_replayed(where)
    (where / "repo" / "sub" / "deep" / "run.sh").unlink()
    assert b"run.sh" not in assert_real_scan(where).stdout


def test_a_renamed_file_is_seen(settled):
    where = settled / "renamed"
    recorded_then_replayed(where)
    (where / "repo" / "train.py").rename(where / "repo" / "trainer.py")
    assert b"trainer.py" in assert_real_scan(where).stdout


def test_a_changed_configuration_is_seen(settled):
    where = settled / "config"
    recorded_then_replayed(where)
    (where / "repo" / "pyproject.toml").write_text('[tool.wac-lint]\nexclude = ["sub/"]\n', encoding="utf-8")
    run = assert_real_scan(where)
    assert b"run.sh" not in run.stdout and b"cache-dir" not in run.stderr


def test_a_changed_gitignore_is_seen(settled):
    where = settled / "gitignore"
    recorded_then_replayed(where)
    (where / "repo" / ".gitignore").write_text("ignored/\nsub/\n", encoding="utf-8")
    assert b"run.sh" not in assert_real_scan(where).stdout


def test_a_file_whose_shebang_decides_its_kind_is_stamped(settled):
    where = settled / "shebang"
    first = recorded_then_replayed(where)
    assert b"sub/deep/launch" in first.stdout
    path = where / "repo" / "sub" / "deep" / "launch"
    path.write_text("no shebang: not a script\n", encoding="utf-8")
    assert b"sub/deep/launch" not in assert_real_scan(where).stdout


def test_a_removed_virtualenv_marker_is_seen(settled):
    where = settled / "venv"
    first = recorded_then_replayed(where)
    assert b"env/lib" not in first.stdout
    (where / "repo" / "env" / "pyvenv.cfg").unlink()
    assert b"env/lib" in assert_real_scan(where).stdout


def test_an_environment_variable_or_an_option_makes_another_run(settled):
    where = settled / "env"
    recorded_then_replayed(where)
    assert_real_scan(where, env={"NO_COLOR": "1"})
    assert wac(where, env={"NO_COLOR": "1"}).replayed  # recorded under its own key
    assert wac(where).replayed  # and the first record is still there
    where = settled / "option"
    recorded_then_replayed(where)
    assert_real_scan(where, "--select", "WAC1")


def test_a_changed_tool_is_seen(settled):
    """An edit of wac-lint's own files (or an upgrade, which rewrites them) invalidates the record."""
    where = settled / "tool"
    first = str(where / "pkg")
    recorded_then_replayed(where, first=first)
    module = where / "pkg" / "whackachip_lint" / "report" / "json.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert_real_scan(where, first=first)


def test_wac_lint_replay_0_turns_it_off(settled):
    where = settled / "off"
    runs = [wac(where, env={"WAC_LINT_REPLAY": "0"}) for _ in range(2)]
    assert [run.how.split()[0] for run in runs] == ["SCANNED", "SCANNED"]
    assert runs[0].stdout == runs[1].stdout and runs[0].code == runs[1].code == 1
    assert not (where / "cache" / f"replay-v{replay.SCHEMA}").exists()
    assert wac(where).how.startswith("SCANNED") and wac(where).replayed  # without it: recorded, then replayed


def test_a_report_written_into_the_scanned_tree_is_never_replayed(settled):
    """Writing it changes a walked folder after the scan began: no record stands for the next run."""
    where = settled / "inside"
    args = ("--format", "json", "-o", "repo/sub/report.json")
    runs = [wac(where, *args) for _ in range(3)]
    assert [run.how for run in runs] == ["SCANNED click,whackachip_lint.cli,whackachip_lint.scan"] * 3
    assert not (where / "cache" / f"replay-v{replay.SCHEMA}").exists()


# --- records that are not this user's own, intact ones ----------------------------------------------------------

def _forge(where: Path, edit) -> None:
    path = record_file(where)
    path.write_bytes(edit(path.read_bytes()))


def test_a_tampered_record_is_not_replayed(settled):
    where = settled / "tampered"
    first = recorded_then_replayed(where)
    _forge(where, lambda raw: raw.replace(b"bfloat16", b"PLANTED!"))
    run = assert_real_scan(where)
    assert run.stdout == first.stdout and b"PLANTED" not in run.stdout


def test_an_unsigned_record_is_not_replayed(settled):
    where = settled / "unsigned"
    recorded_then_replayed(where)

    def unsigned(raw: bytes) -> bytes:
        head, _, body = raw.partition(b"\n")
        header = json.loads(head)
        del header["mac"]
        return json.dumps(header).encode() + b"\n" + body.replace(b"bfloat16", b"PLANTED!")

    _forge(where, unsigned)
    assert b"PLANTED" not in assert_real_scan(where).stdout


def test_a_corrupt_record_is_not_replayed(settled):
    where = settled / "corrupt"
    recorded_then_replayed(where)
    _forge(where, lambda raw: raw[: len(raw) // 2])
    assert_real_scan(where)


def test_a_record_signed_with_another_users_key_is_not_replayed(settled):
    where = settled / "foreign"
    recorded_then_replayed(where)
    other = os.urandom(32)

    def resigned(raw: bytes) -> bytes:
        head, _, body = raw.partition(b"\n")
        body = body.replace(b"bfloat16", b"PLANTED!")
        header = {**json.loads(head), "mac": replay.mac(other, body)}
        return json.dumps(header).encode() + b"\n" + body

    _forge(where, resigned)
    assert b"PLANTED" not in assert_real_scan(where).stdout


def test_a_record_that_is_a_link_is_not_read(settled):
    where = settled / "link_record"
    recorded_then_replayed(where)
    path = record_file(where)
    path.rename(where / "elsewhere")
    path.symlink_to(where / "elsewhere")
    assert_real_scan(where)


def test_a_report_target_that_became_a_link_is_refused_as_a_scan_refuses_it(settled):
    where = settled / "symlink_out"
    out, victim = where / "out.json", where / "victim"
    recorded_then_replayed(where, "--format", "json", "-o", str(out))
    victim.write_text("keep me\n", encoding="utf-8")
    out.unlink()
    out.symlink_to(victim)
    run = wac(where, "--format", "json", "-o", str(out))
    assert not run.replayed and run.code == 2 and b"symbolic link" in run.stderr
    assert victim.read_text(encoding="utf-8") == "keep me\n" and out.is_symlink()
    fresh = wac(where, "--no-cache", "--format", "json", "-o", str(out))
    assert (fresh.code, fresh.stderr) == (run.code, run.stderr)


# --- what is never replayed -------------------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [[], ["rule", "WAC101"], ["hardware"], ["schema"], ["history", "."],
                                  ["fleet", "x"], ["--help", "."], ["-h"], ["--version"], ["--no-cache", "."],
                                  ["-"], ["--stdin-filename", "x.py", "-"], ["--write-baseline", "b.json", "."],
                                  ["--write-baseline=b.json", "."], ["--add-noqa", "."], ["--", "."]])
def test_commands_a_record_cannot_stand_for_are_never_replayed(argv):
    assert not replay.eligible(argv)


@pytest.mark.parametrize("argv", [["."], ["scan", "."], ["--format", "json", "-o", "r.json", "."]])
def test_a_scan_of_a_path_may_be_replayed(argv):
    assert replay.eligible(argv)


def test_the_cache_directory_comes_from_the_command_line_then_the_environment(monkeypatch):
    monkeypatch.setenv("WAC_LINT_CACHE_DIR", "/env")
    assert replay.cache_dir_of(["--cache-dir", "/a", "--cache-dir=/b", "."]) == "/b"
    assert replay.cache_dir_of(["--cache-dir", "/a", "."]) == "/a"
    assert replay.cache_dir_of(["."]) == "/env"


# --- runs that are never recorded (in process: the recorder's own refusals) ------------------------------------

def _recorder(repo: Path, cache: Path, started_ns: int):
    """build(scanned=None, **facts): the record's manifest of a scan of `repo` by a session started at
    `started_ns` (raises Refused)."""
    plan = replay.Plan(["--cache-dir", str(cache), str(repo)], started_ns)
    session = replay.Session(plan)
    session.before = replay.probes(str(repo))
    settings = Settings(cache_dir=str(cache), jobs=1)

    def build(scanned=None, **changes):
        facts = {"paths": [repo], "settings": settings, "inputs": [], "report": None, "progress_shown": False,
                 **changes}
        facts["scanned"] = scanned or facts.get("scanned") or scan([repo], facts["settings"])
        return replay_record.build(session, facts)

    return build, settings


@pytest.fixture
def recording(tmp_path):
    """A session about to record a scan of a fresh tree (its clock set after the racy window)."""
    repo = tmp_path / "repo"
    _write(repo, TREE)
    build, settings = _recorder(repo, tmp_path / "cache", time.time_ns() + replay.RACY_NS + 10**9)
    return build, repo, settings


def test_a_plain_scan_is_recorded_with_every_folder_it_listed(recording):
    build, repo, _settings = recording
    manifest = build()
    assert [folder for folder, _rows in manifest.entries if folder.startswith(str(repo))] == [
        str(repo), str(repo / "sub"), str(repo / "sub" / "deep")]  # not ignored/: .gitignore names it
    names = {name for _folder, rows in manifest.entries for name, _stamp in rows}
    assert {"train.py", "pyproject.toml", ".gitignore", "run.sh", "launch"} <= names and "x.py" not in names


def test_a_file_over_its_budget_keeps_the_run_from_being_recorded(recording, monkeypatch):
    build, repo, settings = recording
    _write(repo, {"bad.py": "import torch\nx = torch.bfloat16\n"})
    _hostile_extractor(monkeypatch, _crash)
    scanned = scan([repo], settings)
    assert scanned.stats.unsettled == 1
    with pytest.raises(replay_record.Refused, match="budget"):
        build(scanned)
    monkeypatch.undo()
    assert scan([repo], settings).stats.unsettled == 0


@pytest.mark.parametrize("change", ["plugins", "progress", "cache_dir", "no_cache", "two_paths", "file_path"])
def test_runs_the_record_could_not_stand_for_are_not_recorded(recording, monkeypatch, tmp_path, change):
    build, repo, settings = recording
    build()  # recorded as it is
    if change == "plugins":
        changes = {"scanned": scan([repo], settings)}
        monkeypatch.setattr(plugins, "_entry_points", lambda: ["a plug-in"])
    elif change == "progress":
        changes = {"progress_shown": True}
    elif change == "cache_dir":
        changes = {"settings": Settings(cache_dir=str(tmp_path / "other"), jobs=1)}
    elif change == "no_cache":
        changes = {"settings": Settings(cache_dir=settings.cache_dir, use_cache=False, jobs=1)}
    elif change == "two_paths":
        changes = {"paths": [repo, repo / "sub"]}
    else:
        changes = {"paths": [repo / "train.py"]}
    with pytest.raises(replay_record.Refused):
        build(**changes)


def test_a_cache_directory_inside_the_tree_is_never_recorded(tmp_path):
    repo = tmp_path / "repo"
    _write(repo, TREE)
    build, _settings = _recorder(repo, repo / "cache", time.time_ns() + replay.RACY_NS + 10**9)
    with pytest.raises(replay_record.Refused, match="inside the scanned tree"):
        build()


def test_a_path_changed_since_the_run_began_is_never_recorded(settled, tmp_path):
    repo = settled / "changed" / "repo"
    build, _settings = _recorder(repo, tmp_path / "cache", time.time_ns() - 10**8)  # began 0.1 s ago
    build()  # the settled tree is older than the racy window: recorded
    (repo / "sub" / "new.txt").write_text("a name discovery lists\n", encoding="utf-8")
    with pytest.raises(replay_record.Refused, match=r"sub changed too recently"):
        build()


def test_a_configuration_probe_that_changed_during_the_scan_is_never_recorded(recording):
    build, repo, _settings = recording
    (repo / "wac-lint.toml").write_text("[tool]\n", encoding="utf-8")  # after the probe taken before the scan
    with pytest.raises(replay_record.Refused, match="during the scan"):
        build()


# --- what replay.py mirrors without importing it ---------------------------------------------------------------

def test_what_the_replay_mirrors_matches_its_source():
    """replay.py must not import the scanner, so it mirrors a few of its facts: they must stay equal."""
    import click

    from whackachip_lint import cache, cli, config

    assert replay.CONFIG_NAMES == config.CONFIG_NAMES
    assert replay.RACY_NS == cache.RACY_NS and replay.SECRET_NAME == cache.SECRET_NAME
    assert replay.content_digest(b"some bytes") == cache.digest(b"some bytes")
    with click.Context(cli.main) as ctx:
        assert set(cli.main.list_commands(ctx)) - {"scan"} == replay.OTHER_COMMANDS


def test_a_reader_that_went_away_ends_a_replay_as_it_ends_a_scan(settled):
    """Standard output is a pipe nobody reads (`wac-lint . | head -0`): exit 1 and no traceback, as click does."""
    where = settled / "pipe"
    recorded_then_replayed(where, "--format", "json")
    script = ENTRY.format(first=str(Path(sys.executable).parent))
    runs = []
    for extra in ([], ["--no-cache"]):
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            done = subprocess.run([sys.executable, "-c", script, *extra, "--format", "json", "repo"], cwd=where,
                                  env=_environ(where), stdout=write_end, stderr=subprocess.PIPE, timeout=120,
                                  check=False)
        finally:
            os.close(write_end)
        runs.append((done.returncode, done.stderr.rpartition(b"\n@@")))
    (replayed, (head, _, how)), (scanned, (scanned_head, _, scanned_how)) = runs
    assert how.strip() == b"REPLAYED" and scanned_how.startswith(b"SCANNED")
    assert replayed == scanned == 1 and b"Traceback" not in head + scanned_head and b"Broken" not in head
