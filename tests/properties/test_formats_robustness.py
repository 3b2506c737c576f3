"""Arbitrary text never crashes a formats-A extractor: it gives findings or a diagnostic."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whackachip_lint.config import Settings

from ..conftest import scan_snippet

NO_PREFILTER = Settings(prefilter=False)

KINDS = [
    ("yaml", "snippet.yaml"),
    ("yaml", "environment.yml"),
    ("dockerfile", "Dockerfile"),
    ("requirements", "requirements.txt"),
    ("pyproject", "pyproject.toml"),
    ("setupcfg", "setup.cfg"),
    ("makefile", "Makefile"),
    ("cmake", "CMakeLists.txt"),
    ("python", "setup.py"),
]

# Text built from the characters these formats care about, so the parsers are exercised.
ALPHABET = string.ascii_letters + string.digits + " \t\n#:=-_.,;[]{}()\"'\\$`<>|&*!+/@%"
TOKENS = st.sampled_from([
    "FROM ", "ARG ", "ENV ", "RUN ", "${BASE}", "pip install ", "torch==2.1+cu121", "torch_npu", "\\\n",
    "nvidia.com/gpu: ", "precision: ", "bf16", "- ", "  ", "\n", "&a ", "*a", "{{ .Values.x }}", "set(",
    "CMAKE_CUDA_ARCHITECTURES ", "80-real", ")", "ifeq", "endif", "TORCH_CUDA_ARCH_LIST=", "8.0", "#", "[project]",
    "dependencies = [", "\"", "<<EOF\n", "EOF\n", "-gencode arch=compute_90a,code=sm_90a", "install_requires=",
])
TEXT = st.one_of(st.text(alphabet=ALPHABET, max_size=300), st.lists(TOKENS, max_size=60).map("".join))


@pytest.mark.parametrize(("kind", "filename"), KINDS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT)
def test_no_crash(kind, filename, text):
    # Without the pre-filter every input reaches the extractor (most random text has no trigger word); an extractor
    # that raises is caught by the scanner and reported as an "internal error" diagnostic: that is a crash too.
    result = scan_snippet(text, kind, filename, settings=NO_PREFILTER)
    for finding in result.findings:
        assert finding.span.line >= 1 and finding.span.column >= 1
        assert finding.span.end_line >= finding.span.line
    for diagnostic in result.diagnostics:
        assert diagnostic.path == filename and diagnostic.message
        assert "internal error" not in diagnostic.message, diagnostic.message


def test_deeply_nested_yaml_is_a_diagnostic_not_a_crash():
    result = scan_snippet("[" * 5000 + "]" * 5000 + "\n", "yaml")
    assert result.findings == []
    assert len(result.diagnostics) <= 1
