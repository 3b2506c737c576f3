"""Vendor and number-format tells (issue 11): extraction of each idiom and the requirement its value imposes."""

from __future__ import annotations

import pytest

from whackachip_lint.extract.environment import device_count, interpret_env
from whackachip_lint.infer.catalog import load_catalog
from whackachip_lint.infer.constraints import HARD, STRONG, requirements_for, xla_platform_vendors

from ..conftest import finding_rows
from ..infer_helpers import finding

CATALOG = load_catalog()


def vendors_of(f, platforms=()):
    return [sorted(r.vendors) for r in requirements_for(f, (), platforms) if r.kind == "vendor"]


# --- XLA is not TPU -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("setting", "vendors"), [("TPU", ["Google"]), ("CUDA", ["NVIDIA"]), ("NEURON", ["AWS"]),
                                                  ("cpu", None)])
def test_pjrt_device_is_read_by_its_value(setting, vendors):
    (meaning,) = interpret_env("PJRT_DEVICE", setting)
    assert (meaning.rule, meaning.value) == ("WAC208", setting)
    reqs = vendors_of(finding("WAC208", setting))
    assert reqs == ([vendors] if vendors else [])


def test_the_xrt_tpu_service_address_is_google_and_other_xrt_variables_are_not():
    (meaning,) = interpret_env("XRT_TPU_CONFIG", "localservice;0;localhost:51011")
    assert (meaning.rule, meaning.value) == ("WAC205", "XRT_TPU_CONFIG")
    assert vendors_of(finding("WAC205", "XRT_TPU_CONFIG")) == [["Google"]]
    assert interpret_env("XRT_WORKERS", "localservice:0;grpc://localhost:40934") == []


def test_libtpu_flags_are_google_unless_emptied():
    (meaning,) = interpret_env("LIBTPU_INIT_ARGS", "--xla_tpu_enable_async_collective_fusion=true")
    assert (meaning.rule, meaning.value, meaning.state.value) == ("WAC205", "LIBTPU_INIT_ARGS", "enabled")
    assert vendors_of(finding("WAC205", "LIBTPU_INIT_ARGS")) == [["Google"]]
    (emptied,) = interpret_env("LIBTPU_INIT_ARGS", '""')  # a GPU config clearing a TPU port's flags
    assert emptied.state.value == "disabled"


def test_xla_flags_forcing_host_devices_is_cpu():
    rules = {(m.rule, m.value) for m in interpret_env("XLA_FLAGS", "--xla_force_host_platform_device_count=8")}
    assert ("WAC208", "cpu") in rules
    assert requirements_for(finding("WAC208", "cpu")) == []


def test_xla_evidence_follows_the_platform_in_force():
    imports = finding("WAC202", "torch_xla")
    assert vendors_of(imports) == [["Google"]]
    platforms = xla_platform_vendors([finding("WAC208", "CUDA")])
    assert platforms == {"NVIDIA"}
    assert vendors_of(imports, platforms) == [["NVIDIA"]]
    assert vendors_of(finding("WAC204", "xla"), platforms) == [["NVIDIA"]]
    assert vendors_of(finding("WAC204", "cuda"), platforms) == [["AMD", "NVIDIA"]]  # not XLA-looking: unchanged
    assert xla_platform_vendors([finding("WAC202", "torch_neuronx")]) == {"AWS"}
    assert xla_platform_vendors([finding("WAC208", "CUDA", state="conditional")]) == set()


@pytest.mark.parametrize(
    ("value", "vendor"),
    [("jax[cuda12]", "NVIDIA"), ("jax[tpu]", "Google"), ("torch-xla[cuda]", "NVIDIA"), ("torch-xla[tpu]", "Google"),
     ("torch-neuronx", "AWS"), ("neuronx-cc", "AWS"), ("libtpu", "Google")],
)
def test_package_pins_name_their_vendor(value, vendor):
    f = finding("WAC803", value).with_changes(signal="package.vendor")
    assert vendors_of(f) == [[vendor]]


def test_jax_platform_queries():
    code = (
        "import jax\n"
        'assert jax.default_backend() == "tpu"\n'
        'if jax.devices()[0].platform != "tpu":\n    raise RuntimeError("TPU only")\n'
        'if jax.default_backend() == "gpu":\n    x = 1\n'
        'if jax.default_backend() == "tpu":\n    raise SystemExit("not on TPU")\n'
        'n = jax.device_count(backend="tpu")\n'
    )
    rows = [r for r in finding_rows(code, "python") if r[0] == "WAC208"]
    assert rows == [
        ("WAC208", "gpu", "conditional", 5),
        ("WAC208", "tpu", "disabled", 7),
        ("WAC208", "tpu", "enabled", 2),
        ("WAC208", "tpu", "enabled", 3),
        ("WAC208", "tpu", "enabled", 9),
    ]


# --- shell idioms -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loop", "devices"),
    [
        ("for i in $(seq 0 7); do\n  export DEVICE_ID=$i\n  python train.py &\ndone\n", 8),
        ("for i in {0..3}; do DEVICE_ID=$i python train.py & done\n", 4),
        ("for ((i=0; i<16; i++)); do\n  DEVICE_ID=$i RANK_ID=$i python train.py &\ndone\n", 16),
        ("for i in 0 1; do DEVICE_ID=$i bash run_one.sh & done\n", 2),
        ("for i in $(seq 0 $((RANK_SIZE-1))); do DEVICE_ID=$i python train.py & done\n", "$(seq 0 $((RANK_SIZE-1)))"),
    ],
)
def test_rank_loops_are_launchers_with_a_device_count(loop, devices):
    rows = finding_rows(loop, "shell")
    assert ("WAC404", "rank-loop", "enabled", 1) in rows or ("WAC404", "rank-loop", "conditional", 1) in rows
    counts = [r for r in rows if r[0] == "WAC401"]
    assert [r[1] for r in counts] == [devices]
    assert counts[0][2] == ("enabled" if isinstance(devices, int) else "conditional")


@pytest.mark.parametrize(
    "loop",
    [
        "for i in 0 1 2 3; do python train.py --shard $i & done\n",  # no DEVICE_ID: not a rank loop
        "for i in 0 1 2 3; do DEVICE_ID=$i python train.py; done\n",  # not in the background: one at a time
        "for i in 0 1; do DEVICE_ID=$i python train.py > log_$i 2>&1; done\n",  # a redirection is no background
    ],
)
def test_other_loops_are_no_launchers(loop):
    assert not [r for r in finding_rows(loop, "shell") if r[0] in ("WAC404", "WAC401")]


def test_gcloud_tpu_types_name_the_generation():
    code = (
        "gcloud compute tpus tpu-vm create a --accelerator-type v4-64\n"
        "gcloud alpha compute tpus queued-resources create b --accelerator-type=v5p-128\n"
        "gcloud compute tpus tpu-vm create c --accelerator-type=v3-8\n"
        "gcloud compute tpus tpu-vm create d --type v6e --topology 4x4\n"
    )
    from ..conftest import scan_snippet

    found = {f.value: f.properties.get("catalog_ids") for f in scan_snippet(code, "shell").findings if f.rule == "WAC703"}
    assert found == {"v4-64": "google-tpu-v4", "v5p-128": "google-tpu-v5p", "v3-8": "", "v6e": "google-tpu-v6e"}


def test_docker_run_reads_devices_and_the_image_not_option_values():
    code = "docker run --rm -it -v /data:/data --device /dev/kfd -e X=1 --name t rocm/pytorch:latest python x.py\n"
    rows = finding_rows(code, "shell")
    assert ("WAC704", "/dev/kfd", "enabled", 1) in rows
    assert [r[1] for r in rows if r[0] == "WAC801"] == ["rocm/pytorch:latest"]


def test_docker_pull_and_create_read_the_image():
    # Set-up scripts fetch or create the container they train in before running it.
    code = (
        "docker pull rocm/pytorch:rocm6.2_ubuntu22.04_py3.10_pytorch_2.3\n"
        "sudo docker create --name libtpu gcr.io/cloud-tpu-v2-images/libtpu:libtpu_20210518 /bin/bash\n"
        "podman pull --platform linux/amd64 -q nvcr.io/nvidia/pytorch:24.01-py3\n"
    )
    images = sorted((r[3], r[1]) for r in finding_rows(code, "shell") if r[0] == "WAC801")
    assert images == [(1, "rocm/pytorch:rocm6.2_ubuntu22.04_py3.10_pytorch_2.3"),
                      (2, "gcr.io/cloud-tpu-v2-images/libtpu:libtpu_20210518"),
                      (3, "nvcr.io/nvidia/pytorch:24.01-py3")]


def test_docker_commands_that_use_no_image_report_none():
    code = "docker rmi rocm/pytorch:latest\ndocker rm libtpu || true\ndocker push nvcr.io/nvidia/pytorch:24.01-py3\n"
    assert [r for r in finding_rows(code, "shell") if r[0] == "WAC801"] == []


def test_pip_install_in_a_script_reads_its_packages_and_indexes():
    # Set-up scripts install the accelerator stack the training runs on, as Dockerfiles do.
    code = (
        'pip install "jax[tpu]>=0.4.20" -f https://storage.googleapis.com/jax-releases/libtpu_releases.html\n'
        "pip3 install torch torchvision --index-url https://download.pytorch.org/whl/rocm6.0\n"
        "python -m pip install -U torch_npu==2.1.0 -r requirements.txt\n"
        "uv pip install mlx\n"
        "pip install -e . --no-build-isolation\n"
        'echo "pip install torch_npu"\n'
    )
    assert [r for r in finding_rows(code, "shell") if r[0] in ("WAC802", "WAC803")] == [
        ("WAC802", "rocm6.0", "enabled", 2),
        ("WAC803", "jax[tpu]", "enabled", 1),
        ("WAC803", "mlx", "enabled", 4),
        ("WAC803", "torch-npu", "enabled", 3),
    ]


def test_pip_commands_that_install_nothing_report_nothing():
    code = "pip download torch_npu==2.1.0\npip uninstall -y torch_npu\npip show mlx\n# pip install jax[tpu]\n"
    assert [r for r in finding_rows(code, "shell") if r[0] in ("WAC802", "WAC803") and r[2] == "enabled"] == []


def test_neuron_parallel_compile_wraps_a_launch():
    rows = finding_rows("neuron_parallel_compile torchrun --nproc_per_node 32 train.py\n", "shell")
    assert rows == [("WAC209", "aws", "enabled", 1), ("WAC401", 32, "enabled", 1), ("WAC404", "torchrun", "enabled", 1)]


def test_all_visible_devices_name_no_count():
    assert device_count("all") is None
    assert device_count("0,1,2,3") == 4
    assert device_count("none") == 0


# --- CUDA sources ---------------------------------------------------------------------------------------------


def test_cuda_sources_follow_comments_guards_and_dead_code():
    code = (
        "/* wgmma notes\n   cp.async.bulk.tensor later */\n"  # 1-2: a block comment
        "// tcgen05.mma someday\n"  # 3
        "#ifndef GEMM_H\n#define GEMM_H\n"  # 4-5: an include guard changes nothing
        'asm volatile("cp.async.bulk.tensor.2d.shared::cluster.global [%0], [%1];");\n'  # 6
        "#if __CUDA_ARCH__ >= 1000\n"  # 7
        'asm volatile("tcgen05.commit.cta_group::1;");\n'  # 8
        "#else\n"  # 9
        'asm volatile("wgmma.fence.sync.aligned;");\n'  # 10
        "#endif\n#if 0\n__nv_fp8_e4m3 x;\n#endif\n#endif\n"  # 11-15
    )
    rows = finding_rows(code, "cuda")
    assert rows == [
        ("WAC605", "fp8-type", "dead", 13),
        ("WAC605", "tcgen05", "conditional", 8),
        ("WAC605", "tma", "enabled", 6),
        ("WAC605", "wgmma", "conditional", 10),
    ]


def test_cuda_feature_floors():
    wgmma = {r.kind: r for r in requirements_for(finding("WAC605", "wgmma"))}
    assert wgmma["vendor"].vendors == {"NVIDIA"} and wgmma["vendor"].strength == STRONG
    assert wgmma["arch"].check(CATALOG.get("nvidia-h100-sxm")) is True
    assert wgmma["arch"].check(CATALOG.get("nvidia-b200")) is False  # sm_90a only
    tcgen05 = {r.kind: r for r in requirements_for(finding("WAC605", "tcgen05"))}
    assert tcgen05["cc_at_least"].check(CATALOG.get("nvidia-b300")) is True
    assert tcgen05["cc_at_least"].check(CATALOG.get("nvidia-h100-sxm")) is False
    # and the verdict's NVIDIA floor is the feature's architecture, set by the line that uses it
    assert nvidia_floor(finding("WAC605", "wgmma", line=4)) == ("Hopper", "9.0", ["train.py:4"])
    assert nvidia_floor(finding("WAC605", "tcgen05", line=4)) == ("Blackwell", "10.0", ["train.py:4"])


def nvidia_floor(*findings) -> tuple[str, str, list[str]]:
    """The NVIDIA architecture floor of a verdict over `findings`: microarchitecture, compute capability and the
    locations of the reasons that set it."""
    from whackachip_lint.infer.engine import infer

    from ..infer_helpers import result

    floor = infer(result(*findings)).to_dict()["architecture_floor"]["NVIDIA"]
    return floor["microarchitecture"], floor["compute_capability"], sorted({e for r in floor["set_by"]
                                                                            for e in r["evidence"]})


# --- number formats -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "value", "passes", "fails", "floor"),
    [
        ("WAC106", "nvfp4", "nvidia-b200", "nvidia-h100-sxm", ("Blackwell", "10.0")),
        ("WAC104", "mxfp8", "nvidia-b200", "nvidia-h100-sxm", ("Blackwell", "10.0")),
        ("WAC104", "fp8-block", "nvidia-h100-sxm", "nvidia-l40s", ("Hopper", "9.0")),
        ("WAC104", "fp8", "nvidia-l40s", "nvidia-a100-sxm4-80gb", ("Ada Lovelace", "8.9")),
    ],
)
def test_each_format_sets_its_own_floor(rule, value, passes, fails, floor):
    reqs = [r for r in requirements_for(finding(rule, value)) if r.strength == HARD]
    assert reqs
    assert all(r.check(CATALOG.get(passes)) is not False for r in reqs)
    assert any(r.check(CATALOG.get(fails)) is False for r in reqs)
    # the floor itself: the verdict's NVIDIA architecture floor, set by the format's line
    assert nvidia_floor(finding(rule, value, line=7)) == (*floor, ["train.py:7"])


def test_recipes_are_read_as_their_format():
    code = (
        "from transformer_engine.common import recipe\n"
        "a = recipe.NVFP4BlockScaling()\n"
        "b = recipe.MXFP8BlockScaling()\n"
        "c = recipe.Float8BlockScaling()\n"
        "d = recipe.Float8CurrentScaling()\n"
    )
    rows = [r for r in finding_rows(code, "python") if r[0] in ("WAC104", "WAC106")]
    assert rows == [
        ("WAC104", "fp8", "enabled", 5),
        ("WAC104", "fp8-block", "enabled", 4),
        ("WAC104", "mxfp8", "enabled", 3),
        ("WAC106", "nvfp4", "enabled", 2),
    ]
