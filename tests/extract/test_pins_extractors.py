"""Dependency pins: requirements*.txt, pyproject.toml, setup.cfg, setup.py."""

from __future__ import annotations

from ..conftest import finding_rows, scan_snippet


def rows(code: str, kind: str, filename: str | None = None):
    return finding_rows(code, kind, filename)


def test_requirements_lines_options_markers_and_comments():
    code = (
        "--extra-index-url https://download.pytorch.org/whl/rocm6.1\n"
        "torch==2.4.0+rocm6.1  # the ROCm build\n"
        "torch_npu==2.1.0.post3; platform_machine == 'aarch64'\n"
        "# jax[tpu]==0.4.30\n"
        "flash-attn==1.0.9 \\\n"
        "    --hash=sha256:0000\n"
        "-r base.txt\n"
        "numpy>=1.26\n"
        "this is not a requirement\n"
    )
    assert rows(code, "requirements") == [
        ("WAC802", "rocm6.1", "enabled", 1),
        ("WAC802", "rocm6.1", "enabled", 2),
        ("WAC803", "jax[tpu]", "mentioned", 4),
        ("WAC803", "torch-npu", "conditional", 3),
        ("WAC804", "flash-attn", "enabled", 5),
    ]


def test_requirements_with_index_options_on_their_own_line():
    # JAX's install line, written into a requirements file, and a pin with its own index: pip reads both.
    code = (
        "jax[tpu]>=0.4.20 -f https://storage.googleapis.com/jax-releases/libtpu_releases.html\n"
        "torch==2.3.0 --index-url https://download.pytorch.org/whl/cu121\n"
        "torch_npu==2.1.0 --extra-index-url=https://example.org/simple\n"
        "numpy>=1.26 -i https://pypi.org/simple\n"
    )
    assert rows(code, "requirements") == [
        ("WAC802", "cu121", "enabled", 2),
        ("WAC803", "jax[tpu]", "enabled", 1),
        ("WAC803", "torch-npu", "enabled", 3),
    ]


def test_trailing_index_options_are_pips_own_spellings():
    # pins.PIP_INDEX_OPTIONS, whole: a dangling `-i` is cut like a dangling `--index-url` (pip refuses both, the
    # requirement is still what the line asks for); `--index-url-x` is no option of pip's and leaves the line unread.
    code = "torch==2.3.0+cu121 -i\nflash-attn==1.0.9 --index-url\ncupy-cuda12x --index-url-x https://example.org\n"
    assert rows(code, "requirements") == [("WAC802", "cu121", "enabled", 1), ("WAC804", "flash-attn", "enabled", 2)]


def test_requirement_properties_are_self_describing():
    result = scan_snippet("torch==2.3.0+cu121\nflash-attn==1.0.9\n", "requirements")
    torch, flash = sorted(result.findings, key=lambda f: f.line)
    assert dict(torch.properties) == {
        "package": "torch",
        "version": "2.3.0+cu121",
        "variant": "cu121",
        "source": "local-version",
        "vendor": "nvidia",
        "accelerator": "gpu",
        "cuda": "12.1",
    }
    assert flash.properties["kernel"] == "fa1"
    assert (torch.span.column, torch.span.end_column) == (1, 19)


def test_wheel_url_and_vendor_families():
    code = (
        "torch @ https://download.pytorch.org/whl/cu118/torch-2.1.0%2Bcu118-cp310-cp310-linux_x86_64.whl\n"
        "cupy-cuda12x\n"
        "optimum-habana==1.11\n"
        "intel-extension-for-pytorch==2.1.10+xpu\n"
        "intel-extension-for-pytorch==2.1.0\n"
        "mlx\n"
        "libtpu-nightly\n"
        "transformer-engine[pytorch]\n"
    )
    assert rows(code, "requirements") == [
        ("WAC802", "cu118", "enabled", 1),
        ("WAC803", "cupy-cuda12x", "enabled", 2),
        ("WAC803", "intel-extension-for-pytorch+xpu", "enabled", 4),
        ("WAC803", "libtpu-nightly", "enabled", 7),
        ("WAC803", "mlx", "enabled", 6),
        ("WAC803", "optimum-habana", "enabled", 3),
        ("WAC804", "transformer-engine", "enabled", 8),
    ]


def test_pyproject_dependencies_extras_groups_and_indexes():
    code = (
        "[project]\n"
        'name = "x"\n'
        "dependencies = [\n"
        '    "torch==2.5.1+cu124",\n'
        '    "numpy",\n'
        "]\n"
        "[project.optional-dependencies]\n"
        'npu = ["torch_npu==2.5.1"]\n'
        "[dependency-groups]\n"
        "dev = ['xformers']\n"
        "[[tool.uv.index]]\n"
        'name = "pytorch-rocm"\n'
        'url = "https://download.pytorch.org/whl/rocm6.2"\n'
    )
    assert rows(code, "pyproject") == [
        ("WAC802", "cu124", "enabled", 4),
        ("WAC802", "rocm6.2", "enabled", 13),
        ("WAC803", "torch-npu", "conditional", 8),
        ("WAC804", "xformers", "conditional", 10),
    ]


def test_pyproject_poetry_dependencies():
    code = (
        "[tool.poetry.dependencies]\n"
        'python = "^3.10"\n'
        'torch = {version = "2.1.0+cu118", source = "pytorch"}\n'
        'torch_npu = {version = "2.1.0", optional = true}\n'
    )
    assert rows(code, "pyproject") == [("WAC802", "cu118", "enabled", 3), ("WAC803", "torch-npu", "conditional", 4)]


def test_invalid_toml_is_a_diagnostic():
    result = scan_snippet("[project\nname = 1\n", "pyproject")
    assert result.findings == []
    assert result.diagnostics[0].message.startswith("not valid TOML")


def test_setup_cfg():
    code = (
        "[metadata]\n"
        "name = x\n"
        "[options]\n"
        "install_requires =\n"
        "    torch==2.1.0+cu121\n"
        "    # torch_npu\n"
        "    numpy\n"
        "[options.extras_require]\n"
        "fa = flash-attn>=2.5\n"
        "[tool:pytest]\n"
        "addopts = -q\n"
    )
    assert rows(code, "setupcfg") == [
        ("WAC802", "cu121", "enabled", 5),
        ("WAC803", "torch-npu", "mentioned", 6),
        ("WAC804", "flash-attn", "conditional", 9),
    ]


def test_setup_py_install_requires_only_in_setup_py():
    code = (
        "from setuptools import setup\n"
        "REQUIRED = ['torch_npu==2.1.0', 'numpy']\n"
        "setup(\n"
        "    name='x',\n"
        "    install_requires=REQUIRED,\n"
        "    extras_require={'fa3': ['flash_attn_3']},\n"
        ")\n"
    )
    assert rows(code, "python", "setup.py") == [
        ("WAC803", "torch-npu", "enabled", 2),
        ("WAC804", "flash-attn-3", "conditional", 6),
    ]
    assert rows(code, "python", "build.py") == []


def test_editable_vcs_requirement_named_by_its_egg():
    code = "-e git+https://example.invalid/flash-attention.git@v2.6.3#egg=flash_attn\n"
    assert rows(code, "requirements") == [("WAC804", "flash-attn", "enabled", 1)]


def test_editable_and_plain_urls_named_by_their_egg():
    assert rows("--editable=git+https://example.invalid/apex.git#egg=apex\n", "requirements") == [
        ("WAC804", "apex", "enabled", 1)]
    assert rows("git+https://example.invalid/n.git@v1#subdirectory=py&egg=torch_npu\n", "requirements") == [
        ("WAC803", "torch-npu", "enabled", 1)]
    # A path or a URL without an egg names no package; a PEP 508 `name @ URL` is read by its name as before.
    assert rows("-e ./apex\n-e git+https://example.invalid/apex.git\ngit+https://example.invalid/mlx.git\n",
                "requirements") == []
    assert rows("numpy @ git+https://example.invalid/x.git#egg=mlx\n", "requirements") == []


def test_setup_py_lists_joined_with_plus():
    code = (
        "from setuptools import setup\n"
        "BASE = ['numpy']\n"
        "setup(name='x', install_requires=BASE + ['torch==2.2.0+rocm5.7'])\n"
    )
    assert rows(code, "python", "setup.py") == [("WAC802", "rocm5.7", "enabled", 3)]


def test_toolkit_named_packages_and_other_vendors():
    code = "cudf-cu12==24.4\njax-cuda12-plugin\njax-rocm60-plugin\ntensorrt-llm\ntorch-neuronx\nvllm\n"
    assert rows(code, "requirements") == [
        ("WAC803", "cudf-cu12", "enabled", 1),
        ("WAC803", "jax-cuda12-plugin", "enabled", 2),
        ("WAC803", "jax-rocm60-plugin", "enabled", 3),
        ("WAC803", "tensorrt-llm", "enabled", 4),
        ("WAC803", "torch-neuronx", "enabled", 5),
    ]
