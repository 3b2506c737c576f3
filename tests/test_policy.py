"""Fleet policy: findings in force that a target cannot run become errors naming the target.

The catalog and requirements here are test doubles with the inference's documented API
(`Catalog.get(id)`, `requirements_for(finding) -> [Requirement(constraint, strength, check(entry))]`), so these
tests pin the policy's own decisions whatever the real catalog says.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from whackachip_lint import policy
from whackachip_lint.evidence import Level, State

from .conftest import REPOS, run_cli
from .fakes import fake_python, finding  # noqa: F401 (fake_python is a fixture)


@dataclass(frozen=True)
class Entry:
    id: str
    name: str
    bf16: bool | None
    fp8: bool | None = False


class Catalog:
    def __init__(self, *entries: Entry) -> None:
        self._entries = {e.id: e for e in entries}

    @property
    def entries(self):
        return list(self._entries.values())

    def get(self, entry_id: str) -> Entry:
        return self._entries[entry_id]


@dataclass(frozen=True)
class Requirement:
    constraint: str
    strength: str
    check: Callable[[Entry], bool | None]


CATALOG = Catalog(
    Entry("nvidia-v100", "NVIDIA V100", bf16=False),
    Entry("nvidia-t4", "NVIDIA T4", bf16=False),
    Entry("nvidia-a100", "NVIDIA A100", bf16=True),
    Entry("mystery-9000", "Mystery 9000", bf16=None),
)


def requirements(strength: str = "strong"):
    def requirements_for(f):
        if f.rule == "WAC101":
            return [Requirement("native bf16", strength, lambda e: e.bf16)]
        return []
    return requirements_for


def run_policy(findings, targets, strength="strong"):
    return policy.apply_policy(findings, targets, catalog=CATALOG, requirements_for=requirements(strength))


def test_bf16_on_v100_becomes_an_error_naming_the_target():
    (out,) = run_policy([finding()], ["nvidia-v100"])
    assert out.level is Level.ERROR
    assert out.message.startswith(
        "bf16 precision (bfloat16) is in force here; your target nvidia-v100 does not meet: native bf16."
    )
    assert out.properties["breaks_targets"] == "nvidia-v100"


def test_every_broken_target_is_named_and_a_fine_one_is_not():
    (out,) = run_policy([finding()], ["nvidia-a100", "nvidia-v100", "nvidia-t4"])
    assert "nvidia-v100" in out.message and "nvidia-t4" in out.message and "a100" not in out.message
    assert out.properties["breaks_targets"] == "nvidia-v100,nvidia-t4"


def test_a_target_that_can_run_it_changes_nothing():
    f = finding()
    assert run_policy([f], ["nvidia-a100"]) == [f]


def test_unknown_support_never_breaks_a_target():
    f = finding()
    assert run_policy([f], ["mystery-9000"]) == [f]


@pytest.mark.parametrize(("strength", "breaks"), [("hard", True), ("strong", True), ("weak", False)])
def test_only_hard_and_strong_requirements_break_a_target(strength, breaks):
    (out,) = run_policy([finding()], ["nvidia-v100"], strength)
    assert (out.level is Level.ERROR) is breaks


@pytest.mark.parametrize("state", [State.MENTIONED, State.DISABLED, State.CONDITIONAL])
def test_findings_not_in_force_are_left_alone(state):
    f = finding(state=state)
    assert run_policy([f], ["nvidia-v100"]) == [f]


def test_suppressed_findings_are_left_alone():
    f = finding(suppressed=True)
    assert run_policy([f], ["nvidia-v100"]) == [f]


def test_no_targets_no_change():
    f = finding()
    assert policy.apply_policy([f], []) == [f]


def test_unknown_targets_are_named():
    assert policy.unknown_targets(["nvidia-v100", "nvidia-v1000"], CATALOG) == ["nvidia-v1000"]
    with pytest.raises(policy.PolicyError, match="nvidia-v1000"):
        run_policy([finding()], ["nvidia-v1000"])


# --- end to end: the config's target makes the CLI fail, and only then ------------------------------------------

@pytest.fixture
def fake_catalog(monkeypatch):
    monkeypatch.setattr(policy, "_infer_api", lambda: (CATALOG, requirements()))


def bf16_repo(tmp_path, config: str):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text(config, encoding="utf-8")
    (repo / "train.py").write_text("import torch\nmodel.to(torch.bfloat16)\n", encoding="utf-8")
    return repo


@pytest.mark.usefixtures("fake_python", "fake_catalog")
def test_target_in_pyproject_fails_the_scan_naming_v100(tmp_path):
    repo = bf16_repo(tmp_path, '[tool.wac-lint]\ntarget = ["nvidia-v100"]\n')
    result = run_cli(str(repo))
    assert result.exit_code == 1
    assert "train.py:2:10: WAC101 [enabled] bf16 precision (bfloat16) is in force here; your target nvidia-v100" \
        in result.output
    sarif = json.loads(run_cli("--format", "sarif", str(repo)).output)
    (res,) = sarif["runs"][0]["results"]
    assert res["level"] == "error" and "nvidia-v100" in res["message"]["text"]
    assert sarif["runs"][0]["properties"]["targets"] == ["nvidia-v100"]


@pytest.mark.usefixtures("fake_python", "fake_catalog")
def test_same_repo_without_a_target_exits_0(tmp_path):
    repo = bf16_repo(tmp_path, '[tool.wac-lint]\nselect = ["WAC1"]\n')
    result = run_cli(str(repo))
    assert result.exit_code == 0
    assert "WAC101 [enabled] bf16 precision (bfloat16) is in force here." in result.output


@pytest.mark.usefixtures("fake_python", "fake_catalog")
def test_target_flag_overrides_config(tmp_path):
    repo = bf16_repo(tmp_path, '[tool.wac-lint]\ntarget = ["nvidia-v100"]\n')
    assert run_cli("--target", "nvidia-a100", str(repo)).exit_code == 0


@pytest.mark.usefixtures("fake_python", "fake_catalog")
def test_unknown_target_is_a_usage_error(tmp_path):
    repo = bf16_repo(tmp_path, '[tool.wac-lint]\ntarget = ["nvidia-v1000"]\n')
    result = run_cli(str(repo))
    assert result.exit_code == 2 and "unknown target nvidia-v1000 (did you mean " in result.output
    assert "?) (`target` in " in result.output
    assert "pyproject.toml" in result.output


def test_redirectable_requirements_never_break_a_target():
    @dataclass(frozen=True)
    class Spec:
        redirectable: bool

    @dataclass(frozen=True)
    class ShimmableRequirement(Requirement):
        spec: Spec = Spec(True)

    def requirements_for(f):
        return [ShimmableRequirement("cuda device: NVIDIA or AMD", "strong", lambda e: False)]

    f = finding()
    assert policy.apply_policy([f], ["nvidia-v100"], catalog=CATALOG, requirements_for=requirements_for) == [f]


# --- with the real catalog, requirement table and Python extractor ---------------------------------------------

REAL = [
    ("import torch\nx = torch.zeros(2, dtype=torch.bfloat16)\n", "nvidia-v100", "WAC101", "bf16"),
    ("import transformer_engine.pytorch as te\nwith te.fp8_autocast(enabled=True):\n    y = layer(x)\n",
     "nvidia-a100-sxm4-80gb", "WAC104", "FP8"),
    ("import torch\nimport torch_npu\n", "nvidia-h100-sxm", "WAC202", "torch_npu"),
]


@pytest.mark.parametrize(("code", "target", "rule", "words"), REAL, ids=["bf16-v100", "fp8-a100", "npu-h100"])
def test_real_catalog_breaks_the_target(tmp_path, code, target, rule, words):
    (tmp_path / "train.py").write_text(code, encoding="utf-8")
    result = run_cli("--format", "json", "--target", target, str(tmp_path))
    assert result.exit_code == 1, result.output
    errors = [f for f in json.loads(result.output)["findings"] if f["level"] == "error"]
    assert [f["rule"] for f in errors] == [rule]
    assert f"your target {target} does not meet" in errors[0]["message"] and words in errors[0]["message"]


@pytest.mark.parametrize(("code", "target"), [(REAL[0][0], "nvidia-a30"), (REAL[1][0], "nvidia-h100-sxm"),
                                              (REAL[2][0], "huawei-ascend-910b")])
def test_real_catalog_leaves_a_capable_target_alone(tmp_path, code, target):
    (tmp_path / "train.py").write_text(code, encoding="utf-8")
    result = run_cli("--format", "json", "--target", target, str(tmp_path))
    assert result.exit_code == 0, result.output
    assert all(f["level"] == "note" for f in json.loads(result.output)["findings"])


# --- the fixture repo: its own pyproject.toml names the fleet -------------------------------------------------

FLEET_REPO = REPOS / "fleet_v100"


def test_fleet_fixture_fails_naming_v100():
    result = run_cli(str(FLEET_REPO))
    assert result.exit_code == 1
    assert ("train.py:5:21: WAC101 [enabled] bf16 precision (bfloat16) is in force here; your target nvidia-v100 "
            "does not meet: native bf16 tensor math.") in result.output
    # The suppressed line stays suppressed, whatever the policy says.
    assert "train.py:9:" not in result.output


def test_fleet_fixture_without_a_target_exits_0(tmp_path):
    repo = tmp_path / "fleet"
    shutil.copytree(FLEET_REPO, repo)
    config = repo / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('target = ["nvidia-v100"]\n', ""), encoding="utf-8")
    result = run_cli(str(repo))
    assert result.exit_code == 0, result.output
    assert "train.py:5:21: WAC101 [enabled] bf16 precision (bfloat16) is in force here. " in result.output
    assert run_cli("--isolated", str(FLEET_REPO)).exit_code == 0
