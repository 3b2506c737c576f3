"""The shared meaning of environment variables."""

from __future__ import annotations

import pytest

from whackachip_lint.evidence import State
from whackachip_lint.extract.environment import interpret_env, is_hardware_variable


@pytest.mark.parametrize(
    ("name", "setting", "rule", "state"),
    [
        ("NCCL_IB_DISABLE", "1", "WAC301", State.DISABLED),
        ("NCCL_IB_DISABLE", "0", "WAC301", State.ENABLED),
        ("NCCL_IB_HCA", "mlx5_0,mlx5_1", "WAC301", State.ENABLED),
        ("NCCL_IB_HCA", "", "WAC301", State.DISABLED),
        ("NCCL_NET_GDR_LEVEL", "2", "WAC302", State.ENABLED),
        ("NCCL_NET_GDR_LEVEL", "PHB", "WAC302", State.ENABLED),
        ("NCCL_NET_GDR_LEVEL", "LOC", "WAC302", State.DISABLED),
        ("NCCL_NET_GDR_LEVEL", "0", "WAC302", State.DISABLED),
        ("NCCL_IB_CUDA_SUPPORT", "1", "WAC302", State.ENABLED),
        ("NCCL_P2P_DISABLE", "1", "WAC303", State.DISABLED),
        ("NCCL_P2P_DISABLE", "0", "WAC303", State.ENABLED),
        ("NCCL_NVLS_ENABLE", "0", "WAC305", State.DISABLED),
        ("NCCL_DEBUG", "INFO", "WAC206", State.ENABLED),
        ("NCCL_FASTRAK_CTRL_DEV", "eth0", "WAC306", State.ENABLED),
        ("HSA_FORCE_FINE_GRAIN_PCIE", "1", "WAC205", State.ENABLED),
        ("CUDA_VISIBLE_DEVICES", "", "WAC403", State.DISABLED),
        ("TORCH_CUDA_ARCH_LIST", "'9.0'", "WAC603", State.ENABLED),
    ],
)
def test_meanings(name, setting, rule, state):
    meanings = interpret_env(name, setting)
    assert (meanings[0].rule, meanings[0].state) == (rule, state)


def test_list_values_are_the_setting_and_vendor_lists_are_tells():
    meanings = interpret_env("HIP_VISIBLE_DEVICES", "0,1")
    assert [(m.rule, m.value) for m in meanings] == [("WAC403", "0,1"), ("WAC205", "HIP_VISIBLE_DEVICES")]


def test_unset_and_uninteresting():
    # Unsetting returns the variable to the library default (it was pinned as disabled; it switches nothing off).
    (unset,) = interpret_env("NCCL_IB_HCA", None)
    assert unset.state is State.MENTIONED and "library default" in unset.detail
    assert {m.state for m in interpret_env("NCCL_IB_DISABLE", None)} == {State.MENTIONED}
    assert {m.state for m in interpret_env("CUDA_VISIBLE_DEVICES", None)} == {State.MENTIONED}
    assert interpret_env("HOME", "/root") == []
    assert not is_hardware_variable("PATH")
    assert is_hardware_variable("NCCL_SOCKET_IFNAME")
    assert interpret_env("FI_PROVIDER", "tcp") == []


def test_libfabric_providers_of_gpu_fabrics():
    assert [(m.rule, m.state) for m in interpret_env("FI_PROVIDER", "cxi")] == [("WAC306", State.ENABLED)]
    assert [(m.rule, m.state) for m in interpret_env("FI_PROVIDER", "efa")] == [("WAC306", State.ENABLED)]
    assert interpret_env("FI_PROVIDER", "sockets") == []
    assert interpret_env("FI_CXI_RX_MATCH_MODE", "hybrid")[0].rule == "WAC306"
