"""The Dockerfile extractor: base images (ARG-resolved, multi-stage), ENV/ARG variables, RUN installs."""

from __future__ import annotations

from ..conftest import finding_rows, scan_snippet


def rows(code: str, filename: str = "Dockerfile"):
    return finding_rows(code, "dockerfile", filename)


def test_from_arg_default_is_resolved_and_says_so():
    code = "ARG BASE=rocm/pytorch:rocm6.1_ubuntu22.04_py3.10_pytorch_2.4\nFROM ${BASE}\n"
    result = scan_snippet(code, "dockerfile")
    (finding,) = result.findings
    assert (finding.rule, finding.line, finding.state.value) == ("WAC801", 2, "enabled")
    assert finding.value == "rocm/pytorch:rocm6.1_ubuntu22.04_py3.10_pytorch_2.4"
    assert finding.properties["vendor"] == "amd" and finding.properties["rocm"] == "6.1"
    assert finding.properties["from_arg"] == "BASE"
    assert "--build-arg" in finding.message
    assert (finding.span.column, finding.span.end_column) == (6, 13)  # `${BASE}` as written


def test_unresolved_from_variable_gives_nothing():
    assert rows("ARG BASE\nFROM ${BASE}\n") == []


def test_default_in_the_reference_itself():
    assert rows("FROM ${BASE:-nvidia/cuda:12.4.1-devel-ubuntu22.04}\n") == [
        ("WAC801", "nvidia/cuda:12.4.1-devel-ubuntu22.04", "enabled", 1)
    ]


def test_multi_stage_platform_and_stage_references():
    code = (
        "FROM --platform=linux/arm64 nvcr.io/nvidia/pytorch:24.05-py3 AS build\n"
        "RUN make\n"
        "FROM build AS test\n"
        "FROM ubuntu:22.04 AS final\n"
    )
    result = scan_snippet(code, "dockerfile")
    assert [(f.rule, f.line) for f in result.findings] == [("WAC801", 1)]
    props = result.findings[0].properties
    assert props["platform"] == "linux/arm64" and props["stage"] == "build" and props["ngc_release"] == "24.05"


def test_commented_out_from_is_mentioned():
    assert rows("# FROM rocm/pytorch:latest\nFROM python:3.11\n") == [("WAC801", "rocm/pytorch:latest", "mentioned", 1)]


def test_env_lines_read_like_exports():
    code = (
        "FROM ubuntu:22.04\n"
        'ENV NCCL_IB_DISABLE=1 NCCL_P2P_DISABLE=0 \\\n'
        '    TORCH_CUDA_ARCH_LIST="8.0 9.0+PTX"\n'
        "ENV HSA_FORCE_FINE_GRAIN_PCIE 1\n"
    )
    assert rows(code) == [
        ("WAC205", "HSA_FORCE_FINE_GRAIN_PCIE", "enabled", 4),
        ("WAC301", "NCCL_IB_DISABLE", "disabled", 2),
        ("WAC303", "NCCL_P2P_DISABLE", "enabled", 2),
        ("WAC603", "8.0;9.0+PTX", "enabled", 3),
    ]


def test_run_pip_and_conda_installs():
    code = (
        "FROM ubuntu:22.04\n"
        "RUN pip install --no-cache-dir torch==2.3.1 \\\n"
        "      --index-url https://download.pytorch.org/whl/cu121 && \\\n"
        "    pip install -r requirements.txt flash_attn_3 torch_npu==2.1.0\n"
        "RUN conda install -y -c nvidia pytorch-cuda=12.1\n"
        "RUN echo pip install mlx\n"  # an echo installs nothing
    )
    got = rows(code)
    assert got == [
        ("WAC802", "cu121", "enabled", 3),
        ("WAC802", "cu121", "enabled", 5),
        ("WAC803", "torch-npu", "enabled", 4),
        ("WAC804", "flash-attn-3", "enabled", 4),
    ]


def test_run_inline_variables_and_nvcc_flags():
    code = (
        "FROM nvidia/cuda:12.1.0-devel-ubuntu22.04\n"
        'RUN TORCH_CUDA_ARCH_LIST="9.0" pip install . && \\\n'
        "    nvcc -gencode arch=compute_90a,code=sm_90a -o k k.cu\n"
    )
    assert rows(code) == [
        ("WAC603", "9.0", "enabled", 2),
        ("WAC603", "9.0a", "enabled", 3),
        ("WAC801", "nvidia/cuda:12.1.0-devel-ubuntu22.04", "enabled", 1),
    ]


def test_heredoc_and_escape_directive():
    code = (
        "# escape=`\n"
        "FROM ubuntu:22.04\n"
        "ENV NCCL_DEBUG=INFO `\n"
        "    NCCL_IB_HCA=mlx5\n"
        "RUN <<EOF\n"
        "export NCCL_SOCKET_IFNAME=eth0\n"
        "EOF\n"
    )
    assert rows(code) == [
        ("WAC206", "NCCL_DEBUG", "enabled", 3),
        ("WAC301", "NCCL_IB_HCA", "enabled", 4),
        ("WAC304", "NCCL_SOCKET_IFNAME", "enabled", 6),
    ]


def test_suppression_directive_works_in_dockerfiles():
    result = scan_snippet("FROM rocm/pytorch:latest  # wac-lint: disable=WAC801\n", "dockerfile")
    assert [f.suppressed for f in result.findings] == [True]


def test_partly_unresolved_reference_still_names_its_vendor():
    result = scan_snippet("ARG TAG\nFROM nvcr.io/nvidia/pytorch:${TAG}-py3\n", "dockerfile")
    (finding,) = result.findings
    assert finding.value == "nvcr.io/nvidia/pytorch:${TAG}-py3"
    assert finding.properties["vendor"] == "nvidia" and finding.properties["unresolved"] == "TAG"
    assert "build time" in finding.message


def test_a_run_heredoc_is_read_as_a_script_line_by_line():
    code = ("FROM python:3.11\nRUN <<EOF\nset -e\npip install torch==2.1.0+cu121 deepspeed\n"
            "conda install -y pytorch-cuda=12.1\necho done\nEOF\nRUN pip install flash-attn\n")
    rows = [(rule, value, line) for rule, value, _state, line in finding_rows(code, "dockerfile")
            if rule in ("WAC802", "WAC804")]
    assert rows == sorted([("WAC802", "cu121", 4), ("WAC804", "deepspeed", 4), ("WAC802", "cu121", 5),
                           ("WAC804", "flash-attn", 8)])


def test_a_continued_run_still_ends_commands_at_operators_only():
    code = "FROM python:3.11\nRUN pip install \\\n    deepspeed \\\n    flash-attn\n"
    rows = [(rule, value, line) for rule, value, _state, line in finding_rows(code, "dockerfile")
            if rule == "WAC804"]
    assert rows == [("WAC804", "deepspeed", 3), ("WAC804", "flash-attn", 4)]


def test_an_env_passing_on_its_arg_is_reported_once_at_the_arg():
    # `ENV NAME=${NAME}` keeps the ARG's default in force: one setting, reported where the ARG sets it.
    code = 'FROM ubuntu\nARG TORCH_CUDA_ARCH_LIST="7.0;8.0"\nENV TORCH_CUDA_ARCH_LIST="${TORCH_CUDA_ARCH_LIST}"\n'
    assert [(r[0], r[1], r[3]) for r in rows(code)] == [("WAC603", "7.0;8.0", 2)]
    # An ARG of another name is not reported itself, so the ENV that uses it is.
    code = 'FROM ubuntu\nARG ARCHS="7.0;8.0"\nENV TORCH_CUDA_ARCH_LIST=$ARCHS\n'
    assert [(r[0], r[1], r[3]) for r in rows(code)] == [("WAC603", "7.0;8.0", 3)]
