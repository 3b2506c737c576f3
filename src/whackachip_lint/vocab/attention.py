"""Attention implementations by the name Hugging Face's `attn_implementation` gives them -> the FlashAttention
generation reported (WAC601's value): "flash_attention_2" loads flash_attn 2, "flash_attention_3" FlashAttention-3."""

from __future__ import annotations

ATTN_IMPLEMENTATIONS: dict[str, str] = {"flash_attention_2": "fa2", "flash_attention_3": "fa3"}
