"""The result cache: a warm rescan reads only what changed, gives the same results, and never trusts a bad entry."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import time
from pathlib import Path

import pytest

from whackachip_lint import cache as cache_module
from whackachip_lint import one_file
from whackachip_lint.cache import ResultCache, Stamp, decode_result, encode_result
from whackachip_lint.config import Settings
from whackachip_lint.evidence import Diagnostic, Finding, Level, Span, State
from whackachip_lint.results import FileResult
from whackachip_lint.scan import scan
from whackachip_lint.suppress import Directive

from .perf_fakes import fake_python, write_tree  # noqa: F401  (fixture)

PAST = 1_600_000_000  # a settled mtime (2020): size + mtime alone may be trusted


def settle(paths, when: int = PAST) -> None:
    for path in paths:
        os.utime(path, (when, when))


def view(result):
    return [f.to_dict() for f in result.findings], [d.to_dict() for d in result.diagnostics]


class _Reads:
    """Paths read for scanning, by this process or its workers (forked: they append to a file, not a list)."""

    def __init__(self, log: Path) -> None:
        self.log = log
        log.write_text("")

    def append(self, relpath: str) -> None:
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(relpath + "\n")

    def clear(self) -> None:
        self.log.write_text("")

    def _paths(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()

    def __eq__(self, other) -> bool:
        return self._paths() == other

    def __len__(self) -> int:
        return len(self._paths())

    def __repr__(self) -> str:
        return repr(self._paths())


@pytest.fixture
def reads(monkeypatch, tmp_path_factory):
    seen = _Reads(tmp_path_factory.mktemp("reads") / "log")
    real = one_file.read_source

    def counting(candidate, settings):
        seen.append(candidate.relpath)
        return real(candidate, settings)

    monkeypatch.setattr(one_file, "read_source", counting)
    return seen


def settings(tmp_path: Path, **changes) -> Settings:
    return Settings(**{"cache_dir": str(tmp_path / "cache"), "jobs": 1, **changes})


def test_results_survive_a_round_trip_through_json():
    finding = Finding(
        rule="WAC101", name="bf16-precision", signal="precision.bf16", value="bfloat16", state=State.CONDITIONAL,
        level=Level.WARNING, path="a/b.py", span=Span(3, 5, 4, 9), snippet="x = t.bfloat16", message="m.",
        properties={"flag": "--bf16", "count": 2, "on": True}, suppressed=True,
    )
    directive = Directive(7, 3, "disable", ("WAC3", "WAC101"), (8,), used={"WAC101"})
    result = FileResult("a/b.py", [finding], [Diagnostic("a/b.py", "syntax error")], [directive])
    payload = json.loads(json.dumps(encode_result(result)))
    assert decode_result("a/b.py", payload) == result


def test_the_cache_knows_every_field_of_a_file_result():
    """If FileResult grows a field, teach cache.py to store it (until then the cache is off)."""
    assert cache_module.cacheable(), [f.name for f in dataclasses.fields(FileResult)]


def test_warm_rescan_reads_only_the_changed_file(tmp_path, fake_python, reads):
    tree = tmp_path / "repo"
    paths = write_tree(tree, 12)
    settle(paths)
    cold = scan([tree], settings(tmp_path))
    assert len(reads) == 12 and cold.stats.parsed == 12 and cold.findings

    reads.clear()
    warm = scan([tree], settings(tmp_path))
    assert reads == [] and warm.stats.from_cache == 12
    assert view(warm) == view(cold)

    changed = paths[1]
    changed.write_text(changed.read_text() + "y = torch.bfloat16\n", encoding="utf-8")
    settle([changed], PAST + 60)
    reads.clear()
    again = scan([tree], settings(tmp_path))
    assert reads == [changed.relative_to(tree).as_posix()]
    assert again.stats.from_cache == 11 and again.stats.parsed == 1
    assert view(again) == view(scan([tree], settings(tmp_path, use_cache=False)))
    assert len(again.findings) == len(cold.findings) + 1


def test_a_touched_file_is_checked_by_content_and_not_rescanned(tmp_path, fake_python, reads):
    tree = tmp_path / "repo"
    paths = write_tree(tree, 3)
    settle(paths)
    first = scan([tree], settings(tmp_path))
    settle(paths[:1], PAST + 3600)  # a checkout or `touch`: new mtime, same bytes
    reads.clear()
    second = scan([tree], settings(tmp_path))
    assert reads == [] and second.stats.from_cache == 3
    assert view(second) == view(first)


def test_a_same_size_edit_within_the_same_tick_is_caught(tmp_path, fake_python):
    """An entry written right after its file changed is 'racy': its digest is checked, not just size and mtime."""
    tree = tmp_path / "repo"
    tree.mkdir()
    path = tree / "m.py"
    path.write_text("import torch\nx = torch.bfloat16\n", encoding="utf-8")
    stamp = os.stat(path).st_mtime_ns
    first = scan([tree], settings(tmp_path))
    assert [f.rule for f in first.findings] == ["WAC101"]
    path.write_text("import torch\nx = torch.float16\n\n", encoding="utf-8")  # same size, no bf16
    assert os.stat(path).st_size == len("import torch\nx = torch.bfloat16\n")
    os.utime(path, ns=(stamp, stamp))
    second = scan([tree], settings(tmp_path))
    assert second.findings == []


def read_cache_file(path: Path) -> tuple[dict, dict]:
    head, _, body = path.read_bytes().partition(b"\n")
    return json.loads(head), json.loads(body)


def write_cache_file(path: Path, header: dict, entries: dict) -> None:
    """Rewrite a cache file as the user's own runs would (signed with the user's secret)."""
    import hashlib

    from whackachip_lint.cache import user_secret

    body = json.dumps(entries).encode()
    header = {**header, "mac": hashlib.blake2b(body, key=user_secret(path.parent.parent), digest_size=16).hexdigest()}
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)


def test_a_corrupt_cache_file_is_ignored_and_replaced(tmp_path, fake_python):
    tree = tmp_path / "repo"
    settle(write_tree(tree, 4))
    cold = scan([tree], settings(tmp_path))
    files = list((tmp_path / "cache").rglob("*.json"))
    assert len(files) == 1
    files[0].write_bytes(b"\x00{not json")
    again = scan([tree], settings(tmp_path))
    assert view(again) == view(cold) and again.stats.parsed == 4
    assert read_cache_file(files[0])[1]


@pytest.mark.parametrize(
    "entry",
    [None, [], ["x"], [1, 2, 3, "d", {}], "text", [0, 0, 0, "d", {"findings": [{"rule": 1}]}]],
)
def test_a_malformed_entry_is_a_miss_not_an_error(tmp_path, fake_python, entry):
    tree = tmp_path / "repo"
    paths = write_tree(tree, 3)
    settle(paths)
    cold = scan([tree], settings(tmp_path))
    (path,) = list((tmp_path / "cache").rglob("*.json"))
    header, entries = read_cache_file(path)
    relpath = sorted(entries)[0]
    size = os.stat(tree / relpath).st_size
    if isinstance(entry, list) and len(entry) == 5:
        entry = [size, PAST * 10**9, 0, entry[3], entry[4], -1, -1]
    entries[relpath] = entry
    write_cache_file(path, header, entries)
    again = scan([tree], settings(tmp_path))
    assert view(again) == view(cold)
    assert again.stats.from_cache == 2


def test_settings_that_change_results_use_another_cache(tmp_path, fake_python):
    tree = tmp_path / "repo"
    settle(write_tree(tree, 6))
    full = scan([tree], settings(tmp_path))
    narrow = scan([tree], settings(tmp_path, select=["WAC102"]))
    assert narrow.stats.from_cache == 0
    assert {f.rule for f in narrow.findings} == {"WAC102"} != {f.rule for f in full.findings}
    # ...while settings that only change how the scan runs share it.
    assert scan([tree], settings(tmp_path, jobs=2, output_format="json")).stats.from_cache == 6


def test_no_cache_neither_reads_nor_writes(tmp_path, fake_python):
    tree = tmp_path / "repo"
    settle(write_tree(tree, 3))
    scan([tree], settings(tmp_path, use_cache=False))
    assert not (tmp_path / "cache").exists()


def test_cli_cache_dir_and_no_cache(tmp_path, fake_python, cli):
    tree = tmp_path / "repo"
    settle(write_tree(tree, 3))
    cache_dir = tmp_path / "cli-cache"
    assert cli("--no-cache", "--cache-dir", str(cache_dir), str(tree)).exit_code == 0  # notes only
    assert not cache_dir.exists()
    assert cli("--cache-dir", str(cache_dir), str(tree)).exit_code == 0  # notes only
    assert list(cache_dir.rglob("*.json")) and (cache_dir / "CACHEDIR.TAG").is_file()


def test_default_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WAC_LINT_CACHE_DIR", str(tmp_path / "explicit"))
    assert cache_module.default_cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("WAC_LINT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_module.default_cache_dir() == tmp_path / "xdg" / "wac-lint"


def test_concurrent_runs_merge_their_entries(tmp_path):
    """Two runs that loaded the same cache and saved one after the other both keep their work."""
    path = tmp_path / "cache.json"
    first, second = ResultCache(path, "k"), ResultCache(path, "k")
    payload = encode_result(FileResult("a.py"))
    first.store("a.py", Stamp(1, 1, "d1"), payload)
    second.store("b.py", Stamp(2, 2, "d2"), payload)
    first.save()
    second.save()
    assert set(ResultCache(path, "k").entries) == {"a.py", "b.py"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_content_digest_is_the_digest_the_cache_holds_for_a_file(tmp_path):
    """The warm path's store (paths/stored.py) keys on these digests: a stored file's, a loaded file's, or None."""
    path = tmp_path / "cache.json"
    writer = ResultCache(path, "k")
    payload = encode_result(FileResult("a.py"))
    writer.store("a.py", Stamp(1, 1, "d-new"), payload)
    assert writer.content_digest("a.py") == "d-new"  # stored in this run
    assert writer.content_digest("b.py") is None
    writer.save()
    reader = ResultCache(path, "k")
    assert reader.content_digest("a.py") == "d-new"  # loaded from the file
    reader.store("a.py", Stamp(1, 2, "d-newer"), payload)
    assert reader.content_digest("a.py") == "d-newer"  # this run's entry wins over the loaded one
    reader.new.clear()
    for malformed in ([1, 2, 3], [1, 2, 3, 4], [1, 2, 3, None, {}], {"digest": "d"}, None):
        reader.entries["a.py"] = malformed
        assert reader.content_digest("a.py") is None, malformed
    reader.entries["a.py"] = [1, 2, 3, "d-loaded", {}]
    assert reader.content_digest("a.py") == "d-loaded"
    reader.entries["a.py"] = [1, 2, 3, "d-four"]  # the digest is the fourth item: four items are enough
    assert reader.content_digest("a.py") == "d-four"


def test_a_cache_written_for_another_key_is_not_read(tmp_path):
    path = tmp_path / "cache.json"
    writer = ResultCache(path, "one")
    writer.store("a.py", Stamp(1, 1, "d"), encode_result(FileResult("a.py")))
    writer.save()
    assert ResultCache(path, "two").entries == {}


def test_an_unwritable_cache_dir_does_not_fail_the_scan(tmp_path, fake_python):
    tree = tmp_path / "repo"
    settle(write_tree(tree, 2))
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = scan([tree], Settings(cache_dir=str(blocker / "cache"), jobs=1))
    assert result.stats.parsed == 2 and result.findings


def test_written_entries_record_when_they_were_written(tmp_path):
    path = tmp_path / "cache.json"
    cache = ResultCache(path, "k")
    before = time.time_ns()
    cache.store("a.py", Stamp(1, 1, "d"), encode_result(FileResult("a.py")))
    assert cache.new["a.py"][2] >= before


def test_the_cache_key_holds_every_setting_that_can_change_a_result():
    key = cache_module.settings_key(Settings(select=["WAC1"], include_docs=False, max_file_bytes=10))
    assert key["select"] == ["WAC1"] and key["include_docs"] is False and key["max_file_bytes"] == 10
    assert not set(key) & cache_module.NOT_IN_KEY
    fields = {f.name for f in dataclasses.fields(Settings)}
    assert set(key) == fields - cache_module.NOT_IN_KEY  # a new setting is in the key unless declared harmless


def test_the_code_fingerprint_is_stable_and_names_the_version(monkeypatch):
    first = cache_module.code_fingerprint()
    assert first == cache_module.code_fingerprint()
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    assert cache_module.code_fingerprint() != first


def test_a_same_size_edit_with_a_new_mtime_is_rescanned(tmp_path, fake_python, reads):
    """A settled entry trusts size and mtime together: a same-size edit (fp16 -> bf16, a checkout) moves the mtime."""
    tree = tmp_path / "repo"
    tree.mkdir()
    path = tree / "m.py"
    path.write_text("import torch\nx = torch.float16\n\n", encoding="utf-8")
    settle([path])
    assert scan([tree], settings(tmp_path)).findings == []
    path.write_text("import torch\nx = torch.bfloat16\n", encoding="utf-8")  # same size
    settle([path], PAST + 3600)  # long after the entry was written: not racy
    reads.clear()
    second = scan([tree], settings(tmp_path))
    assert reads == ["m.py"]
    assert [f.rule for f in second.findings] == ["WAC101"]


@pytest.mark.parametrize("changed", ["data/catalog.json", "data/export_rules.json", "extract/gpu_names.json", "scan.py"])
def test_the_code_fingerprint_follows_every_code_and_data_file(monkeypatch, changed):
    """Editing a data table changes results as surely as editing code: either must invalidate the cache."""
    first = cache_module.code_fingerprint()
    real_stat = os.stat
    target = os.path.join(os.path.dirname(cache_module.__file__), *changed.split("/"))
    assert os.path.isfile(target)

    def edited(path, *args, **kwargs):
        st = real_stat(path, *args, **kwargs)
        if os.fspath(path) == target:
            return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid,
                                   st.st_size + 1, st.st_atime, st.st_mtime, st.st_ctime))
        return st

    monkeypatch.setattr(cache_module.os, "stat", edited)
    assert cache_module.code_fingerprint() != first


class _FakeDist:
    name, version = "wac-lint-fake-plugin", "1.0"


class _FakeEntryPoint:
    def __init__(self, name: str, value: str, dist=_FakeDist()):
        self.name, self.value, self.dist = name, value, dist


def test_the_code_fingerprint_follows_installed_plugins(monkeypatch, tmp_path):
    """Plugins add rules, extractors and words: installing, upgrading, editing or removing one invalidates the cache
    (the plugin is located, never imported)."""
    from whackachip_lint import plugins

    module = tmp_path / "wac_fake_plugin_for_cache.py"
    module.write_text("raise RuntimeError('never imported')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(plugins, "_entry_points", lambda: [])
    none = cache_module.code_fingerprint()
    point = _FakeEntryPoint("fake", "wac_fake_plugin_for_cache:plugin")
    monkeypatch.setattr(plugins, "_entry_points", lambda: [point])
    installed = cache_module.code_fingerprint()
    assert installed != none
    assert cache_module.code_fingerprint() == installed  # stable while nothing changes
    module.write_text("raise RuntimeError('never imported, edited')\n")
    edited = cache_module.code_fingerprint()
    assert edited not in (none, installed)

    class Upgraded(_FakeDist):
        version = "2.0"

    monkeypatch.setattr(plugins, "_entry_points", lambda: [_FakeEntryPoint("fake", point.value, Upgraded())])
    assert cache_module.code_fingerprint() not in (none, installed, edited)
    monkeypatch.setattr(plugins, "_entry_points", lambda: [])
    assert cache_module.code_fingerprint() == none


def test_a_plugin_in_a_package_is_located_without_running_the_package(monkeypatch, tmp_path):
    from whackachip_lint import plugins

    package = tmp_path / "wac_fake_plugin_package"
    package.mkdir()
    (package / "__init__.py").write_text("raise RuntimeError('never imported')\n")
    module = package / "rules.py"
    module.write_text("raise RuntimeError('never imported either')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(plugins, "_entry_points", lambda: [_FakeEntryPoint("fake", "wac_fake_plugin_package.rules:p")])
    first = plugins.fingerprint()
    assert "wac_fake_plugin_package" not in sys.modules
    module.write_text("raise RuntimeError('never imported, edited')\n")
    assert plugins.fingerprint() != first  # the submodule's own file is stamped
    monkeypatch.setattr(plugins, "_entry_points", lambda: [_FakeEntryPoint("fake", "wac_fake_plugin_package.gone:p")])
    assert plugins.fingerprint().endswith("\0-")  # a module that is not there: no stamp, no error


# --- one entry's decision, field by field (mutation testing: docs/testing.md) --------------------------------------

RACY = cache_module.RACY_NS


def _stamped(tmp_path: Path):
    path = tmp_path / "a.py"
    path.write_text("import torch\nx = torch.float16\n", encoding="utf-8")
    settle([path])
    from whackachip_lint.discover import Candidate

    return Candidate(path, "a.py", "python"), os.stat(path)


PAYLOAD = encode_result(FileResult("a.py", diagnostics=[Diagnostic("a.py", "cached")]))


def _lookup(tmp_path, changes: dict, right_digest: bool):
    """Look `a.py` up in a cache whose entry differs from the file's stamp by `changes`; the entry's digest is the
    file's own (`right_digest`) or another, so a miss shows that the content was checked."""
    candidate, st = _stamped(tmp_path)
    fields = {"size": st.st_size, "mtime": st.st_mtime_ns, "written": st.st_mtime_ns + RACY + 1,
              "digest": cache_module.digest(candidate.path.read_bytes()) if right_digest else "0" * 32,
              "ino": st.st_ino, "ctime": st.st_ctime_ns}
    fields.update({k: fields[k] + v for k, v in changes.items()})
    cache = ResultCache(tmp_path / "cache.json", "k")
    cache.entries["a.py"] = [fields["size"], fields["mtime"], fields["written"], fields["digest"], PAYLOAD,
                             fields["ino"], fields["ctime"]]
    return cache, cache.lookup(candidate)


@pytest.mark.parametrize(("changes", "trusted"), [
    ({}, True),  # size, mtime, inode and change time as recorded, written well after the mtime: trusted as is
    ({"mtime": -1}, False),  # another mtime: the content decides
    ({"ino": 1}, False),  # another file at that path (a rename, a restore): the content decides
    ({"ctime": 1}, False),
    ({"written": -1}, False),  # written exactly RACY_NS after the mtime: racy, the content decides
    ({"written": -RACY}, False),
], ids=["same", "mtime", "inode", "ctime", "racy-boundary", "racy"])
def test_which_entries_are_trusted_without_reading_the_file(tmp_path, changes, trusted):
    _, found = _lookup(tmp_path, changes, right_digest=False)
    assert (found is not None) is trusted
    _, found = _lookup(tmp_path, changes, right_digest=True)  # the same content always hits
    assert found == decode_result("a.py", PAYLOAD) and found.relpath == "a.py"


def test_another_size_is_a_miss_whatever_the_digest(tmp_path):
    assert _lookup(tmp_path, {"size": 1}, right_digest=True)[1] is None


@pytest.mark.parametrize(("now", "stored"), [(RACY + 1, True), (RACY, False)], ids=["settled", "still-racy"])
def test_a_checked_entry_is_stamped_again_once_settled(tmp_path, monkeypatch, now, stored):
    """An entry checked by its content is stored again with the file's current stamp, so the next run trusts the
    stamp; not while the mtime is still within the racy window of now."""
    clock = PAST * 10**9 + now  # `_stamped` settles the file at PAST
    monkeypatch.setattr(cache_module, "time", type("Clock", (), {"time_ns": staticmethod(lambda: clock)}))
    cache, found = _lookup(tmp_path, {"mtime": -1}, right_digest=True)
    assert found is not None
    path = tmp_path / "a.py"
    st = os.stat(path)
    expected = [st.st_size, st.st_mtime_ns, clock, cache_module.digest(path.read_bytes()), PAYLOAD, st.st_ino,
                st.st_ctime_ns]
    assert cache.new == ({"a.py": expected} if stored else {})


def test_digests_and_keys_are_32_hex_digits(tmp_path):
    assert len(cache_module.digest(b"x")) == 32 and cache_module.digest(b"x") != cache_module.digest(b"y")
    assert len(cache_module.code_fingerprint()) == 32
    cache = ResultCache.open(tmp_path / "repo", settings(tmp_path))
    assert len(cache.key) == 32 and cache.path == tmp_path / "cache" / f"v{cache_module.SCHEMA}" / f"{cache.key}.json"


def test_the_default_cache_dir_without_any_variable_is_under_home(monkeypatch, tmp_path):
    monkeypatch.delenv("WAC_LINT_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_module.default_cache_dir() == tmp_path / ".cache" / "wac-lint"


def test_open_uses_the_default_dir_and_never_a_dir_in_the_scanned_tree(monkeypatch, tmp_path):
    monkeypatch.setenv("WAC_LINT_CACHE_DIR", str(tmp_path / "env"))
    opened = ResultCache.open(tmp_path / "repo", Settings())
    assert opened is not None and opened.path.parent.parent == tmp_path / "env"
    assert ResultCache.open(tmp_path / "repo", Settings(use_cache=False, cache_dir=str(tmp_path / "c"))) is None
    assert ResultCache.open(tmp_path / "repo", settings(tmp_path / "repo")) is None  # inside the scanned tree
    assert ResultCache.open(tmp_path / "repo", Settings(cache_dir=str(tmp_path / "repo"))) is None  # the tree itself


@pytest.mark.parametrize(("outer", "inner", "encloses"), [
    ("/a", "/a", True), ("/a", "/a/b", True), ("/a", "/ab", False), ("/a/b", "/a", False), ("/", "/x", True),
])
def test_encloses(outer, inner, encloses):
    assert cache_module._encloses(outer, inner) is encloses


def test_save_writes_a_private_signed_file_and_marks_the_cache_dir(tmp_path):
    path = tmp_path / "deep" / "cache" / "v3" / "k.json"  # parents that do not exist yet
    cache = ResultCache(path, "k", b"s" * 32)
    cache.store("a.py", Stamp(1, 2, "d"), PAYLOAD)
    cache.save()
    assert cache.new == {} and (path.stat().st_mode & 0o777) == 0o600
    header = json.loads(path.read_bytes().partition(b"\n")[0])
    assert header["tool"] == cache_module.__version__ and header["key"] == "k"
    assert (tmp_path / "deep" / "cache" / ".gitignore").read_text() == "# Created by wac-lint; safe to delete.\n*\n"
    assert (tmp_path / "deep" / "cache" / "CACHEDIR.TAG").read_text() == (
        "Signature: 8a477f597d28d172789f06886806bc55\n# wac-lint result cache\n")
    cache.store("b.py", Stamp(1, 2, "d"), PAYLOAD)  # the cache stays usable after a save
    cache.save()
    assert set(ResultCache(path, "k", b"s" * 32).entries) == {"a.py", "b.py"}


def test_a_cache_file_reached_through_a_link_is_not_read(tmp_path):
    real = tmp_path / "real.json"
    writer = ResultCache(real, "k")
    writer.store("a.py", Stamp(1, 2, "d"), PAYLOAD)
    writer.save()
    assert ResultCache(real, "k").entries
    (tmp_path / "link.json").symlink_to(real)
    assert ResultCache(tmp_path / "link.json", "k").entries == {}


@pytest.mark.parametrize("text", ['[1]\n{}', '{"schema": 3}\n{}', "\n{}", '"x"\n{}'])
def test_a_cache_file_with_a_header_that_is_not_ours_is_empty(tmp_path, text):
    path = tmp_path / "c.json"
    path.write_text(text)
    assert ResultCache(path, "k").entries == {}


def test_a_signed_cache_file_that_holds_no_table_is_empty(tmp_path):
    path = tmp_path / "c.json"
    cache = ResultCache(path, "k", b"s" * 32)
    body = "[1, 2]"
    header = json.dumps({"schema": cache_module.SCHEMA, "key": "k", "mac": cache._mac(body.encode())})
    path.write_text(header + "\n" + body)
    assert cache._load() == {}


def test_facts_survive_a_round_trip(tmp_path):
    result = FileResult("a.py", facts={"imports": ["torch"]})
    assert decode_result("a.py", json.loads(json.dumps(encode_result(result)))).facts == {"imports": ["torch"]}
    assert decode_result("a.py", {**encode_result(result), "facts": ["not", "a", "table"]}).facts == {}


def test_the_user_secret_is_private_stable_and_refused_when_not_ours(tmp_path):
    directory = tmp_path / "a" / "b"  # parents made as needed
    secret = cache_module.user_secret(directory)
    assert secret is not None and len(secret) == 32 and cache_module.user_secret(directory) == secret
    assert (directory.stat().st_mode & 0o777) == 0o700
    assert ((directory / cache_module.SECRET_NAME).stat().st_mode & 0o777) == 0o600
    other = tmp_path / "other"
    other.mkdir()
    (other / cache_module.SECRET_NAME).symlink_to(directory / cache_module.SECRET_NAME)
    assert cache_module.user_secret(other) is None  # a link: not read
    short = tmp_path / "short"
    short.mkdir()
    (short / cache_module.SECRET_NAME).write_text("ab" * 31)
    assert cache_module.user_secret(short) is None  # not 32 bytes


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to give a file to another user")
def test_a_user_secret_owned_by_another_user_is_refused(tmp_path):
    assert cache_module.user_secret(tmp_path) is not None
    os.chown(tmp_path / cache_module.SECRET_NAME, 12345, -1)
    assert cache_module.user_secret(tmp_path) is None


def _fake_package(tmp_path: Path) -> Path:
    package = tmp_path / "pkg"
    for name in ("cache.py", "data/table.json", "conf.toml", "notes.txt", "__pycache__/cache.py", "sub/mod.py"):
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text("x")
    settle([p for p in package.rglob("*") if p.is_file()])
    return package


@pytest.mark.parametrize(("edited", "counts"), [
    ("cache.py", True), ("data/table.json", True), ("conf.toml", True), ("sub/mod.py", True),
    ("notes.txt", False), ("__pycache__/cache.py", False),
])
def test_which_files_of_the_package_the_fingerprint_follows(monkeypatch, tmp_path, edited, counts):
    package = _fake_package(tmp_path)
    monkeypatch.setattr(cache_module, "__file__", str(package / "cache.py"))
    monkeypatch.setattr(cache_module, "parser_modules", lambda: ())
    before = cache_module.code_fingerprint()
    (package / edited).write_text("xy")
    settle([package / edited])
    assert (cache_module.code_fingerprint() != before) is counts


def test_the_fingerprint_names_files_by_their_place_in_the_package_wherever_it_runs(monkeypatch, tmp_path):
    package = _fake_package(tmp_path)
    monkeypatch.setattr(cache_module, "__file__", str(package / "cache.py"))
    monkeypatch.setattr(cache_module, "parser_modules", lambda: ())
    before = cache_module.code_fingerprint()
    monkeypatch.chdir(package / "sub")
    assert cache_module.code_fingerprint() == before  # not relative to the current directory
    (package / "sub" / "mod.py").rename(package / "data" / "mod.py")
    assert cache_module.code_fingerprint() != before  # a file that moved is another file


def test_the_fingerprint_follows_the_parser_libraries(monkeypatch, tmp_path):
    package = _fake_package(tmp_path)
    monkeypatch.setattr(cache_module, "__file__", str(package / "cache.py"))
    library = tmp_path / "lib"
    library.mkdir()
    (library / "fake_parser_lib.py").write_text("x = 1\n")
    settle([library / "fake_parser_lib.py"])
    monkeypatch.syspath_prepend(str(library))
    monkeypatch.setattr(cache_module, "parser_modules", lambda: ("fake_parser_lib", "no_such_parser_lib"))
    installed = cache_module.code_fingerprint()
    (library / "fake_parser_lib.py").write_text("x = 12\n")  # an upgrade: another size
    settle([library / "fake_parser_lib.py"])
    upgraded = cache_module.code_fingerprint()
    settle([library / "fake_parser_lib.py"], PAST + 1)  # the same size, another mtime
    touched = cache_module.code_fingerprint()
    monkeypatch.setattr(cache_module, "parser_modules", lambda: ("no_such_parser_lib", "fake_parser_lib"))
    assert len({installed, upgraded, touched, cache_module.code_fingerprint()}) == 4
