"""The words installed plugins added to wac-lint's vocabulary (plugins.Vocabulary), gathered from the tables that
merged them: which rule reports each word and what it implies. The inference (infer/constraints.py), the rule docs
(`wac-lint rule CODE`) and the pre-filter read them here, so a new kind of word is added in one place."""

from __future__ import annotations

from dataclasses import dataclass

from .extract import environment
from .rules.codes import Code
from .vocab import backends, devices, packages


@dataclass(frozen=True)
class AddedWord:
    rule: str  # the rule whose findings carry the word
    word: str  # as the rule's value has it (a variable prefix ends in "*")
    plugin: str
    specs: tuple = ()  # what a finding with this value implies (constraint data); () when the rule's own rows say
    switch: str = ""  # environment variables: how the value reads


def added_words() -> list[AddedWord]:
    words = [
        AddedWord(rule, word, plugin, specs)
        for rule, table in ((Code.DEVICE_TYPE, devices.ADDED), (Code.COLLECTIVE_BACKEND, backends.ADDED),
                            (Code.VENDOR_RUNTIME_PACKAGE, packages.ADDED))
        for word, (plugin, specs) in table.items()
    ]
    for name, plugin in environment.ADDED.items():
        prefix = name in environment.PREFIXES
        rule, switch = (environment.PREFIXES if prefix else environment.EXACT)[name]
        words.append(AddedWord(rule, name + ("*" if prefix else ""), plugin, switch=switch))
    return words


def words_of(rule: str) -> list[AddedWord]:
    return [added for added in added_words() if added.rule == rule]
