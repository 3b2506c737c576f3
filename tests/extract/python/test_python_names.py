"""Import bindings: which module a local name means after each kind of import (names.py).

`import a.b` binds `a` (to the package a, whatever `a` meant before); `import a.b as c` binds only `c`.
"""

from __future__ import annotations

import pytest

from ...conftest import finding_rows

BF16 = "x = torch.zeros(2, dtype=torch.bfloat16)\n"

BINDINGS = [
    ("a shim shadows torch", "from compat import torch\n", []),
    ("import torch.distributed rebinds torch", "from compat import torch\nimport torch.distributed\n", [3]),
    ("import torch.cuda.amp rebinds torch", "import numpy as torch\nimport torch.cuda.amp\n", [3]),
    ("an alias of a submodule does not rebind torch", "from compat import torch\nimport torch.distributed as dist\n", []),
    ("import torch rebinds torch", "from compat import torch\nimport torch\n", [3]),
    ("no import: the name is taken as it is written", "", [1]),
]


@pytest.mark.parametrize(("imports", "lines"), [row[1:] for row in BINDINGS], ids=[row[0] for row in BINDINGS])
def test_which_torch_a_name_means(imports, lines):
    rows = finding_rows(imports + BF16, "python")
    assert [line for rule, value, state, line in rows if rule == "WAC101"] == lines


# --- the name tables' "*.x" patterns (names.matches, names.lookup) ------------------------------------------------

_WILD = {"*.half": "fp16", "*.bfloat16": "bf16", "*.to": "move", "*.xto": "other", "torch.float16": "exact"}


@pytest.mark.parametrize("name, expected", [
    ("model.half", "fp16"),
    ("x.bfloat16", "bf16"),  # the pattern that matches, not the table's first wildcard
    ("a.xto", "other"),  # "*.to" does not match: the dot is part of the suffix
    ("a.to", "move"),
    ("x.behalf", None),  # ends with "half" but not with ".half"
    ("torch.float16", "exact"),
    ("xtorch.float16", None),  # an exact name matches only whole
    ("half", None),
    ("", None),
    (None, None),
])
def test_lookup_matches_a_wildcard_only_on_its_dotted_suffix(name, expected):
    from whackachip_lint.extract.python import names

    assert names.lookup(name, _WILD) == expected
    assert names.matches(name, tuple(_WILD)) == (expected is not None)
