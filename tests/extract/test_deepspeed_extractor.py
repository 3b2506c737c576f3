"""The DeepSpeed JSON extractor: recognition by keys, states of each setting, exact key positions."""

from __future__ import annotations

import json
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whackachip_lint.evidence import State
from whackachip_lint.extract import ExtractionError
from whackachip_lint.extract.deepspeed import extract_text

from ..conftest import scan_snippet

E, C, D, M = State.ENABLED, State.CONDITIONAL, State.DISABLED, State.MENTIONED


def scan(text: str):
    return scan_snippet(textwrap.dedent(text), "json", "ds_config.json")


def facts(text: str) -> list[tuple]:
    result = scan(text)
    assert not result.diagnostics, result.diagnostics
    return [(f.rule, f.value, f.state, f.line) for f in result.findings]


ZERO3 = """\
    {
      "train_micro_batch_size_per_gpu": 2,
      "gradient_accumulation_steps": 1,
      "bf16": {"enabled": true},
      "fp16": {"enabled": false},
      "zero_optimization": {
        "stage": 3,
        "offload_optimizer": {"device": "cpu", "pin_memory": true},
        "offload_param": {"device": "none"}
      }
    }
    """


def test_zero3_config():
    assert facts(ZERO3) == [
        ("WAC504", 2, E, 2),
        ("WAC503", 1, D, 3),
        ("WAC101", "bf16", E, 4),
        ("WAC102", "fp16", D, 5),
        ("WAC501", 3, E, 7),
        ("WAC502", "cpu", E, 8),
        ("WAC502", "none", D, 9),
    ]


def test_span_starts_at_the_key_and_ends_after_the_value():
    result = scan(ZERO3)
    (stage,) = [f for f in result.findings if f.rule == "WAC501"]
    line = textwrap.dedent(ZERO3).splitlines()[6]
    assert (stage.span.column, stage.span.end_column) == (line.index('"stage"') + 1, len(line.rstrip(",")) + 1)
    assert stage.properties == {"key": "zero_optimization.stage"}


def test_auto_values_are_conditional():
    text = """\
        {
          "train_micro_batch_size_per_gpu": "auto",
          "gradient_accumulation_steps": "auto",
          "bf16": {"enabled": "auto"},
          "zero_optimization": {"stage": 2}
        }
        """
    assert facts(text) == [
        ("WAC504", "auto", C, 2),
        ("WAC503", "auto", C, 3),
        ("WAC101", "bf16", C, 4),
        ("WAC501", 2, E, 5),
    ]
    assert all(f.properties.get("auto") is True for f in scan(text).findings if f.state is C)


def test_stage_zero_is_disabled():
    assert facts('{"zero_optimization": {"stage": 0}}') == [("WAC501", 0, D, 1)]


def test_gradient_accumulation_above_one_is_enabled():
    assert facts('{"gradient_accumulation_steps": 8, "train_batch_size": 256}') == [("WAC503", 8, E, 1)]


def test_precision_block_without_enabled_is_only_mentioned():
    assert facts('{"train_batch_size": 8, "fp16": {"loss_scale": 0}}') == [("WAC102", "fp16", M, 1)]


def test_legacy_cpu_offload_switch():
    assert facts('{"zero_optimization": {"stage": 2, "cpu_offload": true}}') == [
        ("WAC501", 2, E, 1),
        ("WAC502", "cpu", E, 1),
    ]


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "stage", "stage": 3}',
        '{"compilerOptions": {"target": "es2017"}}',
        "[1, 2, 3]",
        '{"bf16": true, "batch": 4}',
        '{"optimizer": "adam"}',
    ],
)
def test_other_json_gives_nothing(text):
    assert facts(text) == []


def test_recognised_by_keys_not_name():
    result = scan_snippet('{"zero_optimization": {"stage": 1}}', "json", "anything.json")
    assert [(f.rule, f.value) for f in result.findings] == [("WAC501", 1)]


def test_invalid_deepspeed_json_gets_a_diagnostic_with_the_line():
    result = scan('{\n  "zero_optimization": {"stage": 3},\n}\n')
    assert result.findings == []
    (diagnostic,) = result.diagnostics
    assert "line 3" in diagnostic.message and "invalid JSON" in diagnostic.message


def test_a_template_with_placeholders_is_named_a_template_not_invalid_json():
    result = scan('{\n  "train_batch_size": GBSIZE,\n  "zero_optimization": {"stage": 2}\n}\n')
    assert result.findings == []
    (diagnostic,) = result.diagnostics
    assert diagnostic.message.startswith("a template, not a config: GBSIZE at line 2 stands where a value goes")
    # A Python spelling is a mistake, not a placeholder: DeepSpeed would reject the file.
    (mistake,) = scan('{\n  "zero_optimization": {"stage": 2, "overlap_comm": True}\n}\n').diagnostics
    assert "invalid JSON at line 2" in mistake.message


def test_comments_are_rejected_like_deepspeed_does():
    result = scan('{\n  // ZeRO-3\n  "zero_optimization": {"stage": 3}\n}\n')
    assert result.diagnostics and "line 2" in result.diagnostics[0].message


def test_invalid_json_that_is_not_deepspeed_is_not_ours():
    assert scan('{\n  // editor settings\n  "tabSize": 2,\n}\n').diagnostics == []


def test_non_ascii_before_a_key_counts_code_points():
    result = scan('{"comment": "größe", "zero_optimization": {"stage": 3}}')
    (stage,) = result.findings
    text = '{"comment": "größe", "zero_optimization": {"stage": 3}}'
    assert stage.span.column == text.index('"stage"') + 1


def test_duplicate_keys_last_wins_like_json_loads():
    assert facts('{"zero_optimization": {"stage": 1, "stage": 3}}') == [("WAC501", 3, E, 1)]


def test_string_numbers_are_read():
    assert facts('{"train_micro_batch_size_per_gpu": "4", "zero_optimization": {"stage": "2"}}') == [
        ("WAC504", 4, E, 1),
        ("WAC501", 2, E, 1),
    ]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["auto", "cpu", "none", "nvme", "true", "3"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "zero_optimization",
                    "stage",
                    "bf16",
                    "fp16",
                    "enabled",
                    "offload_param",
                    "device",
                    "gradient_accumulation_steps",
                    "train_micro_batch_size_per_gpu",
                    "cpu_offload",
                    "x",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(_JSON)
def test_any_json_value_never_crashes(value):
    for text in (json.dumps(value), json.dumps(value, indent=2, ensure_ascii=False)):
        extract_text(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_any_text_with_a_deepspeed_key_never_crashes(noise):
    try:
        extract_text('{"zero_optimization": ' + noise)
    except ExtractionError:
        pass
