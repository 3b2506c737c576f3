"""End to end: the NET_TYPE launch of issue 10 (fixtures/repos/sh_net_type_dead_branch, written for these tests).

The branch a constant rules out holds the consumer-GPU settings (P2P and InfiniBand off); the live branch holds
InfiniBand and GPUDirect RDMA. The dead settings must neither disfavour datacenter parts nor count as evidence.
"""

from __future__ import annotations

import json

from whackachip_lint.infer.catalog import load_catalog

from ..conftest import REPOS, run_cli_in
from ..infer_helpers import resolved, where

REPO = REPOS / "sh_net_type_dead_branch"
SCRIPT = "scripts/pretrain.sh"
DEAD_LINES = {f"{SCRIPT}:8", f"{SCRIPT}:9", f"{SCRIPT}:10"}
CATALOG = load_catalog()


def report(*options: str) -> dict:
    """The JSON report of the repository, scanned from inside it (paths relative to it)."""
    result = run_cli_in(REPO, "--format", "json", *options, ".")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_dead_branch_findings_are_dead_and_the_live_branch_enabled():
    findings = report()["findings"]
    states = {(f["line"], f["properties"]["variable"]): f["state"] for f in findings if f["path"] == SCRIPT
              and "variable" in f["properties"]}
    assert states == {
        (8, "NCCL_SOCKET_IFNAME"): "dead",
        (9, "NCCL_P2P_DISABLE"): "dead",
        (10, "NCCL_IB_DISABLE"): "dead",
        (12, "NCCL_IB_DISABLE"): "enabled",
        (13, "NCCL_IB_HCA"): "enabled",
        (14, "NCCL_IB_GID_INDEX"): "enabled",
        (15, "NCCL_NET_GDR_LEVEL"): "enabled",
        (16, "NCCL_P2P_DISABLE"): "enabled",
    }


def test_verdict_is_datacenter_with_hopper_and_ampere_datacenter_parts_consistent():
    data = report()["inference"]
    assert data["device_class"]["class"] == "datacenter"
    status = {c["id"]: c["status"] for c in data["candidates"]}
    datacenter = {e.id for e in CATALOG if e.vendor == "NVIDIA" and e.microarchitecture in ("Hopper", "Ampere")
                  and e.device_class == "datacenter"}
    assert {"nvidia-h100-sxm", "nvidia-h800", "nvidia-a100-sxm4-80gb", "nvidia-a800"} <= datacenter
    assert {i for i in datacenter if status[i] != "consistent"} == set()
    for consumer in ("nvidia-rtx-4090", "nvidia-rtx-3090"):
        assert status[consumer] == "disfavoured"
    assert {v["name"]: v["status"] for v in data["vendors"]}["NVIDIA"] == "likely"


def test_no_reason_cites_the_dead_branch():
    data = report("--verbose")["inference"]  # every evidence location, uncapped
    cited = {where(ref) for ref in data["device_class"]["evidence"]}
    for candidate in data["candidates"]:
        for reason in resolved(data, candidate["reasons"]):
            cited.update(reason["evidence"])
            assert "consumer" not in reason["constraint"], reason
    for vendor in data["vendors"]:
        for reason in resolved(data, vendor.get("reasons", [])):
            cited.update(reason["evidence"])
    assert cited and not cited & DEAD_LINES
    interconnect = {where(ref) for item in data["interconnect"].values() for state in ("enabled", "disabled")
                    for ref in item.get(state, [])}
    assert interconnect and not interconnect & DEAD_LINES
