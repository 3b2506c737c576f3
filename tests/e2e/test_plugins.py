"""Third-party plugins: the example plugin (examples/plugin) installed with pip and exercised through the CLI.

Plugins are read once per process, so each case runs wac-lint in a subprocess whose path holds the installed
plugin (a `pip install --target` directory: the same metadata and entry point a normal install writes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# Each case starts wac-lint in a child process after a pip install: CI runs them, the local loop does not.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "plugin"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(EXAMPLE)], check=True, capture_output=True, text=True)
    return target


def wac(site: Path, *args: str, extra_path: Path | None = None, cwd: Path | None = None
        ) -> subprocess.CompletedProcess:
    paths = [str(site)] + ([str(extra_path)] if extra_path else [])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    return subprocess.run([sys.executable, "-m", "whackachip_lint", *args], capture_output=True, text=True, env=env,
                          cwd=cwd)


def test_rule_list_and_docs_name_the_plugin(installed):
    listing = wac(installed, "rule", "--all")
    assert listing.returncode == 0, listing.stderr
    (line,) = [row for row in listing.stdout.splitlines() if row.startswith("TTS001")]
    assert "tenstorrent-runtime" in line and line.endswith("[plugin tenstorrent]")
    assert "WAC101" in listing.stdout  # the built-in rules are all still there
    doc = wac(installed, "rule", "TTS001")
    assert "Tenstorrent" in doc.stdout and "import ttnn" in doc.stdout
    assert "  - any value: Tenstorrent runtime (TT-NN / TT-Metalium) (hard)\n" in doc.stdout
    assert "  - variable `TT_METAL_*` (set switch) [plugin tenstorrent]\n" in doc.stdout
    packages = wac(installed, "rule", "WAC803")
    assert ("  - value `pjrt-plugin-tt`: TT-XLA's PJRT plugin pinned (strong) [plugin tenstorrent]\n"
            in packages.stdout)


def test_rule_docs_mark_the_words_a_plugin_adds(installed, tmp_path):
    """wac-lint's own device-type rule lists the plugin's device type, marked; without the plugin it does not."""
    doc = wac(installed, "rule", "WAC204")
    assert doc.returncode == 0, doc.stderr
    assert ("Words plugins add\n  - value `tt`: tt device (Tenstorrent; an example word) (hard) [plugin tenstorrent]\n"
            in doc.stdout)
    alone = wac(tmp_path, "rule", "WAC204")
    assert alone.returncode == 0 and "value `npu`" in alone.stdout and "plugin" not in alone.stdout


def test_hardware_lists_the_plugins_entry(installed):
    listing = wac(installed, "hardware")
    (row,) = [r for r in listing.stdout.splitlines() if r.startswith("tenstorrent-wormhole-n300")]
    assert row.endswith("[plugin tenstorrent]")
    one = wac(installed, "hardware", "tenstorrent-wormhole-n300")
    assert "Added by:" in one.stdout and "plugin tenstorrent" in one.stdout and "tenstorrent.com" in one.stdout


def test_a_scan_uses_the_plugins_rule_file_kind_and_catalog_entry(installed, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "train.py").write_text("import ttnn\nimport torch\n\ndevice = ttnn.open_device(device_id=0)\n")
    (repo / "justfile").write_text("train:\n    TT_METAL_HOME=/opt/tt-metal python train.py\n")
    (repo / "notes.py").write_text("# import ttnn would be faster\nx = 1\n")
    result = wac(installed, "--no-cache", "--format", "json", "--exit-zero", ".", cwd=repo)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    rows = sorted((f["rule"], f["path"], f["line"], f["state"], f["value"]) for f in report["findings"])
    assert rows == [
        ("TTS001", "justfile", 2, "enabled", "TT_METAL_HOME"),
        ("TTS001", "notes.py", 1, "mentioned", "ttnn"),
        ("TTS001", "train.py", 1, "enabled", "ttnn"),
    ]
    verdict = report["inference"]
    statuses = {c["id"]: c["status"] for c in verdict["candidates"]}
    assert statuses["tenstorrent-wormhole-n300"] == "consistent"
    assert statuses["nvidia-h100-sxm"] == "excluded"  # the runtime only runs on Tenstorrent parts
    assert [v["name"] for v in verdict["vendors"] if v["status"] == "likely"] == ["Tenstorrent"]
    # The plugin's kind is read for the scripts it launches (its row's path_facts): the justfile starts a path.
    launch = [(p["name"], p["files"]) for p in verdict["paths"]["training_paths"] if p["kind"] == "launch"]
    assert launch == [("justfile", ["justfile", "train.py"])]


def test_the_plugins_rule_examples_hold(installed, tmp_path):
    """Each positive example yields the rule with its state and value; each negative none in force."""
    script = textwrap.dedent("""
        import json, sys, tempfile
        from pathlib import Path
        from whackachip_lint.config import Settings
        from whackachip_lint.kinds import sample_name
        from whackachip_lint.rules import get_rule
        from whackachip_lint.scan import scan
        rule, out = get_rule("TTS001"), []
        for positive, examples in ((True, rule.positives), (False, rule.negatives)):
            for ex in examples:
                d = Path(tempfile.mkdtemp())
                name = ex.filename or sample_name(ex.kind)  # the plugin's own kind names its sample too
                (d / name).write_text(ex.code)
                got = [(f.state.value, f.value) for f in scan([d], Settings(use_cache=False)).findings
                       if f.rule == "TTS001"]
                out.append([positive, ex.state.value, ex.value, got])
        print(json.dumps(out))
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(installed)})
    assert run.returncode == 0, run.stderr
    cases = json.loads(run.stdout)
    assert len(cases) == 7
    for positive, state, value, got in cases:
        if positive:
            assert [state, value] in [list(g) for g in got], (state, value, got)
        else:
            assert all(g[0] != "enabled" for g in got), got


def _fake_plugin(tmp_path: Path, name: str, module_text: str) -> Path:
    """A plugin installed by hand: a module and a dist-info whose entry point names it."""
    site = tmp_path / f"site-{name}"
    (site / f"{name}-0.1.dist-info").mkdir(parents=True)
    (site / f"{name}-0.1.dist-info" / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (site / f"{name}-0.1.dist-info" / "entry_points.txt").write_text(
        f"[whackachip_lint.plugins]\n{name} = {name}:PLUGIN\n")
    (site / f"{name}.py").write_text(module_text)
    return site


@pytest.mark.parametrize("module_text, why", [
    ("raise ImportError('no such dependency: tt_runtime')\n", "ImportError: no such dependency"),
    ("PLUGIN = 42\n", "not a Plugin"),
    ("from whackachip_lint.plugins import Plugin\nfrom whackachip_lint.rules.base import Example, Rule\n"
     "PLUGIN = Plugin('bad', rules=(Rule('WAC999', 'x', 'x.y', 'x', 'x', 'x', positives=(Example('x'),),"
     " negatives=(Example('y'),)),))\n", "uses wac-lint's own prefix WAC"),
    ("from whackachip_lint.plugins import Plugin\nPLUGIN = Plugin('bad', catalog=({'id': 'x'},))\n", "lacks"),
])
def test_a_broken_plugin_is_one_diagnostic_never_a_crash(tmp_path, module_text, why):
    site = _fake_plugin(tmp_path, "broken_plugin", module_text)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "train.py").write_text("import torch\nx = torch.bfloat16\n")
    result = wac(site, "--no-cache", "--format", "json", "--exit-zero", ".", cwd=repo)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    (problem,) = [d for d in report["diagnostics"] if d["path"] == "<plugins>"]
    assert "broken_plugin" in problem["message"] and why in problem["message"]
    assert [f["rule"] for f in report["findings"]] == ["WAC101"]  # the scan itself is untouched


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    for name, text in files.items():
        (repo / name).write_text(text)
    return repo


def _findings(result: subprocess.CompletedProcess) -> tuple[list[tuple], dict]:
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    return sorted((f["rule"], f["path"], f["line"], f["state"], f["value"]) for f in report["findings"]), report


def test_the_plugins_vocabulary_is_read_by_the_core_extractors(installed, tmp_path):
    """A device type, a variable prefix and a package from the plugin's vocabulary: found by wac-lint's Python,
    shell, YAML, requirements and Dockerfile extractors (the plugin's own extractor reads none of them there), and
    not found without the plugin."""
    repo = _repo(tmp_path, {
        "train.py": 'import os\nimport torch\n\nos.environ["TT_METAL_HOME"] = "/opt/tt-metal"\n'
                    'x = torch.zeros(2, device="tt")\nprint(os.environ.get("TT_METAL_CACHE"))\n',
        "run.sh": "#!/bin/bash\nexport TT_METAL_LOGGER_LEVEL=Debug\n# export TT_METAL_SLOW=1\n",
        "config.yaml": "device: tt\n",
        "requirements.txt": "pjrt-plugin-tt==0.1.0\n",
        "Dockerfile": "FROM ubuntu:22.04\nRUN pip install pjrt_plugin_tt\n",
    })
    rows, report = _findings(wac(installed, "--no-cache", "--format", "json", "--exit-zero", ".", cwd=repo))
    assert rows == [
        ("TTS001", "run.sh", 2, "enabled", "TT_METAL_LOGGER_LEVEL"),
        ("TTS001", "run.sh", 3, "mentioned", "TT_METAL_SLOW"),  # as a commented-out NCCL_ variable is
        ("TTS001", "train.py", 4, "enabled", "TT_METAL_HOME"),
        ("WAC204", "config.yaml", 1, "enabled", "tt"),
        ("WAC204", "train.py", 5, "enabled", "tt"),
        ("WAC803", "Dockerfile", 2, "enabled", "pjrt-plugin-tt"),
        ("WAC803", "requirements.txt", 1, "enabled", "pjrt-plugin-tt"),
    ]
    assert [v["name"] for v in report["inference"]["vendors"] if v["status"] == "likely"] == ["Tenstorrent"]
    without, _ = _findings(wac(tmp_path / "no-plugin", "--no-cache", "--format", "json", "--exit-zero", ".",
                               cwd=repo))
    assert without == []


def test_a_device_alone_implies_the_plugins_vendor(installed, tmp_path):
    """What the plugin says its device type implies joins wac-lint's device-type rule."""
    repo = _repo(tmp_path, {"train.py": 'import torch\nmodel.to(torch.device("tt"))\n'})
    rows, report = _findings(wac(installed, "--no-cache", "--format", "json", "--exit-zero", ".", cwd=repo))
    assert rows == [("WAC204", "train.py", 2, "enabled", "tt")]
    statuses = {c["id"]: c["status"] for c in report["inference"]["candidates"]}
    assert statuses["tenstorrent-wormhole-n300"] == "consistent" and statuses["nvidia-h100-sxm"] == "excluded"


_WORDS_PLUGIN = """
from whackachip_lint.plugins import Plugin, Vocabulary
ACME = ({{"kind": "vendor", "strength": "hard", "vendors": ["Acme"], "text": "acme"}},)
PLUGIN = Plugin("{name}", vocabulary=Vocabulary(devices={devices}, backends={backends}, environment={environment},
                                                packages={packages}))
"""


def test_vocabulary_collisions_are_one_diagnostic_each_and_the_other_words_load(installed, tmp_path):
    """Words wac-lint reads already, or another plugin added first, are refused by name; the scan goes on."""
    site = _fake_plugin(tmp_path, "acme_words", _WORDS_PLUGIN.format(
        name="acme", devices='{"cuda": ACME, "TT": ACME, "acme": ACME}', backends='{"nccl": ACME, "acmeccl": ACME}',
        packages='{"Torch_NPU": ACME, "PJRT_plugin.TT": ACME, "acme-runtime": ACME}',
        environment='{"NCCL_ACME": ("WAC205", "set"), "TT_METAL_X": ("WAC205", "set"), "ACME_*": ("WAC205", "set"),'
                    ' "ACME2_*": ("WAC205", "sometimes")}'))
    repo = _repo(tmp_path, {
        "train.py": 'import os, torch\nimport torch.distributed as dist\nx = x.to("acme")\n'
                    'dist.init_process_group(backend="acmeccl")\nos.environ["ACME_LEVEL"] = "2"\n',
        # Files holding a plugin's word and none of the rules' trigger words: the pre-filter lets them through.
        "move.py": 'x = x.to("acme")\n',
        "run.sh": "export ACME_DEBUG=1\n",
        "requirements.txt": "acme_runtime>=1\n",
    })
    result = wac(installed, "--no-cache", "--format", "json", "--exit-zero", ".", extra_path=site, cwd=repo)
    rows, report = _findings(result)
    problems = sorted(d["message"] for d in report["diagnostics"] if d["path"] == "<plugins>")
    assert problems == sorted([
        "plugin 'acme': device type 'cuda' is already read by wac-lint; not added",
        "plugin 'acme': device type 'tt' is already read by plugin 'tenstorrent'; not added",
        "plugin 'acme': collective backend 'nccl' is already read by wac-lint; not added",
        "plugin 'acme': package 'torch-npu' is already read by wac-lint; not added",
        "plugin 'acme': package 'pjrt-plugin-tt' is already read by plugin 'tenstorrent'; not added",
        "plugin 'acme': environment variable 'NCCL_ACME' is already read by wac-lint; not added",
        "plugin 'acme': environment variable 'TT_METAL_X' is already read by plugin 'tenstorrent'; not added",
        "plugin 'acme': environment variable 'ACME2_*' names rule 'WAC205' and switch 'sometimes'; a rule must "
        "exist and the switch be one of ['level', 'list', 'off_if_true', 'on_if_true', 'set']",
    ]), problems
    assert rows == [
        ("WAC201", "train.py", 4, "enabled", "acmeccl"),
        ("WAC204", "move.py", 1, "enabled", "acme"),
        ("WAC204", "train.py", 3, "enabled", "acme"),
        ("WAC205", "run.sh", 1, "enabled", "ACME_DEBUG"),
        ("WAC205", "train.py", 5, "enabled", "ACME_LEVEL"),
        ("WAC803", "requirements.txt", 1, "enabled", "acme-runtime"),
    ]


@pytest.mark.parametrize("devices, backends, environment, why", [
    ('{"acme": ({"kind": "vendor"},)}', "{}", "{}", "device type 'acme': constraint spec"),
    ("{}", '{"acmeccl": ({"kind": "vendor", "strength": "hard", "text": "x"},)}', "{}",
     "collective backend 'acmeccl': vendor constraint 'x' names no vendors"),
    ("{}", "{}", '{"ACME_*": "WAC205"}', "environment variable 'ACME_*' needs (rule code, switch kind)"),
    ("{7: ACME}", "{}", "{}", "vocabulary.devices must be a dict keyed by non-empty words"),
    ("{}", '["acmeccl"]', "{}", "vocabulary.backends must be a dict keyed by non-empty words"),
])
def test_malformed_vocabulary_is_one_diagnostic(tmp_path, devices, backends, environment, why):
    site = _fake_plugin(tmp_path, "bad_words", _WORDS_PLUGIN.format(
        name="bad", devices=devices, backends=backends, environment=environment, packages="{}"))
    repo = _repo(tmp_path, {"train.py": 'import torch\nx = x.to("acme")\n'})
    rows, report = _findings(wac(site, "--no-cache", "--format", "json", "--exit-zero", ".", cwd=repo))
    (problem,) = [d["message"] for d in report["diagnostics"] if d["path"] == "<plugins>"]
    assert problem.startswith(f"plugin 'bad_words' (bad) not loaded: {why}"), problem
    assert rows == []


def test_a_table_merge_that_fails_is_one_problem_not_a_crash():
    from whackachip_lint import plugins

    def broken_merge(loaded):
        raise KeyError("ACME_*")

    result = plugins.Loaded([], [])
    plugins._merge(broken_merge, result)
    assert result.problems == [f"plugins: merging into {__name__} failed: KeyError: 'ACME_*'"]
