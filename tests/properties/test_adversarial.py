"""Bad input: the scan always completes, each bad file gets exactly one diagnostic naming it,
and good files beside the bad ones keep every finding.

The corpus is built by tests/corpus.py into temporary directories (nothing binary is
committed); see that module for the list and for what each entry must give.
"""

from __future__ import annotations

import builtins
import errno
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from whackachip_lint.config import Settings
from whackachip_lint.discover import printable_path
from whackachip_lint.scan import scan

from .. import corpus
from ..conftest import EXPECTED, REPOS, run_cli, run_cli_in, run_slow_tests, scan_json

ENTRIES = corpus.entries()
FAST_ENTRIES = corpus.entries(include_slow=False)  # the big-but-valid files are scanned once, in corpus_scan
PAPER_FIXTURE = "hunyuan_large"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture(scope="module")
def corpus_tree(tmp_path_factory, request):
    base = tmp_path_factory.mktemp("adversarial")
    root, outside = base / "tree", base / "outside"
    # The big-but-valid files (entries marked slow) cost most of the scan: built only when slow tests run.
    corpus.build(root, outside, ENTRIES if run_slow_tests(request.config) else FAST_ENTRIES)
    yield root
    _make_removable(base)


def _make_removable(base: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(base):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.chmod(path, 0o700)


@pytest.fixture(scope="module")
def corpus_scan(corpus_tree):
    return scan([corpus_tree], Settings())


def test_corpus_is_large_enough():
    kinds_of_trouble = {e.name.rsplit("-", 1)[0] if e.kind and e.name.endswith(f"-{e.kind}") else e.name
                        for e in ENTRIES}
    assert len(kinds_of_trouble) >= 30, sorted(kinds_of_trouble)


@pytest.mark.parametrize("entry", [pytest.param(e, marks=[pytest.mark.slow] if e.slow else [], id=e.name)
                                   for e in ENTRIES])
def test_entry_is_handled(entry, corpus_scan):
    assert not corpus.problems(entry, entry.path, corpus_scan.findings, corpus_scan.diagnostics)


def test_no_diagnostic_without_a_cause(corpus_scan):
    known = {e.path for e in ENTRIES}
    stray = [d for d in corpus_scan.diagnostics if d.path not in known]
    assert not stray


def test_no_file_reported_twice(corpus_scan):
    paths = [d.path for d in corpus_scan.diagnostics]
    assert len(paths) == len(set(paths))


def test_every_finding_points_inside_its_file(corpus_scan, corpus_tree):
    for finding in corpus_scan.findings:
        span = finding.span
        assert 1 <= span.line <= span.end_line, finding
        assert span.column >= 1 and span.end_column >= 1, finding


# --- the fixture repos, unchanged beside the corpus ---------------------------------------


def _fixture_rows(report: dict, prefix: str) -> list[list]:
    return sorted(
        [f["rule"], f["path"][len(prefix):], f["line"], f["state"]]
        for f in report["findings"]
        if f["path"].startswith(prefix)
    )


@pytest.fixture(scope="module")
def mixed_reports(tmp_path_factory):
    """The fixture repos scanned alone, and again with the whole corpus built in among them."""
    base = tmp_path_factory.mktemp("mixed")
    clean, mixed = base / "clean", base / "mixed"
    for tree in (clean, mixed):
        tree.mkdir()
        if REPOS.is_dir():
            for repo in sorted(p for p in REPOS.iterdir() if p.is_dir()):
                shutil.copytree(repo, tree / "repos" / repo.name, symlinks=True)
    corpus.build(mixed, base / "outside", FAST_ENTRIES)
    reports = {}
    for name, tree in (("clean", clean), ("mixed", mixed)):
        reports[name] = scan_json("--no-cache", ".", cwd=tree)
    yield reports
    _make_removable(base)


def test_good_files_keep_their_findings_beside_bad_ones(mixed_reports):
    clean, mixed = mixed_reports["clean"], mixed_reports["mixed"]
    assert _fixture_rows(mixed, "repos/") == _fixture_rows(clean, "repos/")
    full = lambda report: sorted(  # noqa: E731
        json.dumps(f, sort_keys=True) for f in report["findings"] if f["path"].startswith("repos/")
    )
    assert full(mixed) == full(clean)


def test_paper_fixture_unchanged_beside_every_kind_of_bad_input(tmp_path):
    """The paper fixture as the scan root, with the corpus built in among its files: its expected
    findings exactly, its expected diagnostics, plus one diagnostic per bad file."""
    root = tmp_path / PAPER_FIXTURE
    shutil.copytree(REPOS / PAPER_FIXTURE, root, symlinks=True)
    own = {str(p.relative_to(root).as_posix()) for p in root.rglob("*")}
    corpus.build(root, tmp_path / "outside", FAST_ENTRIES)
    report = scan_json("--no-cache", ".", cwd=root)
    expected = json.loads((EXPECTED / f"{PAPER_FIXTURE}.json").read_text())
    got = sorted([f["rule"], f["path"], f["line"], f["state"]] for f in report["findings"] if f["path"] in own)
    assert got == sorted(list(row) for row in expected["findings"])
    fixture_diags = [d for d in report["diagnostics"] if d["path"] in own]
    assert fixture_diags == expected.get("diagnostics", [])
    findings, diagnostics = _as_findings(report), _as_diagnostics(report)
    wrong = {e.name: p for e in FAST_ENTRIES if (p := corpus.problems(e, e.path, findings, diagnostics))}
    assert not wrong
    _make_removable(tmp_path)


def _as_diagnostics(report: dict):
    from whackachip_lint.evidence import Diagnostic

    return [Diagnostic(d["path"], d["message"]) for d in report["diagnostics"]]


def _as_findings(report: dict):
    from whackachip_lint.evidence import Finding, Level, Span, State

    return [
        Finding(f["rule"], f["name"], f["signal"], f["value"], State(f["state"]), Level(f["level"]), f["path"],
                Span(f["line"], f["column"], f["end_line"], f["end_column"]), f["snippet"], f["message"])
        for f in report["findings"]
    ]


def test_mixed_tree_has_one_diagnostic_per_bad_file_and_no_other(mixed_reports):
    clean, mixed = mixed_reports["clean"], mixed_reports["mixed"]
    new = [d for d in mixed["diagnostics"] if d not in clean["diagnostics"]]
    by_path: dict[str, int] = {}
    for d in new:
        by_path[d["path"]] = by_path.get(d["path"], 0) + 1
    assert all(n == 1 for n in by_path.values()), by_path
    bad = {e.path for e in FAST_ENTRIES if e.expect is corpus.Expect.DIAGNOSTIC
           or (e.expect is corpus.Expect.PARSE and e.kind in corpus.live_kinds())}
    tolerated = {e.path for e in FAST_ENTRIES if e.expect in (corpus.Expect.PARSE, corpus.Expect.LENIENT)}
    assert bad <= set(by_path), sorted(bad - set(by_path))
    assert set(by_path) <= bad | tolerated, sorted(set(by_path) - bad - tolerated)


# --- diagnostics in every output format -----------------------------------------------------


@pytest.fixture(scope="module")
def small_bad_tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("small") / "tree"
    (root / "sub").mkdir(parents=True)
    (root / "good.py").write_text("import torch\nx = torch.zeros(2, dtype=torch.bfloat16)\n")
    (root / "sub" / "latin1.py").write_bytes(b"# caf\xe9\n")
    (root / "sub" / "blob.sh").write_bytes(b"\x00\x01\x02")
    os.symlink("nowhere.json", root / "sub" / "gone.json")
    return root


SMALL_BAD = {
    "sub/latin1.py": "not valid UTF-8",
    "sub/blob.sh": "binary file",
    "sub/gone.json": "broken symbolic link",
}


def test_json_lists_each_bad_file_once(small_bad_tree):
    diagnostics = scan_json("--no-cache", ".", cwd=small_bad_tree, expect_exit=0)["diagnostics"]
    assert sorted(d["path"] for d in diagnostics) == sorted(SMALL_BAD)
    for d in diagnostics:
        assert SMALL_BAD[d["path"]] in d["message"]


def test_text_lists_each_bad_file_once(small_bad_tree):
    result = run_cli_in(small_bad_tree, "--format", "text", "--no-cache", "--no-color", ".")
    assert result.exit_code == 0, result.output  # good.py's bf16 is a note: nothing reaches the fail level
    for path, problem in SMALL_BAD.items():
        lines = [line for line in result.output.splitlines() if line.startswith(f"{path}:")]
        assert len(lines) == 1 and problem in lines[0], result.output
    assert "3 files not scanned" in result.output


def test_sarif_lists_each_bad_file_as_a_tool_execution_notification(small_bad_tree):
    result = run_cli_in(small_bad_tree, "--format", "sarif", "--no-cache", ".")
    assert result.exit_code == 0, result.output
    log = json.loads(result.output)
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    uris = sorted(
        loc["physicalLocation"]["artifactLocation"]["uri"] for note in notes for loc in note.get("locations", [])
    )
    assert uris == sorted(SMALL_BAD)
    for note in (n for n in notes if "locations" in n):  # the other is the verdict, a run-level note
        uri = note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert SMALL_BAD[uri] in note["message"]["text"]


# --- exit codes -------------------------------------------------------------------------------


def test_one_bad_file_among_good_ones_is_not_an_error(small_bad_tree):
    result = run_cli_in(small_bad_tree, "--no-cache", "--exit-zero", ".")
    assert result.exit_code == 0, result.output


def test_exit_2_when_nothing_could_be_scanned(tmp_path):
    (tmp_path / "a.py").write_bytes(b"\xff\xfe\xfa")
    (tmp_path / "b.sh").write_bytes(b"\x00")
    result = run_cli_in(tmp_path, "--no-cache", ".")
    assert result.exit_code == 2, result.output
    assert "a.py" in result.output and "b.sh" in result.output


def test_exit_2_for_a_single_unreadable_file_named_alone(tmp_path):
    bad = tmp_path / "only.py"
    bad.write_bytes(b"x = '\xe9'\n")
    result = run_cli("--no-cache", str(bad))
    assert result.exit_code == 2, result.output


def test_exit_2_for_usage_errors(tmp_path):
    assert run_cli(str(tmp_path / "missing")).exit_code == 2
    assert run_cli_in(tmp_path, "--select", "NOPE", ".").exit_code == 2


def test_empty_tree_is_not_an_error(tmp_path):
    assert run_cli_in(tmp_path, "--no-cache", ".").exit_code == 0


# --- the size cap -----------------------------------------------------------------------------


def test_size_cap_is_configurable(tmp_path):
    (tmp_path / "big.py").write_bytes(b"import torch\n" + b"# padding\n" * 1000)
    result = run_cli_in(tmp_path, "--format", "json", "--no-cache", "--max-file-size", "1000", ".")
    diagnostics = json.loads(result.output)["diagnostics"]
    assert [d["path"] for d in diagnostics] == ["big.py"]
    assert "over the 1,000-byte limit" in diagnostics[0]["message"]
    assert "--max-file-size" in diagnostics[0]["message"]
    result = run_cli_in(tmp_path, "--format", "json", "--no-cache", "--max-file-size", "100000", ".")
    assert json.loads(result.output)["diagnostics"] == []


def test_file_growing_past_the_cap_after_the_size_check(tmp_path, monkeypatch):
    path = tmp_path / "grows.py"
    path.write_bytes(b"x = 1\n")
    real_fstat = os.fstat

    def lying_fstat(fd):  # report the old, small size; the read then finds more
        st = real_fstat(fd)
        if stat.S_ISREG(st.st_mode) and st.st_size > 6:
            return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 6,
                                   st.st_atime, st.st_mtime, st.st_ctime))
        return st

    path.write_bytes(b"x = 1\n" * 100)
    monkeypatch.setattr(os, "fstat", lying_fstat)
    result = scan([tmp_path], Settings(max_file_bytes=100))
    assert [d.path for d in result.diagnostics] == ["grows.py"]
    assert "over the 100-byte limit" in result.diagnostics[0].message


# --- unreadable files and directories ---------------------------------------------------------


def test_unreadable_file_without_chmod(tmp_path, monkeypatch):
    """Root reads everything, so simulate the refusal at the system call."""
    (tmp_path / "secret.py").write_text("import torch\n")
    (tmp_path / "fine.py").write_text("import torch\n")
    real_open = os.open

    def refusing_open(path, flags, *args, **kwargs):
        if os.fspath(path).endswith("secret.py"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    result = scan([tmp_path], Settings())
    assert [(d.path, d.message) for d in result.diagnostics] == [("secret.py", "cannot read: Permission denied")]
    assert result.files == ["fine.py", "secret.py"]


def test_unreadable_directory_without_chmod(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.py").write_text("import torch\n")
    (tmp_path / "open.py").write_text("import torch\n")
    real_scandir = os.scandir

    def refusing_scandir(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing_scandir)
    result = scan([tmp_path], Settings())
    assert [(d.path, d.message) for d in result.diagnostics] == [
        ("locked", "cannot read directory: Permission denied")
    ]
    assert result.files == ["open.py"]


def test_unreadable_script_without_suffix_without_chmod(tmp_path, monkeypatch):
    (tmp_path / "launch").write_text("#!/bin/bash\nexport NCCL_DEBUG=INFO\n")
    real_open = builtins.open

    def refusing_open(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and os.fspath(file).endswith("launch"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refusing_open)
    result = scan([tmp_path], Settings())
    assert [(d.path, d.message) for d in result.diagnostics] == [
        ("launch", "cannot read (to tell its kind): Permission denied")
    ]


@pytest.mark.skipif(IS_ROOT, reason="running as root: chmod 000 does not stop root reading (simulated above)")
def test_unreadable_file_and_directory_with_chmod(tmp_path):
    (tmp_path / "secret.py").write_text("import torch\n")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.py").write_text("import torch\n")
    os.chmod(tmp_path / "secret.py", 0)
    os.chmod(tmp_path / "locked", 0)
    try:
        result = scan([tmp_path], Settings())
    finally:
        os.chmod(tmp_path / "secret.py", 0o600)
        os.chmod(tmp_path / "locked", 0o700)
    assert sorted(d.path for d in result.diagnostics) == ["locked", "secret.py"]


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("plain.py", "plain.py"),
        ("with space.py", "with space.py"),
        ("new\nline.py", "new\\nline.py"),
        ("tab\t.py", "tab\\t.py"),
        ("caf\udce9.py", "caf\\xe9.py"),
        ("back\\slash.py", "back\\\\slash.py"),
        ("\x1b[2J.py", "\\x1b[2J.py"),
        ("rtl\u202eyp.exe.py", "rtl\\u202eyp.exe.py"),
        ("模型.py", "模型.py"),
    ],
)
def test_printable_path(name, shown):
    assert printable_path(name) == shown
    assert "\n" not in shown
    shown.encode("utf-8")  # always encodable: no lone surrogates


def test_odd_names_give_valid_one_line_output(tmp_path):
    for raw in (b"new\nline.py", b"caf\xe9.py", b"\x1b[31mred.sh"):
        with open(os.path.join(os.fsencode(tmp_path), raw), "wb") as handle:
            handle.write(b"\xff not utf-8\n")
    result = run_cli_in(tmp_path, "--format", "json", "--no-cache", ".")
    paths = sorted(d["path"] for d in json.loads(result.output)["diagnostics"])
    assert paths == ["\\x1b[31mred.sh", "caf\\xe9.py", "new\\nline.py"]
    text = run_cli_in(tmp_path, "--no-cache", "--no-color", ".").output
    assert "\x1b" not in text
    assert sum(1 for line in text.splitlines() if ": warning: " in line) == 3


# --- a directory with 100,000 empty files -----------------------------------------------------


@pytest.fixture(scope="session")
def hundred_thousand_files(tmp_path_factory):
    # On tmpfs (/dev/shm) creating them takes half a second instead of several.
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        import tempfile

        root = Path(tempfile.mkdtemp(prefix="wac-lint-many-", dir=shm))
    else:
        root = tmp_path_factory.mktemp("many")
    for i in range(100_000):
        os.close(os.open(root / f"m{i:06d}.py", os.O_CREAT | os.O_WRONLY, 0o644))
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.slow
def test_directory_with_100000_empty_files(hundred_thousand_files):
    result = scan([hundred_thousand_files], Settings(use_cache=False, jobs=1))  # the pool is tested elsewhere
    assert result.files_scanned == 100_000
    assert result.diagnostics == []
    assert result.findings == []


def test_directory_link_inside_the_root_is_not_walked_twice(tmp_path):
    """A link to a directory inside the root: the directory is scanned once, under its own name, silently."""
    (tmp_path / "z_real").mkdir()
    (tmp_path / "z_real" / "bad.py").write_bytes(b"\xff\n")
    os.symlink("z_real", tmp_path / "a_link")
    os.symlink(str(tmp_path / "z_real"), tmp_path / "b_absolute_link")
    result = scan([tmp_path], Settings())
    assert result.files == ["z_real/bad.py"]
    assert [d.path for d in result.diagnostics] == ["z_real/bad.py"]


def test_file_link_inside_the_root_is_scanned_under_its_own_name(tmp_path):
    """A file link keeps its name (its kind may come from it: config.json -> ds_config.txt)."""
    (tmp_path / "ds_config.txt").write_text('{"bf16": {"enabled": true}}\n')
    os.symlink("ds_config.txt", tmp_path / "config.json")
    result = scan([tmp_path], Settings())
    assert "config.json" in result.files  # (ds_config.txt too, once .txt files are read as text)
    assert result.diagnostics == []


def test_named_pipe_is_never_opened(tmp_path):
    """Opening a FIFO for reading blocks until a writer comes: discovery must refuse it by type."""
    os.mkfifo(tmp_path / "train.py")
    os.mkfifo(tmp_path / "notes.unknown")  # a name we would not scan anyway: no diagnostic
    result = scan([tmp_path], Settings())
    assert [(d.path, d.message) for d in result.diagnostics] == [
        ("train.py", "a named pipe, not a regular file; not read")
    ]
    result = scan([tmp_path / "train.py"], Settings(), root=tmp_path)
    assert [(d.path, d.message) for d in result.diagnostics] == [
        ("train.py", "a named pipe, not a regular file; not read")
    ]
