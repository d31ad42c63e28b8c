"""all-MiniLM-L6-v2's BERT encoder written out as an ONNX graph, from its safetensors weights
with numpy and `onnx.helper`: no torch, no transformers.

The graph computes what `transformers.BertModel` computes for `last_hidden_state`, with
`token_type_ids` all zero: word + position + token-type embeddings and a LayerNorm, then per
layer self-attention (padding masked out of the keys), a dense projection, a residual LayerNorm,
a feed-forward block with exact (erf) GELU and another residual LayerNorm. Every linear layer is
a `MatMul` by a weight initializer (stored transposed, `[in, out]`) plus an `Add` of its bias, as
the torch exporter writes them, so that `onnx_export`'s SmoothQuant and int8 quantisation find
them. ONNX Runtime fuses the GELUs with their biases (`BiasGelu`) and the attention scaling into
its MatMuls (`FusedMatMul`), as it did for the torch export. Left out on purpose: shapes on the
inner edges (with them it fuses residual Adds into `SkipLayerNormalization`, measured slower on
2 cores). Its `Attention` fusion matches opset 12 graphs only, so attention stays MatMul/Softmax.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
# ONNX's IR version 8 goes with opset 17: readable by every onnxruntime newsrag supports, also
# when `onnx` itself is newer than the installed onnxruntime.
IR_VERSION = 8

Array = npt.NDArray[Any]


class _Builder:
    """Nodes and initializers, each node's output named after the node."""

    def __init__(self, weights: dict[str, Array]) -> None:
        self.weights = weights
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._names: set[str] = set()

    def constant(self, name: str, value: Array) -> str:
        """An initializer; a name given again (a constant every layer uses) is stored once."""
        if name not in self._names:
            self._names.add(name)
            self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def weight(self, name: str, *, transposed: bool = False) -> str:
        value = self.weights[name].astype(np.float32)
        return self.constant(name, value.T if transposed else value)

    def op(self, op_type: str, inputs: list[str], name: str, **attributes: Any) -> str:
        self.nodes.append(helper.make_node(op_type, inputs, [name], name=name, **attributes))
        return name

    def linear(self, x: str, prefix: str) -> str:
        """`x @ W.T + b` of the torch Linear `prefix`, as MatMul (weight initializer) + Add."""
        product = self.op("MatMul", [x, self.weight(f"{prefix}.weight", transposed=True)], prefix)
        return self.op("Add", [product, self.weight(f"{prefix}.bias")], f"{prefix}.add")

    def layer_norm(self, x: str, prefix: str, epsilon: float, output: str | None = None) -> str:
        inputs = [x, self.weight(f"{prefix}.weight"), self.weight(f"{prefix}.bias")]
        return self.op("LayerNormalization", inputs, output or prefix, axis=-1, epsilon=epsilon)


def build_bert(model_dir: Path, inputs: tuple[str, str], output: str) -> onnx.ModelProto:
    """The encoder in `model_dir` (config.json, model.safetensors): `inputs` are the names of
    the int64 `input_ids` and `attention_mask` ([batch, tokens]), `output` that of the last
    hidden state ([batch, tokens, hidden])."""
    from safetensors.numpy import load_file

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    positions = config.get("position_embedding_type", "absolute")
    if config.get("hidden_act") != "gelu" or positions != "absolute":
        raise ValueError(f"{model_dir} is not a BERT encoder with GELU and absolute positions")
    weights = {
        name.removeprefix("bert."): value
        for name, value in load_file(str(model_dir / "model.safetensors")).items()
    }
    graph = _Builder(weights)
    ids, mask = inputs
    hidden = int(config["hidden_size"])
    heads = int(config["num_attention_heads"])
    epsilon = float(config["layer_norm_eps"])
    x = _embeddings(graph, ids, epsilon)
    bias = _mask_bias(graph, mask)
    layers = int(config["num_hidden_layers"])
    for layer in range(layers):
        last = output if layer == layers - 1 else None
        x = _layer(graph, x, bias, f"encoder.layer.{layer}", hidden, heads, epsilon, last)

    batch_tokens = ["batch", "tokens"]
    model = helper.make_model(
        helper.make_graph(
            graph.nodes,
            "all-MiniLM-L6-v2",
            [
                helper.make_tensor_value_info(name, TensorProto.INT64, batch_tokens)
                for name in inputs
            ],
            [helper.make_tensor_value_info(output, TensorProto.FLOAT, [*batch_tokens, hidden])],
            graph.initializers,
        ),
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="newsrag",
    )
    model.ir_version = IR_VERSION
    return model


def _embeddings(graph: _Builder, ids: str, epsilon: float) -> str:
    """LayerNorm(word[ids] + position[0..tokens) + token_type[0])."""
    weights = graph.weights
    # token_type_ids are all zero: row 0 of their table is added to every position's row.
    position = weights["embeddings.position_embeddings.weight"].astype(np.float32)
    token_type = weights["embeddings.token_type_embeddings.weight"][0].astype(np.float32)
    table = graph.constant("embeddings.position_and_token_type", position + token_type)
    tokens = graph.op("Shape", [ids], "embeddings.tokens", start=1, end=2)
    zero = graph.constant("embeddings.zero", np.array([0], dtype=np.int64))
    sliced = graph.op("Slice", [table, zero, tokens, zero], "embeddings.positions")
    words = graph.op(
        "Gather", [graph.weight("embeddings.word_embeddings.weight"), ids], "embeddings.words"
    )
    summed = graph.op("Add", [words, sliced], "embeddings.sum")
    return graph.layer_norm(summed, "embeddings.LayerNorm", epsilon)


def _mask_bias(graph: _Builder, mask: str) -> str:
    """[batch, 1, 1, tokens]: 0 for tokens, the lowest float32 for padding, added to the
    attention scores so that no token attends to padding (as transformers does)."""
    as_float = graph.op("Cast", [mask], "mask.float", to=TensorProto.FLOAT)
    one = graph.constant("mask.one", np.array(1.0, dtype=np.float32))
    lowest = graph.constant("mask.lowest", np.array(np.finfo(np.float32).min, dtype=np.float32))
    padding = graph.op("Sub", [one, as_float], "mask.padding")
    bias = graph.op("Mul", [padding, lowest], "mask.bias")
    axes = graph.constant("mask.axes", np.array([1, 2], dtype=np.int64))
    return graph.op("Unsqueeze", [bias, axes], "mask.bias4d")


def _layer(
    graph: _Builder,
    x: str,
    mask_bias: str,
    prefix: str,
    hidden: int,
    heads: int,
    epsilon: float,
    output: str | None,
) -> str:
    size = hidden // heads
    attention = f"{prefix}.attention"
    split = graph.constant("attention.split", np.array([0, 0, heads, size], dtype=np.int64))
    merged = graph.constant("attention.merge", np.array([0, 0, hidden], dtype=np.int64))

    def by_head(name: str, perm: list[int]) -> str:
        projected = graph.linear(x, f"{attention}.self.{name}")
        shaped = graph.op("Reshape", [projected, split], f"{attention}.self.{name}.heads")
        return graph.op("Transpose", [shaped], f"{attention}.self.{name}.t", perm=perm)

    query = by_head("query", [0, 2, 1, 3])  # [batch, heads, tokens, size]
    key = by_head("key", [0, 2, 3, 1])  # [batch, heads, size, tokens]
    value = by_head("value", [0, 2, 1, 3])
    root = graph.constant("attention.root", np.array(math.sqrt(size), dtype=np.float32))
    scores = graph.op("MatMul", [query, key], f"{attention}.scores")
    scaled = graph.op("Div", [scores, root], f"{attention}.scaled")
    masked = graph.op("Add", [scaled, mask_bias], f"{attention}.masked")
    probabilities = graph.op("Softmax", [masked], f"{attention}.probabilities", axis=-1)
    context = graph.op("MatMul", [probabilities, value], f"{attention}.context")
    context = graph.op("Transpose", [context], f"{attention}.context.t", perm=[0, 2, 1, 3])
    context = graph.op("Reshape", [context, merged], f"{attention}.context.merged")
    projected = graph.linear(context, f"{attention}.output.dense")
    residual = graph.op("Add", [projected, x], f"{attention}.output.residual")
    x = graph.layer_norm(residual, f"{attention}.output.LayerNorm", epsilon)

    inner = graph.linear(x, f"{prefix}.intermediate.dense")
    activated = _gelu(graph, inner, f"{prefix}.intermediate.gelu")
    projected = graph.linear(activated, f"{prefix}.output.dense")
    residual = graph.op("Add", [projected, x], f"{prefix}.output.residual")
    return graph.layer_norm(residual, f"{prefix}.output.LayerNorm", epsilon, output)


def _gelu(graph: _Builder, x: str, prefix: str) -> str:
    """x * 0.5 * (1 + erf(x / sqrt(2))), in the shape onnxruntime's GeluFusion recognises."""
    root2 = graph.constant("gelu.root2", np.array(math.sqrt(2.0), dtype=np.float32))
    one = graph.constant("gelu.one", np.array(1.0, dtype=np.float32))
    half = graph.constant("gelu.half", np.array(0.5, dtype=np.float32))
    divided = graph.op("Div", [x, root2], f"{prefix}.div")
    erf = graph.op("Erf", [divided], f"{prefix}.erf")
    shifted = graph.op("Add", [erf, one], f"{prefix}.add")
    product = graph.op("Mul", [x, shifted], f"{prefix}.mul")
    return graph.op("Mul", [product, half], f"{prefix}.half_mul")
