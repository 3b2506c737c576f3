"""Vendored trees: findings there are marked, not dropped, and not mixed with the repo's own recipe."""

from __future__ import annotations

from pathlib import Path

from whackachip_lint.config import Settings
from whackachip_lint.scan import scan
from whackachip_lint.vendored import VendoredTrees, submodule_paths

from .conftest import REPOS, scan_repo_json

BF16 = "import torch\nx = torch.zeros(2, dtype=torch.bfloat16)\n"


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_classify_vendoring_folders_submodules_and_copied_trees(tmp_path):
    write(tmp_path, {
        ".gitmodules": '[submodule "apex"]\n\tpath = deps/apex\n\turl = https://example.invalid/apex.git\n',
        "Megatron-LM/LICENSE": "licence text\n",
        "Megatron-LM/setup.py": "from setuptools import setup\n",
        "tools/LICENSE": "licence only, no packaging\n",
    })
    trees = VendoredTrees(tmp_path)
    assert trees.classify("third_party/flash/ops.py") == ("third_party/flash", "under a 'third_party' folder")
    assert trees.classify("src/Vendor/x.py") == ("src/Vendor", "under a 'Vendor' folder")
    assert trees.classify("deps/apex/csrc/setup.py") == ("deps/apex", "git submodule (.gitmodules)")
    assert trees.classify("Megatron-LM/megatron/train.py")[0] == "Megatron-LM"
    assert trees.classify("tools/run.py") is None
    assert trees.classify("train.py") is None
    assert trees.classify("external_tools/x.py") is None  # only whole folder names count


def test_submodule_paths_tolerate_bad_files(tmp_path):
    (tmp_path / ".gitmodules").write_text("not an ini file [[[\n")
    assert submodule_paths(tmp_path) == []
    assert submodule_paths(tmp_path / "missing") == []


def test_scan_marks_vendored_findings_and_keeps_own_ones_plain(tmp_path):
    write(tmp_path, {"train.py": BF16, "third_party/lib/kernels.py": BF16})
    result = scan([tmp_path], Settings(use_cache=False))
    by_path = {f.path: f for f in result.findings if f.rule == "WAC101"}
    assert set(by_path) == {"train.py", "third_party/lib/kernels.py"}  # reported, not dropped
    assert "vendored" not in by_path["train.py"].properties
    props = by_path["third_party/lib/kernels.py"].properties
    assert props["vendored"] is True and props["vendored_root"] == "third_party/lib"


def test_a_file_given_by_its_absolute_path_is_not_vendored_by_its_own_repository(tmp_path):
    # `wac-lint /abs/repo/sub/train.py`: the repository's own root (licence and packaging files) lies above the
    # file; it is the project, not a copied tree. A vendoring folder in the path still says so.
    write(tmp_path, {"LICENSE": "MIT\n", "setup.py": "from setuptools import setup\n", "sub/train.py": BF16,
                     "third_party/lib/kernels.py": BF16})
    result = scan([tmp_path / "sub" / "train.py", tmp_path / "third_party" / "lib" / "kernels.py"],
                  Settings(use_cache=False))
    marked = {Path(f.path).name: f.properties.get("vendored_root") for f in result.findings if f.rule == "WAC101"}
    assert marked == {"train.py": None, "kernels.py": str(tmp_path / "third_party" / "lib")}


def test_vendored_declarations_in_the_fixture_repo():
    report = scan_repo_json(REPOS / "doc_readme", "--no-cache")
    vendored = sorted((f["path"], f["properties"]["vendored_root"]) for f in report["findings"]
                      if f.get("properties", {}).get("vendored"))
    assert vendored == [("deps/apex/NOTES.md", "deps/apex"), ("third_party/flashkit/README.md", "third_party/flashkit")]
    # A vendored README's claim (A100, no FP8) is someone else's run: no contradiction is raised for it.
    assert [f["path"] for f in report["findings"] if f["rule"] == "WAC714"] == ["README.md"]


def test_gitmodules_of_a_nested_checkout(tmp_path):
    write(tmp_path, {"proj/.gitmodules": '[submodule "x"]\n\tpath = ext/x\n\turl = u\n'})
    trees = VendoredTrees(tmp_path)
    assert trees.classify("proj/ext/x/train.py") == ("proj/ext/x", "git submodule (.gitmodules)")
    assert trees.classify("ext/x/train.py") is None  # that .gitmodules speaks for proj/ only
