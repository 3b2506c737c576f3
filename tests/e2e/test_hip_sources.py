"""End to end: HIP kernels, CMake HIP builds and Jenkinsfiles as AMD evidence (WAC606), with the standing of
CUDA kernels (a vendored tree's do not speak for the repository) and of CI (a Jenkinsfile breaks no vendor tie).

Each test builds a small synthetic repository: CUDA-looking PyTorch training code (NVIDIA or AMD alike, so
NVIDIA by default) plus one file under test.
"""

from __future__ import annotations

from pathlib import Path

from whackachip_lint.paths.roles import is_ci_path, is_support_path

from ..conftest import scan_json

TRAIN = (
    "import torch\nimport torch.distributed as dist\n\n\ndef main():\n"
    '    dist.init_process_group(backend="nccl")\n    return torch.nn.Linear(8, 8).to("cuda")\n\n\n'
    'if __name__ == "__main__":\n    main()\n'
)
HIP_KERNEL = (
    "// Fixture written for wac-lint: a HIP kernel.\n"
    "__global__ void scale(float* x, float a) { x[threadIdx.x] *= a; }\n"
    "void launch(float* x) { hipLaunchKernelGGL(scale, dim3(1), dim3(64), 0, 0, x, 2.0f); }\n"
)


def repo_with(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "repo"
    for name, text in {"train.py": TRAIN, **files}.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    return repo


def vendors(repo: Path) -> dict[str, str]:
    data = scan_json(".", cwd=repo)["inference"]
    return {v["name"]: v["status"] for v in data["vendors"] if v["status"] != "possible"}


def hip_findings(repo: Path) -> list[tuple[str, str, int, str]]:
    return sorted((f["path"], f["value"], f["line"], f["state"]) for f in scan_json(".", cwd=repo)["findings"]
                  if f["rule"] == "WAC606")


def test_the_repositorys_own_hip_kernel_names_amd(tmp_path):
    repo = repo_with(tmp_path, {"csrc/scale.hip": HIP_KERNEL})
    assert hip_findings(repo) == [("csrc/scale.hip", "kernel", 2, "enabled")]
    assert vendors(repo) == {"AMD": "likely"}


def test_without_the_hip_kernel_the_same_code_stays_nvidia(tmp_path):
    repo = repo_with(tmp_path, {"csrc/scale.cu": HIP_KERNEL.replace("hipLaunchKernelGGL", "launch_kernel")})
    assert hip_findings(repo) == []
    assert vendors(repo) == {"NVIDIA": "likely"}


def test_a_vendored_trees_hip_kernel_does_not_speak_for_the_repository(tmp_path):
    repo = repo_with(tmp_path, {"third_party/kernels/scale.hip": HIP_KERNEL,
                                ".gitmodules": '[submodule "kernels"]\n\tpath = third_party/kernels\n'})
    assert vendors(repo) == {"NVIDIA": "likely"}


def test_a_hip_branch_of_a_cuda_source_is_conditional_and_breaks_no_tie(tmp_path):
    source = ("#ifdef USE_ROCM\n#include <hip/hip_runtime.h>\n#else\n#include <cuda_runtime.h>\n#endif\n"
              "__global__ void k(float* x) {}\n")
    repo = repo_with(tmp_path, {"csrc/k.cu": source})
    assert hip_findings(repo) == [("csrc/k.cu", "kernel", 2, "conditional")]
    assert vendors(repo) == {"NVIDIA": "likely"}


def test_a_cmake_hip_build_is_reported_where_the_language_is_enabled(tmp_path):
    cmake = "cmake_minimum_required(VERSION 3.21)\nproject(kern LANGUAGES CXX)\nenable_language(HIP)\n"
    repo = repo_with(tmp_path, {"CMakeLists.txt": cmake})
    assert hip_findings(repo) == [("CMakeLists.txt", "build", 3, "enabled")]


JENKINSFILE = (
    "// Fixture written for wac-lint: a CI pipeline on a ROCm node.\n"
    "pipeline {\n  agent any\n  stages {\n    stage('Test') {\n      steps {\n"
    "        sh 'rocm-smi --showproductname'\n"
    "        sh \"\"\"\n          docker run --device=/dev/kfd rocm/pytorch:latest pytest tests\n        \"\"\"\n"
    "        // sh 'amd-smi list'\n"
    "      }\n    }\n  }\n}\n"
)


def test_a_jenkinsfiles_shell_steps_are_read_in_place(tmp_path):
    repo = repo_with(tmp_path, {"Jenkinsfile": JENKINSFILE})
    found = sorted((f["rule"], f["value"], f["line"], f["column"]) for f in scan_json(".", cwd=repo)["findings"]
                   if f["path"] == "Jenkinsfile")
    assert found == [("WAC209", "amd", 7, 13), ("WAC704", "/dev/kfd", 9, 22), ("WAC801", "rocm/pytorch:latest", 9, 40)]


def test_a_jenkinsfile_is_ci_and_does_not_flip_an_nvidia_repository(tmp_path):
    repo = repo_with(tmp_path, {"Jenkinsfile": JENKINSFILE})
    assert vendors(repo) == {"NVIDIA": "likely"}


def test_a_jenkinsfile_is_a_ci_path_and_a_support_file():
    assert is_ci_path("Jenkinsfile") and is_ci_path("ci/Jenkinsfile.rocm") and is_support_path("Jenkinsfile")
    assert not is_ci_path("docs/jenkins.md") and not is_ci_path("train.py")


WGMMA_KERNEL = '__global__ void k() { asm volatile("wgmma.fence.sync.aligned;"); }\n'


def test_a_plugins_hip_kernel_is_optional_beside_the_repositorys_own_cuda_kernels(tmp_path):
    plugin = "mypkg/integrations/rocm"
    repo = repo_with(tmp_path, {"mypkg/__init__.py": "", f"{plugin}/__init__.py": "def load():\n    return None\n",
                                f"{plugin}/csrc/scale.hip": HIP_KERNEL, "csrc/gemm.cu": WGMMA_KERNEL})
    roles = {f["path"]: f["properties"]["role"] for f in scan_json(".", cwd=repo)["findings"]}
    assert roles[f"{plugin}/csrc/scale.hip"] == "optional" and roles["csrc/gemm.cu"] == "training"
    assert vendors(repo) == {"NVIDIA": "likely"}
