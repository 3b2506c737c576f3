"""A file's name is matched against the test and support name patterns with one compiled pattern per list: it must
decide exactly as `fnmatchcase` over each pattern does."""

from __future__ import annotations

from fnmatch import fnmatchcase

from hypothesis import given, settings
from hypothesis import strategies as st

from whackachip_lint.paths import roles

PIECES = st.sampled_from(["test_", "_test", "tests", "conftest", ".py", ".txt", "requirements", "-dev", "Dockerfile",
                          ".dockerfile", "setup", ".cfg", "environment", ".yml", ".md", "Makefile", ".mk", "\n", "x",
                          ".cmake", "CMakeLists", "pyproject.toml", "Containerfile", ".in", ".log", ".rst"])


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=4).map("".join))
def test_one_pattern_per_list_decides_as_fnmatchcase_does(name):
    for patterns, compiled in ((roles.TEST_NAMES, roles._TEST_NAME), (roles.SUPPORT_NAMES, roles._SUPPORT_NAME)):
        assert (compiled.match(name) is not None) == any(fnmatchcase(name, p) for p in patterns), name


def test_names_of_each_kind():
    assert roles.is_test_path("pkg/test_model.py") and roles.is_test_path("conftest.py")
    assert not roles.is_test_path("pkg/test_model.pyc") and not roles.is_test_path("pkg/model.py")
    assert roles.is_support_path("docker/x.py") and roles.is_support_path("dev-requirements.txt")
    assert roles.is_support_path("Dockerfile.gpu") and not roles.is_support_path("train.py")
    assert roles.is_support_path("gpu.Dockerfile") and roles.is_support_path(".gitlab-ci.yml")
    assert roles.is_support_path("setup.py") and not roles.is_container_ci_or_doc_path("setup.py")
    assert not roles.is_support_path("notes.txt\nx")  # fnmatch's `*` crosses a line break, `\Z` is the end
