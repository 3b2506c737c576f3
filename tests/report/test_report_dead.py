"""How reports show findings in code that cannot run (state `dead`)."""

from __future__ import annotations

import json
import textwrap

from whackachip_lint.evidence import Level, State
from whackachip_lint.report import json as json_report
from whackachip_lint.report import sarif, text

from ..conftest import run_cli, scan_snippet
from ..fakes import finding
from ..sarif_schema import check_sarif
from .test_sarif import result_of

NET_TYPE = textwrap.dedent(
    """\
    NET_TYPE="high"
    if [[ "$NET_TYPE" = "low" ]]; then
        export NCCL_IB_DISABLE=1  # wac-lint: disable=WAC301
    else
        export NCCL_IB_HCA=mlx5_0
    fi
    torchrun --nproc_per_node 8 train.py
    """
)


def test_sarif_dead_finding_is_an_informational_result_without_a_level():
    dead = finding(state=State.DEAD, level=Level.WARNING)
    live = finding(line=5, state=State.ENABLED, level=Level.WARNING)
    doc = sarif.to_sarif(result_of(dead, live), evidence=True)  # --sarif-evidence: dead findings for the record
    dead_result, live_result = check_sarif(doc)["runs"][0]["results"]
    (default,) = sarif.to_sarif(result_of(dead, live))["runs"][0]["results"]  # by default: never uploaded
    assert default["properties"]["state"] == "enabled"
    assert dead_result["kind"] == "informational" and dead_result["level"] == "none"
    assert dead_result["properties"]["state"] == "dead"
    assert live_result["level"] == "warning" and "kind" not in live_result


def test_sarif_from_the_cli_keeps_dead_findings_valid(tmp_path):
    (tmp_path / "run.sh").write_text(NET_TYPE.replace("  # wac-lint: disable=WAC301", ""))
    result = run_cli("--format", "sarif", "--sarif-evidence", str(tmp_path))
    assert result.exit_code == 0, result.output
    results = check_sarif(json.loads(result.output))["runs"][0]["results"]
    states = {(r["properties"]["details"].get("variable"), r["properties"]["state"], r.get("kind")) for r in results
              if r["ruleId"] == "WAC301"}
    assert states == {("NCCL_IB_DISABLE", "dead", "informational"), ("NCCL_IB_HCA", "enabled", None)}


def test_json_report_has_schema_version_2_and_dead_states(tmp_path):
    (tmp_path / "run.sh").write_text(NET_TYPE.replace("  # wac-lint: disable=WAC301", ""))
    data = json.loads(run_cli("--format", "json", str(tmp_path)).output)
    assert data["schema_version"] == json_report.SCHEMA_VERSION == 2
    assert {(f["properties"]["variable"], f["state"]) for f in data["findings"] if f["rule"] == "WAC301"} == {
        ("NCCL_IB_DISABLE", "dead"),
        ("NCCL_IB_HCA", "enabled"),
    }


def test_text_report_labels_and_counts_dead_findings():
    result = result_of(*scan_snippet(NET_TYPE.replace("  # wac-lint: disable=WAC301", ""), "shell").findings)
    out = text.render(result)
    (line,) = [x for x in out.splitlines() if "NCCL_IB_DISABLE" in x]
    assert "[dead]" in line and "stands in code that cannot run here" in line
    assert "a branch the file's own values rule out" in line
    assert "1 dead" in text.summary(result)
    coloured = text.render(result, colour=True)
    assert "[dead]" in coloured


def test_suppressing_a_dead_finding_is_a_used_suppression():
    result = scan_snippet(NET_TYPE, "shell")
    (dead,) = [f for f in result.findings if f.rule == "WAC301" and f.state is State.DEAD]
    assert dead.suppressed
    assert not [f for f in result.findings if f.rule == "WAC001"]
