"""An example wac-lint plugin for Tenstorrent hardware: one rule, one file kind, one catalog entry, vocabulary.

Only wac-lint's declaration types are imported here (`Plugin`, `Vocabulary`, `Rule`, `Example`, `FileKind`): the
constraints and the catalog entry are plain data, so loading the plugin never pulls in the inference.

The vocabulary shows the interface; its words are examples, to be checked before relying on them: the device type
`tt` is this example's assumption (TT-XLA's PJRT plugin, https://docs.tenstorrent.com/tt-xla/, shows Tenstorrent
devices as `TtDevice`; a `tt` device string is not verified), `TT_METAL_*` are TT-Metalium's variables
(`TT_METAL_HOME` in its install instructions), `pjrt-plugin-tt` is TT-XLA's package (its getting-started guide).
"""

from whackachip_lint.evidence import State
from whackachip_lint.kinds import FileKind
from whackachip_lint.plugins import Plugin, Vocabulary
from whackachip_lint.rules.base import Example, Rule

TENSTORRENT_RUNTIME = Rule(
    code="TTS001",
    name="tenstorrent-runtime",
    signal="runtime.tenstorrent",
    title="Tenstorrent runtime",
    summary="Finds Tenstorrent's runtime: `import ttnn` / `import tt_lib`, TT_METAL_* variables, `tt-smi`.",
    why="TT-NN and TT-Metalium run only on Tenstorrent accelerators (Grayskull, Wormhole, Blackhole).",
    positives=(
        Example("import ttnn\ndevice = ttnn.open_device(device_id=0)\n", value="ttnn"),
        Example("export TT_METAL_HOME=/opt/tt-metal\n", kind="shell", value="TT_METAL_HOME",
                note="read by wac-lint's shell extractor: TT_METAL_* is in this plugin's vocabulary"),
        Example('import os\nos.environ["TT_METAL_HOME"] = "/opt/tt-metal"\n', value="TT_METAL_HOME",
                note="read by wac-lint's Python extractor, through the same vocabulary"),
        Example("train:\n    TT_METAL_HOME=/opt/tt-metal python train.py\n", kind="justfile", value="TT_METAL_HOME"),
    ),
    negatives=(
        Example("# import ttnn (not used here)\nimport torch\n", state=State.MENTIONED,
                note="a comment names the runtime, the code does not use it"),
        Example("import ttnnx\n", note="another module whose name starts the same"),
        Example('import os\nhome = os.environ.get("TT_METAL_HOME")\n', note="reading a variable is not setting it"),
    ),
    references=("https://docs.tenstorrent.com/tt-metal/latest/ttnn/",),
    tags=("runtime", "vendor"),
    triggers=("ttnn", "tt_lib", "tt_metal", "tt-smi"),
)

WORMHOLE_N300 = {
    "id": "tenstorrent-wormhole-n300",
    "name": "Tenstorrent Wormhole n300",
    "vendor": "Tenstorrent",
    "microarchitecture": "Wormhole",
    "compute_capability": None,
    "amd_gfx_target": None,
    "segment": "workstation",
    "memory_options": [{"size_gb": 24, "type": "GDDR6"}],
    "memory_type": "GDDR6",
    "supports_bf16": True,
    "supports_tf32": None,
    "supports_fp8": True,
    "supports_fp4": None,
    "gpudirect_rdma": None,
    "interconnect": "PCIe 4.0 x16; 2x QSFP-DD Ethernet between cards",
    "tpp": None,
    "performance_density": None,
    "eccn_3a090_oct2023": None,
    "china_compliant_variant": None,
    "datacenter_designed": None,
    "sources": ["https://tenstorrent.com/hardware/wormhole (product page: two Wormhole processors, 24 GB GDDR6)"],
    "unverified": ["tpp", "performance_density", "eccn_3a090_oct2023", "supports_tf32", "supports_fp4",
                   "gpudirect_rdma"],
    "notes": "Example entry of the example plugin: check the vendor's datasheet before relying on it.",
}

TENSTORRENT = {"kind": "vendor", "strength": "hard", "vendors": ["Tenstorrent"]}

# Words wac-lint's own extractors read for this plugin, in every format they cover (Python, shell, YAML,
# Dockerfiles...): a `tt` device is found as wac-lint's device-type rule (WAC204) with what it implies here,
# the package as its vendor-runtime-package rule (WAC803); a TT_METAL_* variable set is this plugin's rule.
VOCABULARY = Vocabulary(
    devices={"tt": ({**TENSTORRENT, "text": "tt device (Tenstorrent; an example word)"},)},
    environment={"TT_METAL_*": ("TTS001", "set")},
    # TT-XLA's wheel (its getting-started guide: `pip install pjrt-plugin-tt`).
    packages={"pjrt-plugin-tt": ({**TENSTORRENT, "strength": "strong", "text": "TT-XLA's PJRT plugin pinned"},)},
)

PLUGIN = Plugin(
    name="tenstorrent",
    rules=(TENSTORRENT_RUNTIME,),
    # just's command runner files: one row of wac-lint's file-kind table, read by this plugin's extractor.
    file_kinds=(FileKind("justfile", ("wac_lint_tenstorrent.extract",), names=("justfile", "Justfile"),
                         suffixes=(".justfile", ".just"), sample="justfile", path_facts="launch"),),
    extractors={kind: ("wac_lint_tenstorrent.extract",) for kind in ("python", "shell")},
    implies={"TTS001": (("*", ({**TENSTORRENT, "text": "Tenstorrent runtime (TT-NN / TT-Metalium)"},)),)},
    catalog=(WORMHOLE_N300,),
    vocabulary=VOCABULARY,
)
