"""File names of the formats-A kinds are classified as such."""

from __future__ import annotations

from pathlib import Path

import pytest

from whackachip_lint.discover import classify


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Dockerfile", "dockerfile"),
        ("docker/Dockerfile.rocm", "dockerfile"),
        ("Dockerfile-npu", "dockerfile"),
        ("images/train.Dockerfile", "dockerfile"),
        ("Containerfile", "dockerfile"),
        ("requirements.txt", "requirements"),
        ("requirements-npu.txt", "requirements"),
        ("dev-requirements.txt", "requirements"),
        ("requirements/base.txt", "requirements"),
        ("pyproject.toml", "pyproject"),
        ("setup.cfg", "setupcfg"),
        ("Makefile", "makefile"),
        ("build/rules.mk", "makefile"),
        ("CMakeLists.txt", "cmake"),
        ("cmake/cuda.cmake", "cmake"),
        ("configs/accelerate.yaml", "yaml"),
        ("environment.yml", "yaml"),
        ("setup.py", "python"),
    ],
)
def test_classify(tmp_path, name, kind):
    assert classify(tmp_path / name) == kind


@pytest.mark.parametrize("name", ["Dockerfile.md", "notes.txt", "Makefile.py", "data/labels.txt"])
def test_not_classified_as_formats_a(tmp_path, name):
    assert classify(Path(tmp_path / name)) not in ("dockerfile", "makefile", "requirements")
