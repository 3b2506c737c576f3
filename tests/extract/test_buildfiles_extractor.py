"""Makefiles and CMake files: compile target lists and flags."""

from __future__ import annotations

from ..conftest import finding_rows, scan_snippet


def rows(code: str, kind: str):
    return finding_rows(code, kind)


def test_makefile_variables_flags_conditionals_and_comments():
    code = (
        "TORCH_CUDA_ARCH_LIST ?= 8.0\n"
        "CUDA_ARCH := sm_80 sm_90a\n"
        "NVCC_FLAGS += -gencode arch=compute_80,code=sm_80 \\\n"
        "\t-gencode arch=compute_90,code=compute_90\n"
        "# HIPFLAGS = --offload-arch=gfx942\n"
        "HIP_FLAGS = -O3\n"
        "ifeq ($(ROCM),1)\n"
        "HIPFLAGS += --offload-arch=gfx90a\n"
        "endif\n"
        "build:\n"
        '\tTORCH_CUDA_ARCH_LIST="9.0" pip install -e .\n'
    )
    assert rows(code, "makefile") == [
        ("WAC603", "8.0", "enabled", 1),
        ("WAC603", "8.0", "enabled", 3),
        ("WAC603", "8.0;9.0a", "enabled", 2),
        ("WAC603", "9.0", "enabled", 11),
        ("WAC603", "9.0+PTX", "enabled", 4),
        ("WAC604", "gfx90a", "conditional", 8),
        ("WAC604", "gfx942", "mentioned", 5),
    ]


def test_makefile_flag_spans_follow_continuation_lines():
    result = scan_snippet("FLAGS = -O2 \\\n  -gencode arch=compute_86,code=sm_86\n", "makefile")
    (finding,) = result.findings
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (2, 3, 38)


def test_cmake_architectures_notation():
    code = (
        "cmake_minimum_required(VERSION 3.24)\n"
        "set(CMAKE_CUDA_ARCHITECTURES 80-real 90a)\n"
        "# set(CMAKE_CUDA_ARCHITECTURES 70)\n"
        "if(USE_ROCM)\n"
        '  set(CMAKE_HIP_ARCHITECTURES "gfx90a;gfx942")\n'
        "endif()\n"
        'set_target_properties(k PROPERTIES CUDA_ARCHITECTURES "89"\n'
        "  POSITION_INDEPENDENT_CODE ON)\n"
        'string(APPEND CMAKE_CUDA_FLAGS " -gencode arch=compute_90a,code=sm_90a")\n'
        'set(TORCH_CUDA_ARCH_LIST "8.0 8.6+PTX")\n'
        "set(CMAKE_CUDA_ARCHITECTURES native)\n"
        "#[[ set(CMAKE_CUDA_ARCHITECTURES 75) ]]\n"
    )
    assert rows(code, "cmake") == [
        ("WAC603", "7.0+PTX", "mentioned", 3),
        ("WAC603", "8.0;8.6+PTX", "enabled", 10),
        ("WAC603", "8.0;9.0a+PTX", "enabled", 2),
        ("WAC603", "8.9+PTX", "enabled", 7),
        ("WAC603", "9.0a", "enabled", 9),
        ("WAC603", "native", "conditional", 11),
        ("WAC604", "gfx90a;gfx942", "conditional", 5),
    ]


def test_cmake_without_targets_gives_nothing():
    assert rows("project(x LANGUAGES CXX)\nadd_library(x x.cpp)\n", "cmake") == []


def test_cmake_foreach_body_runs_and_while_body_may_not():
    code = (
        "foreach(t fused other)\n"
        "  set_property(TARGET ${t} PROPERTY CUDA_ARCHITECTURES 90-real)\n"
        "endforeach()\n"
        "while(FALSE)\n"
        "  set(CMAKE_HIP_ARCHITECTURES gfx942)\n"
        "endwhile()\n"
    )
    assert rows(code, "cmake") == [("WAC603", "9.0", "enabled", 2), ("WAC604", "gfx942", "conditional", 5)]


def test_makefile_value_continued_on_the_next_line():
    result = scan_snippet("TORCH_CUDA_ARCH_LIST = 8.0 \\\n    9.0+PTX\n", "makefile")
    (finding,) = result.findings
    assert (finding.value, finding.span.line, finding.span.end_line) == ("8.0;9.0+PTX", 1, 2)


def test_cmake_hip_builds_and_their_look_alikes():
    code = (
        "project(k LANGUAGES CXX HIP)\n"          # 1: HIP among the languages
        "find_package(HIP REQUIRED)\n"             # 2
        "hip_add_library(k k.hip)\n"               # 3: FindHIP's macro
        'set(CMAKE_CXX_COMPILER "/opt/rocm/bin/hipcc")\n'  # 4
        "project(hip_tools LANGUAGES CXX)\n"       # 5: a project named hip is no HIP build
        "find_package(hipblas)\n"                  # 6: a ROCm library, not the language (other rules' business)
        'set(CMAKE_CXX_COMPILER "g++")\n'          # 7
    )
    assert rows(code, "cmake") == [("WAC606", "build", "enabled", 1), ("WAC606", "build", "enabled", 2),
                                   ("WAC606", "build", "enabled", 3), ("WAC606", "build", "enabled", 4)]


def test_cuda_source_under_a_not_rocm_guard_is_one_platform_branch():
    code = '#ifndef USE_ROCM\nasm volatile("wgmma.fence.sync.aligned;");\n#endif\n'
    assert rows(code, "cuda") == [("WAC605", "wgmma", "conditional", 2)]
    assert rows(code.replace("USE_ROCM", "KERNEL_H"), "cuda") == [("WAC605", "wgmma", "enabled", 2)]
    # nvcc's own macro guards code every CUDA build compiles
    assert rows(code.replace("ifndef USE_ROCM", "ifdef __CUDACC__"), "cuda") == [("WAC605", "wgmma", "enabled", 2)]
