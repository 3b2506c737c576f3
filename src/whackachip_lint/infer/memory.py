"""Memory and scale: can a part hold the model the code trains, and how many devices does a run use?

A lower bound of model-state memory per device, following the ZeRO paper's accounting (Rajbhandari et al., "ZeRO:
Memory Optimizations Toward Training Trillion Parameter Models", SC 2020, section 3.1): mixed-precision Adam keeps
16 bytes per parameter, 2 for the 16-bit weights, 2 for their gradients and K = 12 for the optimiser (fp32 master
weights, momentum, variance). ZeRO-1, -2 and -3 partition the optimiser state, then the gradients, then the weights
over the data-parallel ranks; offload moves them to host memory; tensor and pipeline parallelism split the model
first. Activations, buffers and fragmentation come on top and are not counted: the figure is a floor. Where the
micro batch, sequence length and checkpointing are stated, an activation estimate is reported beside it, never
used to exclude.

Every input is a finding with its file and line, read from one set of findings (one training path). An input the
path does not state is never guessed: a term that depends on it counts zero, so the bound stays a lower bound, and
without a model size there is no estimate at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from ..evidence import Finding, State
from ..extract.model_tables import GATED_MLP_MODEL_TYPES, params_from_model_name
from .catalog import Entry
from ..rules.codes import Code

DIMENSION_RULE, PARALLEL_RULE, OPTIMIZER_RULE, NAME_RULE, PEFT_RULE = Code.MODEL_DIMENSION, Code.MODEL_PARALLEL_SIZE, Code.OPTIMIZER, Code.MODEL_NAME_SIZE, Code.LOW_MEMORY_FINETUNE
ZERO_RULE, OFFLOAD_RULE, FSDP_RULE = Code.ZERO_STAGE, Code.ZERO_OFFLOAD, Code.FSDP
ACCUMULATION_RULE, MICRO_BATCH_RULE = Code.GRADIENT_ACCUMULATION, Code.MICRO_BATCH
CHECKPOINT_RULE = Code.ACTIVATION_CHECKPOINTING
GPUS_RULE, NODES_RULE, LAUNCHER_RULE = Code.GPUS_PER_NODE, Code.NODE_COUNT, Code.LAUNCHER
# Findings that show a path trains a model rather than only loading it (for inference, where no gradients or
# optimiser state exist): a model named only in Python code counts where one of these is in force or open.
TRAINING_RULES = (ZERO_RULE, OFFLOAD_RULE, ACCUMULATION_RULE, MICRO_BATCH_RULE, FSDP_RULE, OPTIMIZER_RULE, PEFT_RULE)
# Every rule `estimate` and `scale` read: a path's findings of other rules change neither (engine.assess gives them
# only these; tests/infer/test_shared_assessment.py checks the list against the whole findings).
READS = frozenset({DIMENSION_RULE, NAME_RULE, PARALLEL_RULE, GPUS_RULE, NODES_RULE, LAUNCHER_RULE, CHECKPOINT_RULE,
                   *TRAINING_RULES})
GB = 1e9  # catalog sizes are in decimal gigabytes, as vendors state them

# Bytes per parameter of optimiser state (K in the ZeRO paper), counting the fp32 master copy mixed precision keeps.
# Each is the smallest the optimiser can keep (SGD without momentum, Adafactor's factored moments as zero), so the
# bound never overstates.
OPTIMIZER_BYTES: dict[str, int] = {
    "adam": 12,  # fp32 master + momentum + variance
    "adam8bit": 6,  # fp32 master + two 1-byte states (bitsandbytes)
    "lion": 8,  # fp32 master + momentum
    "lion8bit": 5,
    "adafactor": 4,
    "sgd": 4,
}
LIGHTEST_FIRST = ("sgd", "adafactor", "lion8bit", "adam8bit", "lion", "adam")
# A frozen base model's bytes per parameter in low-memory fine-tuning (no gradients, no optimiser state for it).
FROZEN_BYTES: dict[str, float] = {"qlora": 0.5, "qlora8": 1.0, "lora": 2.0, "frozen": 2.0}
WEIGHT_BYTES, GRAD_BYTES = 2, 2  # 16-bit weights and gradients (fp32 training keeps 4 + 4 but 8 of optimiser: 16 too)


@dataclass(frozen=True)
class ModelSize:
    params: float
    largest_layer: float
    how: str  # "launch arguments", "model config", "model name"
    evidence: tuple[Finding, ...]
    dims: Mapping[str, Any] = field(default_factory=dict)  # what it was counted from (nothing for a name)


@dataclass
class MemoryEstimate:
    """The lower bound for one set of findings, with every input and where it was read."""

    model: ModelSize
    bytes_per_device: float
    formula: str
    inputs: dict[str, Any]
    evidence: list[Finding]
    hard: bool  # every input in force and from one launch: a part below the bound is excluded, not disfavoured
    devices: int | None = None
    notes: list[str] = field(default_factory=list)
    fits_no_part: bool = False  # no catalog part holds the bound (set by `judge_fit`)
    activations: dict[str, Any] | None = None  # an estimate beside the bound, never used to exclude

    @property
    def gb_per_device(self) -> float:
        return self.bytes_per_device / GB

    def summary(self, located: bool = True) -> str:
        where = ", " + ", ".join(sorted({f"{f.path}:{f.line}" for f in self.model.evidence})[:3]) if located else ""
        return (f"{self.model.params / 1e9:.1f}B parameters ({self.model.how}{where}); {self.formula}: "
                f"at least {self.gb_per_device:.0f} GB of model state per device")

    def requirement(self) -> str:
        """The memory requirement as the verdict states it. Its locations are the constraint's evidence, not part
        of its text: a text made here names paths relative to the scan root, and a report run from another folder
        shows every location relative to the current one (report/locations.py moves locations, not prose)."""
        text = f"memory: {self.summary(located=False)}"
        return text + "; this set-up fits no catalog part" if self.fits_no_part else text

    def to_dict(self) -> dict[str, Any]:
        return {
            "params": round(self.model.params),
            "params_from": self.model.how,
            "bytes_per_device": round(self.bytes_per_device),
            "gb_per_device": round(self.gb_per_device, 1),
            "formula": self.formula,
            "inputs": self.inputs,
            "strength": "hard" if self.hard else "strong",
            "notes": self.notes,
            "evidence": sorted({f"{f.path}:{f.line}" for f in self.evidence}),
            "activations": self.activations,
        }


# --- model size -----------------------------------------------------------------------------------------------


def params_from_dimensions(dims: dict[str, Any], gated: bool | None, megatron: bool) -> tuple[float, float] | None:
    """(parameters, largest single layer) of a decoder transformer, or None without layers and hidden size.

    Per layer: attention Q and O (2h^2) plus K and V (2 h kv_dim, smaller with grouped-query attention) and the MLP
    (2 or, gated, 3 matrices of h x ffn, times the experts of a mixture-of-experts layer); plus the embedding (and
    the output layer when untied). Norms and biases are left out (a floor). A missing FFN width takes Megatron's
    default (4h, or 8h/3 rounded down to 64 with SwiGLU) only for a Megatron launch, where that default applies.
    """
    layers, hidden = dims.get("layers"), dims.get("hidden")
    if not isinstance(layers, int) or not isinstance(hidden, int):
        return None
    heads, kv_heads = dims.get("heads"), dims.get("kv_heads")
    kv_dim = hidden * kv_heads / heads if isinstance(heads, int) and isinstance(kv_heads, int) and heads else hidden
    ffn = dims.get("ffn")
    if not isinstance(ffn, int):
        if not megatron and gated:
            return None  # a gated config without its width: not guessed
        ffn = (int(4 * hidden * 2 / 3) // 64) * 64 if (megatron and gated) else 4 * hidden
    matrices = 3 if gated else 2
    experts = dims.get("experts") if isinstance(dims.get("experts"), int) else 0
    expert_ffn = dims.get("expert_ffn") if isinstance(dims.get("expert_ffn"), int) else ffn
    shared = dims.get("shared_experts") if isinstance(dims.get("shared_experts"), int) else 0
    mlp = matrices * hidden * (experts * expert_ffn + shared * expert_ffn if experts else ffn)
    attention = 2 * hidden * hidden + 2 * hidden * kv_dim
    vocab = dims.get("vocab") if isinstance(dims.get("vocab"), int) else 0
    untied = dims.get("untied_embeddings") is True or dims.get("tied_embeddings") is False
    embedding = vocab * hidden * (2 if untied else 1)
    params = layers * (attention + mlp) + embedding
    return float(params), float(max(vocab * hidden, attention, mlp))


def model_size(findings: list[Finding]) -> ModelSize | None:
    """The smallest model size the findings state (a floor when a path names several), with its evidence."""
    options: list[ModelSize] = []
    by_source: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.rule == DIMENSION_RULE and f.state is State.ENABLED:
            source = "launch arguments" if (f.properties or {}).get("launcher") else "model config"
            by_source.setdefault((source, f.path), []).append(f)
    for (source, _path), group in by_source.items():
        dims: dict[str, Any] = {}
        for f in group:
            name = (f.properties or {}).get("dimension")
            value = f.value
            if isinstance(value, bool) or not isinstance(value, int):
                dims.setdefault(name, value)
            else:  # one dimension given twice in a file: the smaller keeps the bound a floor
                dims[name] = min(value, dims[name]) if isinstance(dims.get(name), int) else value
        model_type = next(((f.properties or {}).get("model_type") for f in group), None)
        megatron = source == "launch arguments"
        gated = dims.get("gated_mlp") is True if megatron else (model_type in GATED_MLP_MODEL_TYPES)
        sized = params_from_dimensions(dims, gated, megatron)
        if sized is not None:
            options.append(ModelSize(sized[0], sized[1], source, tuple(group), dims))
    for f in findings:
        if f.rule != NAME_RULE or f.state is not State.ENABLED:
            continue
        # Read from the value, not a property: a launch that passes another model replaces a default's value.
        size = params_from_model_name(f.value) if isinstance(f.value, str) else None
        if size is not None:
            # Names round (Llama-2-7b has 6.7B): 10% off the stated size keeps the floor below the true count.
            options.append(ModelSize(0.9 * size * 1e9, 0.0, "model name", (f,)))
    return min(options, key=lambda m: m.params) if options else None


# --- per device -----------------------------------------------------------------------------------------------


def _ints(findings: Iterable[Finding], rule: str, **props: str) -> list[tuple[int, Finding]]:
    out = []
    for f in findings:
        if f.rule != rule or f.state not in (State.ENABLED, State.DISABLED):
            continue
        if any((f.properties or {}).get(k) != v for k, v in props.items()):
            continue
        if isinstance(f.value, int) and not isinstance(f.value, bool):
            out.append((f.value, f))
    return out


def model_state_bytes(params: float, optimizer: str | None, zero_stage: int, dp: int | None, model_parallel: int,
                      offload_optimizer: bool = False, offload_params: bool = False,
                      frozen: str | None = None) -> tuple[float, str]:
    """Lower bound of model-state bytes per device and the formula in words (ZeRO paper accounting).

    `dp` None (the data-parallel degree is not known): partitioned terms count zero. `optimizer` None: no optimiser
    state is counted (it is unknown), only weights and gradients.
    """
    shard = params / max(model_parallel, 1)
    if frozen is not None:
        per = FROZEN_BYTES[frozen]
        if zero_stage >= 3:  # sharded over the data-parallel ranks; an unknown degree counts nothing
            bytes_ = per * shard / dp if dp else 0.0
        else:
            bytes_ = per * shard
        return bytes_, f"frozen base at {per:g} bytes per parameter ({frozen})"
    k = 0 if optimizer is None or offload_optimizer else OPTIMIZER_BYTES[optimizer]
    w, g = WEIGHT_BYTES, GRAD_BYTES
    if offload_params and zero_stage >= 3:
        return 0.0, "ZeRO-3 with parameters offloaded to the host"
    if offload_optimizer:
        g = 0  # ZeRO-Offload moves gradients to the host with the optimiser state (DeepSpeed counts 2 bytes: weights)
    partitioned = {0: 0, 1: k, 2: g + k, 3: w + g + k}[min(zero_stage, 3)]
    local = (w + g + k) - partitioned
    spread = partitioned * shard / dp if dp else 0.0
    total = local * shard + spread
    k_text = "optimiser state unknown" if optimizer is None else (
        "optimiser offloaded" if offload_optimizer else f"{optimizer} K={k}")
    return total, f"{w + g + k} bytes per parameter ({k_text}), ZeRO-{min(zero_stage, 3)}"


def estimate(findings: list[Finding], part_sizes_gb: Iterable[float] = ()) -> MemoryEstimate | None:
    """The per-device lower bound for one training path's findings, or None when the model size is unknown.

    `part_sizes_gb`: the largest memory of each catalog part (`largest_memory_gb`), to judge whether any holds it.
    """
    model = model_size(findings)
    if model is None:
        return None
    named_on_launch = any((f.properties or {}).get("launcher") for f in model.evidence)
    if model.how == "model name" and not named_on_launch and not _trains(findings):
        return None  # a model loaded by name in code, with nothing that trains it: inference needs far less
    used: list[Finding] = list(model.evidence)
    inputs: dict[str, Any] = {"params": round(model.params)}
    notes: list[str] = []

    # A setting the path leaves open is taken at its most memory-saving value (or, for the model split, ends the
    # estimate): the bound must hold whatever the run decides.
    undecided = [f for f in findings if f.state is State.CONDITIONAL]
    if any(f.rule == PARALLEL_RULE and (f.properties or {}).get("axis") in ("tensor", "pipeline", "expert")
           for f in undecided):
        return None
    tp = max((v for v, _ in _ints(findings, PARALLEL_RULE, axis="tensor")), default=1)
    pp = max((v for v, _ in _ints(findings, PARALLEL_RULE, axis="pipeline")), default=1)
    ep = max((v for v, _ in _ints(findings, PARALLEL_RULE, axis="expert")), default=1)
    used += [f for f in findings if f.rule == PARALLEL_RULE and f.state is State.ENABLED]
    model_parallel = tp * pp * ep  # dividing all of the model by the expert degree too keeps the bound a floor
    inputs.update(tensor_parallel=tp, pipeline_parallel=pp, expert_parallel=ep)

    per_node = _ints(findings, GPUS_RULE)
    nodes = _ints(findings, NODES_RULE)
    launched = any(f.rule == LAUNCHER_RULE and f.state is State.ENABLED for f in findings)
    devices = None
    if per_node:
        # Several launches: the largest device count gives the smallest share (a floor).
        count = max(v for v, _ in per_node) * (max(v for v, _ in nodes) if nodes else 1)
        if nodes or launched:  # a launcher without a node count starts one node (torchrun, deepspeed defaults)
            devices = count
            used += [f for _, f in per_node + nodes]
    cp = max((v for v, _ in _ints(findings, PARALLEL_RULE, axis="context")), default=1)
    dp = devices // (tp * pp * cp) if devices and devices >= tp * pp * cp else None
    inputs.update(devices=devices, data_parallel=dp)

    zero = [(v, f) for v, f in _ints(findings, ZERO_RULE)]
    stage = max((v for v, _ in zero), default=0)
    used += [f for _, f in zero]
    if any(f.rule in (ZERO_RULE, FSDP_RULE) for f in undecided):
        stage = 3
        notes.append("a sharding setting is left open: counted as fully sharded")
    if any(f.rule == FSDP_RULE and f.state is State.ENABLED for f in findings):
        stage = 3  # FSDP's full sharding partitions like ZeRO-3 (a hybrid shard keeps more: still a floor)
        used += [f for f in findings if f.rule == FSDP_RULE and f.state is State.ENABLED]
    if stage < 1 and any(f.rule == PARALLEL_RULE and (f.properties or {}).get("axis") == "distributed_optimizer"
                         and f.state is State.ENABLED for f in findings):
        stage = 1  # Megatron's distributed optimiser shards the optimiser state over data-parallel ranks
    offloads = [f for f in findings if f.rule == OFFLOAD_RULE and f.state in (State.ENABLED, State.CONDITIONAL)]
    used += offloads
    offload_optimizer = any((f.properties or {}).get("target", "optimizer") == "optimizer" for f in offloads)
    offload_params = any((f.properties or {}).get("target") == "param" for f in offloads)

    optimizers = [f for f in findings if f.rule == OPTIMIZER_RULE and f.state is State.ENABLED]
    optimizer = next((o for o in LIGHTEST_FIRST if any(f.value == o for f in optimizers)), None)
    used += optimizers
    open_optimizer = any(f.rule == OPTIMIZER_RULE for f in undecided)
    if optimizer is None and not open_optimizer and (model.how == "launch arguments" or named_on_launch) and launched:
        # Megatron's --optimizer and the Hugging Face Trainer's --optim both default to Adam(W).
        optimizer = "adam"
        notes.append("optimiser not named: the launched trainer's default, Adam")
    frozen_kinds = [f for f in findings if f.rule == PEFT_RULE and f.state in (State.ENABLED, State.CONDITIONAL)]
    frozen = min((str(f.value) for f in frozen_kinds), key=lambda v: FROZEN_BYTES.get(v, 2.0), default=None)
    used += frozen_kinds
    inputs.update(zero_stage=stage, optimizer=optimizer, offload_optimizer=offload_optimizer,
                  offload_params=offload_params, frozen_base=frozen)

    total, formula = model_state_bytes(model.params, optimizer, stage, dp, model_parallel, offload_optimizer,
                                       offload_params, frozen)
    if model_parallel > 1:
        formula += f", model split {model_parallel} ways (TP {tp} x PP {pp} x EP {ep})"
    if dp and stage >= 1:
        formula += f", over {dp} data-parallel ranks"
    elif stage >= 1:
        notes.append("data-parallel degree unknown: the partitioned share is not counted")
    hard = (model.how == "launch arguments" and launched and not undecided_inputs(findings)
            and all(f.state is not State.CONDITIONAL for f in used))
    memory = MemoryEstimate(model, total, formula, inputs, _unique(used), hard, devices, notes)
    memory.activations = activation_estimate(findings, model, tp)
    return judge_fit(memory, part_sizes_gb)


# --- activations (an estimate, reported only) ------------------------------------------------------------------

# Activation bytes per transformer layer with 16-bit activations (Korthikanti et al., "Reducing Activation
# Recomputation in Large Transformer Models", MLSys 2023, section 4): s*b*h*(10 + 24/t) with tensor parallelism t
# (no sequence parallelism), plus 5*a*s^2*b/t for the attention scores, which selective recomputation and
# FlashAttention never keep (left out here). Full recomputation keeps only each layer's input (2*s*b*h) and one
# layer's activations while it is recomputed. Pipeline stages hold as many micro batches as they have layers'
# share, so the first stage holds about all layers' worth: pipeline parallelism does not divide it.
ACTIVATION_SHARED, ACTIVATION_SPLIT, LAYER_INPUT = 10, 24, 2


def activation_estimate(findings: list[Finding], model: ModelSize, tp: int) -> dict[str, Any] | None:
    """Activation memory per device where micro batch, sequence length and checkpointing are stated, else None."""
    hidden, layers = model.dims.get("hidden"), model.dims.get("layers")
    if not isinstance(hidden, int) or not isinstance(layers, int):
        return None
    batches = [(v, f) for v, f in _ints(findings, MICRO_BATCH_RULE) if f.state is State.ENABLED and v > 0]
    seqs = [(v, f) for v, f in _ints(findings, DIMENSION_RULE, dimension="seq") if f.state is State.ENABLED]
    modes = [f for f in findings if f.rule == CHECKPOINT_RULE and f.state in (State.ENABLED, State.DISABLED)]
    on = [f for f in modes if f.state is State.ENABLED]
    if not batches or not seqs or not modes:
        return None
    b, s = min(v for v, _ in batches), min(v for v, _ in seqs)
    mode = ("full" if any(f.value == "full" for f in on) else "selective") if on else "none"
    layer = s * b * hidden * (ACTIVATION_SHARED + ACTIVATION_SPLIT / max(tp, 1))
    if mode == "full":
        total = layers * LAYER_INPUT * s * b * hidden + layer
        formula = f"full recomputation: {layers} layers x 2sbh + one layer's sbh(10 + 24/t)"
    else:
        total = layers * layer
        formula = f"{layers} layers x sbh(10 + 24/t)" + (
            ", attention scores not counted (FlashAttention keeps none)" if mode == "none" else "")
    evidence = [f for _, f in batches + seqs] + (on or modes)
    return {
        "bytes_per_device": round(total),
        "gb_per_device": round(total / GB, 1),
        "formula": formula,
        "inputs": {"micro_batch": b, "seq_length": s, "hidden": hidden, "layers": layers, "tensor_parallel": tp,
                   "checkpointing": mode},
        "evidence": sorted({f"{f.path}:{f.line}" for f in evidence}),
        "use": "an estimate, never used to exclude a part",
    }


def judge_fit(memory: MemoryEstimate, part_sizes_gb: Iterable[float]) -> MemoryEstimate:
    """A bound no catalog part holds only disfavours, and says so: a wrong input (a size read from the wrong
    config) must not empty the verdict, and a set-up that runs nowhere is worth saying plainly."""
    sizes = list(part_sizes_gb)
    if sizes and memory.bytes_per_device > 0 and max(sizes) * GB < memory.bytes_per_device:
        memory.fits_no_part, memory.hard = True, False
        memory.notes.append("fits no catalog part")
    return memory


def _trains(findings: list[Finding]) -> bool:
    return any(f.rule in TRAINING_RULES and f.state in (State.ENABLED, State.DISABLED, State.CONDITIONAL)
               for f in findings)


def _unique(findings: list[Finding]) -> list[Finding]:
    """Findings in file order, each once (findings hold dicts, so they are told apart by identity)."""
    return sorted({id(f): f for f in findings}.values(), key=Finding.sort_key)


def undecided_inputs(findings: list[Finding]) -> bool:
    """Whether any memory input of the path is left open (then a part below the bound is only disfavoured)."""
    rules = {PARALLEL_RULE, OPTIMIZER_RULE, PEFT_RULE, ZERO_RULE, OFFLOAD_RULE, FSDP_RULE, GPUS_RULE, NODES_RULE}
    return any(f.rule in rules and f.state is State.CONDITIONAL for f in findings)


def largest_memory_gb(entry: Entry) -> float | None:
    """A part's largest memory option in GB; None when the catalog does not say."""
    sizes = [o.get("size_gb") for o in (entry["memory_options"] or []) if isinstance(o, dict)]
    sizes = [s for s in sizes if isinstance(s, (int, float))]
    return max(sizes) if sizes else None


def fits(entry: Entry, bytes_needed: float) -> bool | None:
    """Whether a part's largest memory option holds `bytes_needed`; None when the catalog does not say."""
    largest = largest_memory_gb(entry)
    return None if largest is None else largest * GB >= bytes_needed


def scale(findings: list[Finding]) -> dict[str, Any] | None:
    """Total devices of a run (devices per node x nodes, from the same findings), or None when unknown."""
    per_node, nodes = _ints(findings, GPUS_RULE), _ints(findings, NODES_RULE)
    if not per_node:
        return None
    launched = any(f.rule == LAUNCHER_RULE and f.state is State.ENABLED for f in findings)
    if not nodes and not launched:
        return None
    per, count = max(v for v, _ in per_node), max((v for v, _ in nodes), default=1)
    evidence = sorted({f"{f.path}:{f.line}" for _, f in per_node + nodes})
    return {"devices": per * count, "devices_per_node": per, "nodes": count, "evidence": evidence}
