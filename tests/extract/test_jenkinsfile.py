"""The strings of a Jenkinsfile's `sh` steps, blanked in place for the shell reader (extract/jenkinsfile.py)."""

from __future__ import annotations

from pathlib import Path

from whackachip_lint.extract import Source
from whackachip_lint.extract.jenkinsfile import _shell_steps, extract


def test_only_the_step_strings_are_kept_at_their_columns():
    text = "stage('x') {\n  sh 'rocm-smi'\n  echo 'not shell'\n}\n"
    assert _shell_steps(text) == "            \n      rocm-smi \n                  \n \n"


def test_triple_quoted_and_script_argument_steps_are_read():
    text = "sh '''\nrocm-smi\n'''\nsh(script: \"hipcc -o k k.hip\")\n"
    kept = _shell_steps(text)
    assert kept.splitlines()[1] == "rocm-smi" and kept.splitlines()[3].strip() == "hipcc -o k k.hip"
    assert len(kept) == len(text)


def test_groovys_escaped_dollar_reaches_the_shell_as_a_dollar():
    assert _shell_steps('sh "echo \\$NODE"\n').strip() == "echo  $NODE"


def test_a_commented_or_unclosed_step_is_not_read():
    assert _shell_steps("// sh 'rocm-smi'\n") is None
    assert _shell_steps("sh 'rocm-smi\nnext line'\n") is None
    assert _shell_steps("publish(ish 'x')\n") is None  # not the `sh` step: part of a longer name


def test_pipeline_images_are_ci_container_images():
    text = ("pipeline {\n  agent { docker { image 'nvcr.io/nvidia/pytorch:24.01-py3' } }\n"
            "  // image 'rocm/pytorch:latest'\n}\n"
            "node { docker.image(\"rocm/pytorch:rocm6.2\").inside { sh 'true' } }\n"
            "def image = 'ubuntu:22.04'\n")
    found = [(f.rule, f.value, f.span.line, f.span.column, f.properties["context"])
             for f in extract(Source(Path("Jenkinsfile"), "Jenkinsfile", "jenkinsfile", text.encode()))]
    assert found == [("WAC801", "nvcr.io/nvidia/pytorch:24.01-py3", 2, 27, "ci"),
                     ("WAC801", "rocm/pytorch:rocm6.2", 5, 22, "ci")]
