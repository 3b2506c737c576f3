"""`pip install` and `conda install` read one way (extract/pip_install.py) in Dockerfile RUN lines, shell scripts,
README shell blocks and notebook `!pip` / `!conda` lines: each form, in each extractor, with the exact findings it
gives."""

from __future__ import annotations

import json

import pytest

from whackachip_lint.extract.pip_install import (
    CondaArgument, PipArgument, conda_install_arguments, conda_install_start, install_arguments, install_start,
)
from whackachip_lint.rules.codes import Code

from ..conftest import scan_snippet

PIN_RULES = {Code.TORCH_WHEEL_VARIANT, Code.VENDOR_RUNTIME_PACKAGE, Code.ACCELERATOR_LIBRARY_PACKAGE,
             Code.CUDA_TOOLKIT_PIN}
NPU = (Code.VENDOR_RUNTIME_PACKAGE, "torch-npu")
INSTALLS_NPU = [(*NPU, "torch_npu", "torch_npu")]  # torch_npu, reported at the word that names it
ROCM_INDEX = "https://download.pytorch.org/whl/rocm6.0"

# Ways to write a pip install of torch_npu: each gives INSTALLS_NPU.
NPU_FORMS = {
    "pip": "pip install torch_npu==2.1.0",
    "pip3": "pip3 install torch_npu",
    "pip3.10": "pip3.10 install torch_npu",
    "pip path": "/opt/conda/bin/pip install torch_npu",
    "python -m pip": "python -m pip install torch_npu",
    "python3 -m pip": "python3 -m pip install torch_npu",
    "python3.11 -m pip": "python3.11 -m pip install torch_npu",
    "python options": "python3 -u -W ignore -m pip install torch_npu",
    "uv pip": "uv pip install torch_npu",
    "general options": "pip --no-cache-dir --proxy http://p:3128 install torch_npu",
    "sudo": "sudo pip install torch_npu",
    "sudo -H": "sudo -H pip3 install torch_npu",
    "env prefix": "PIP_NO_CACHE_DIR=1 pip install torch_npu",
    "env command": "env PIP_NO_CACHE_DIR=1 pip install torch_npu",
    "value options": "pip install -r mlx -c mlx -e mlx --prefix mlx --python mlx torch_npu",
    "inline values": "pip install --requirement=mlx.txt --constraint=c.txt torch_npu",
    "-e": "pip install -e . torch_npu",
}
# Index options and quoting: (command, option or first characters where the finding starts in a script, where it
# starts in a Dockerfile). A Dockerfile reports an index at its URL and a quoted word from its quote; a script (and
# what the shell extractor reads for README blocks and notebooks) an index from its option on, and a quoted word
# from its first character inside the quotes.
PIN_FORMS = {
    "--index-url": (f"pip install torch --index-url {ROCM_INDEX}", Code.TORCH_WHEEL_VARIANT, "rocm6.0",
                    "--index-url", "https://"),
    "--index-url=": (f"pip install torch --index-url={ROCM_INDEX}", Code.TORCH_WHEEL_VARIANT, "rocm6.0",
                     "--index-url", "https://"),
    "-i": ("pip install torch -i https://download.pytorch.org/whl/cu121", Code.TORCH_WHEEL_VARIANT, "cu121",
           "-i", "https://"),
    "--extra-index-url": ("pip3 install torch --extra-index-url https://download.pytorch.org/whl/cu118",
                          Code.TORCH_WHEEL_VARIANT, "cu118", "--extra-index-url", "https://"),
    "-f": ("pip install torch -f https://download.pytorch.org/whl/cu118/torch_stable.html", Code.TORCH_WHEEL_VARIANT,
           "cu118", "-f", "https://"),
    "quoted index": (f'pip install torch --index-url "{ROCM_INDEX}"', Code.TORCH_WHEEL_VARIANT, "rocm6.0",
                     "--index-url", '"https://'),
    "quoted requirement": ("pip install 'jax[tpu]>=0.4.20' -f https://storage.googleapis.com/jax-releases/x.html",
                           Code.VENDOR_RUNTIME_PACKAGE, "jax[tpu]", "jax", "'jax"),
    "quoted with spaces": ('pip install "torch == 2.1.0+cu121"', Code.TORCH_WHEEL_VARIANT, "cu121", "torch",
                           '"torch'),
    "local version": ("pip install torch==2.1.0+cu121", Code.TORCH_WHEEL_VARIANT, "cu121", "torch==", "torch=="),
}
# (command, [(rule, value, where the finding starts in a script, where it starts in a Dockerfile)]): `where` is a
# piece of the command text.
FORMS = {
    **{name: (command, INSTALLS_NPU) for name, command in NPU_FORMS.items()},
    **{name: (command, [(rule, value, at_script, at_docker)])
       for name, (command, rule, value, at_script, at_docker) in PIN_FORMS.items()},
    "continuation": ("pip install --no-cache-dir \\\n    torch_npu mlx",
                     [*INSTALLS_NPU, (Code.VENDOR_RUNTIME_PACKAGE, "mlx", "mlx", "mlx")]),
    # A URL's #egg= names the package (an editable install's is reported from its -e).
    "-e egg": ("pip install -e git+https://example.invalid/apex.git#egg=apex",
               [(Code.ACCELERATOR_LIBRARY_PACKAGE, "apex", "-e", "git+")]),
    "--editable= egg": ("pip install --editable=git+https://example.invalid/n.git#egg=torch_npu",
                        [(*NPU, "--editable", "--editable")]),
    "URL egg": ("pip install git+https://example.invalid/fa.git@v2#egg=flash_attn&subdirectory=csrc",
                [(Code.ACCELERATOR_LIBRARY_PACKAGE, "flash-attn", "git+", "git+")]),
    # conda, mamba and micromamba: specs as an environment.yml's, and NVIDIA's CUDA channel labels.
    "conda": ("conda install -y pytorch pytorch-cuda=12.1 -c pytorch -c nvidia",
              [(Code.TORCH_WHEEL_VARIANT, "cu121", "pytorch-cuda", "pytorch-cuda")]),
    "conda create": ("conda create -n train python=3.10 pytorch-cuda=11.8 -c nvidia",
                     [(Code.TORCH_WHEEL_VARIANT, "cu118", "pytorch-cuda", "pytorch-cuda")]),
    "mamba path": ("/opt/conda/bin/mamba install -c conda-forge cudatoolkit=11.8",
                   [(Code.CUDA_TOOLKIT_PIN, "11.8", "cudatoolkit", "cudatoolkit")]),
    "micromamba": ("micromamba install -y -n base -r /opt/mm cuda-version=12.4 mlx",
                   [(Code.CUDA_TOOLKIT_PIN, "12.4", "cuda-version", "cuda-version"),
                    (Code.VENDOR_RUNTIME_PACKAGE, "mlx", "mlx", "mlx")]),
    "conda channel label": ('conda install -c "nvidia/label/cuda-12.1.0" cuda-toolkit',
                            [(Code.CUDA_TOOLKIT_PIN, "12.1.0", "-c", '"nvidia')]),
    "conda --channel=": ("conda install --channel=https://conda.anaconda.org/nvidia/label/cuda-11.8.0 cuda-nvcc",
                         [(Code.CUDA_TOOLKIT_PIN, "11.8.0", "--channel", "https://")]),
}
# Commands that install nothing with pip.
NOT_INSTALLS = {
    "download": "pip download torch_npu",
    "show": "pip show torch_npu",
    "echo": "echo pip install torch_npu",
    "python -c": "python -c 'import torch_npu'",
    "pipx": "python -m pipx install torch_npu",
    "uv add": "uv add torch_npu",
    "option values": "pip install -r torch_npu -c torch_npu -e torch_npu --python torch_npu",
    "comment": "pip install --upgrade pip  # torch_npu",
    "editable paths": "pip install -e apex -e git+https://example.invalid/apex.git",  # no egg names a package
    "conda remove": "conda remove pytorch-cuda=12.1 cudatoolkit=11.8",
    "conda search": "conda search -c nvidia cuda-toolkit=12.1",
    "echo conda": "echo conda install pytorch-cuda=12.1",
    # A channel's name says where packages come from, not what they are built for.
    "conda channels": "conda install -c nvidia -c intel -c pytorch numpy",
    "conda option values": "conda install -n cudatoolkit=11.8 -p pytorch-cuda=12.1 --file cuda-version=12.1 numpy",
}


def _position(command: str, where: str) -> tuple[int, int]:
    """(line within the command, 1-based column) where `where` first occurs."""
    before = command[: command.index(where)]
    return before.count("\n"), len(before) - (before.rfind("\n") + 1) + 1


def _dockerfile(command: str) -> list[tuple]:
    found = scan_snippet(f"FROM ubuntu:22.04\nRUN {command}\n", "dockerfile").findings
    return [(f.rule, f.value, f.line - 2, f.column - (4 if f.line == 2 else 0)) for f in found if f.rule in PIN_RULES]


def _shell(command: str) -> list[tuple]:
    found = scan_snippet(f"{command}\n", "shell").findings
    return [(f.rule, f.value, f.line - 1, f.column) for f in found if f.rule in PIN_RULES]


def _readme(command: str) -> list[tuple]:
    found = scan_snippet(f"# Set up\n\n```bash\n{command}\n```\n", "markdown").findings
    return [(f.rule, f.value, f.line - 4, f.column) for f in found if f.rule in PIN_RULES]


def _notebook(command: str) -> list[tuple]:
    lines = f"!{command}".splitlines(keepends=True)
    cell = {"cell_type": "code", "execution_count": 1, "id": "c", "metadata": {}, "outputs": [], "source": lines}
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    found = scan_snippet(json.dumps(notebook, indent=1), "notebook").findings
    return [(f.rule, f.value, f.properties["cell_line"] - 1,
             f.properties["cell_column"] - (1 if f.properties["cell_line"] == 1 else 0))
            for f in found if f.rule in PIN_RULES]


READERS = {"script": _shell, "README block": _readme, "notebook !pip": _notebook, "Dockerfile RUN": _dockerfile}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("form", FORMS)
def test_every_form_gives_its_findings_in_every_extractor(form, reader):
    command, expected = FORMS[form]
    docker = reader == "Dockerfile RUN"
    rows = [(rule, value, *_position(command, at_docker if docker else at_script))
            for rule, value, at_script, at_docker in expected]
    assert sorted(READERS[reader](command)) == sorted(rows)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("form", NOT_INSTALLS)
def test_commands_that_install_nothing_give_nothing_in_every_extractor(form, reader):
    assert READERS[reader](NOT_INSTALLS[form]) == []


@pytest.mark.parametrize("command", ["uv pip install torch_npu", "pip3.10 install torch_npu",
                                     "/opt/conda/bin/pip install torch_npu", "python3.11 -m pip install torch_npu"])
def test_an_untagged_readme_block_that_installs_with_pip_is_read(command):
    text = f"# Set up\n\n```\n{command}\n```\n"
    assert [(f.rule, f.value, f.line) for f in scan_snippet(text, "markdown").findings if f.rule in PIN_RULES] == [
        (*NPU, 4)]
    assert [f for f in scan_snippet("```\nuv is fast: torch_npu\n```\n", "markdown").findings] == []


def test_percent_pip_magic_installs_as_a_bang_does():
    assert _notebook_magic("%pip install torch_npu") == [(Code.VENDOR_RUNTIME_PACKAGE, "torch-npu", 1, 14)]
    assert _notebook_magic("%pip show torch_npu") == []


def _notebook_magic(line: str) -> list[tuple]:
    cell = {"cell_type": "code", "execution_count": 1, "id": "c", "metadata": {}, "outputs": [], "source": [line]}
    found = scan_snippet(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
                         "notebook").findings
    return [(f.rule, f.value, f.properties["cell_line"], f.properties["cell_column"]) for f in found
            if f.rule in PIN_RULES]


def test_percent_conda_magic_installs_as_a_bang_does():
    assert _notebook_magic("%conda install pytorch-cuda=12.1 -c nvidia") == [
        (Code.TORCH_WHEEL_VARIANT, "cu121", 1, 16)]
    assert _notebook_magic("%conda list pytorch-cuda=12.1") == []


def test_an_untagged_readme_block_that_installs_with_mamba_is_read():
    text = "# Set up\n\n```\nmicromamba install -y cudatoolkit=11.8\n```\n"
    assert [(f.rule, f.value, f.line) for f in scan_snippet(text, "markdown").findings if f.rule in PIN_RULES] == [
        (Code.CUDA_TOOLKIT_PIN, "11.8", 4)]
    assert [f for f in scan_snippet("```\nmicromamba is fast: cudatoolkit=11.8\n```\n", "markdown").findings] == []


def test_a_script_whose_one_trigger_is_micromamba_is_read():
    # The pre-filter's words for the package rules in shell files include the conda installers.
    assert _shell("micromamba install mlx") == [(Code.VENDOR_RUNTIME_PACKAGE, "mlx", 0, 20)]


def test_conda_install_start_and_arguments_by_word():
    words = ["conda", "--no-plugins", "install", "-y", "-n", "env", "-c", "pytorch", "--channel=nvidia", "numpy",
             "--solver", "libmamba", "pytorch-cuda=12.1"]
    start = conda_install_start(words)
    assert start == 3
    assert list(conda_install_arguments(words, start)) == [
        CondaArgument("pytorch", 6, 7, index=True), CondaArgument("nvidia", 8, 8, index=True),
        CondaArgument("numpy", 9, 9), CondaArgument("pytorch-cuda=12.1", 12, 12)]
    assert conda_install_start(["sudo", "/opt/conda/bin/mamba", "create", "x"], 1) == 3
    for words in (["conda"], ["conda", "list"], ["conda", "env", "create"], ["condax", "install"], ["pip", "install"],
                  ["", "install"]):
        assert conda_install_start(words) is None, words


def test_install_start_and_arguments_by_word():
    words = ["python3", "-m", "pip", "install", "-U", "torch", "--index-url", "URL", "-ihttp://x", "-r", "f", "a"]
    start = install_start(words)
    assert start == 4
    assert list(install_arguments(words, start)) == [
        PipArgument("torch", 5, 5), PipArgument("URL", 6, 7, index=True), PipArgument("http://x", 8, 8, index=True),
        PipArgument("a", 11, 11)]
    assert install_start(["sudo", "pip", "install"], 1) == 3
    assert install_start(["uv", "--directory", "d", "pip", "install"]) == 5
    for words in (["pip"], ["pip", "download"], ["python", "-m"], ["python", "-m", "pip", "list"], ["uv", "add"],
                  ["python", "train.py", "-m", "pip", "install"], ["", "install"], ["pipx", "install"]):
        assert install_start(words) is None, words
