"""Exporting all-MiniLM-L6-v2 to ONNX, once, from the packaged weights, without torch.

`onnx.py` calls this module when the file it serves from is not in the cache yet. The graph
(`onnx_graph.py`, written from model.safetensors with onnx and numpy) maps `input_ids` and
`attention_mask` to the last hidden state (`token_embeddings`); pooling and normalisation happen
in numpy.

int8 is dynamic quantisation of the MatMuls that multiply by a weight (per output channel,
int8 weights, uint8 activations quantised per batch at run time), after SmoothQuant: each
such MatMul's input is divided per channel by `s = max|x| ** alpha / max|w| ** (1 - alpha)`
(measured on the calibration sentences below) and the weight's rows multiplied by it. That
moves BERT's outlier activation channels into the weights, which are quantised per channel;
without it the outliers cost one activation scale per tensor most of its resolution.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

INPUTS = ("input_ids", "attention_mask")
OUTPUT = "token_embeddings"
SMOOTHING_ALPHA = 0.6

# Varied news-like sentences (short and long, names, numbers, quotes) on which the activation
# ranges for SmoothQuant are measured. With these and alpha 0.6, int8 agrees with torch at cosine
# 0.9957 mean, 0.981 min over 2000 Wikinews sentences (alpha 0.5: 0.991; 0.7: 0.994; no
# smoothing: 0.993 mean, 0.966 min). 4 sentences are too few; 16 to 256 do about as well.
CALIBRATION = (
    "The government announced new measures on Tuesday to curb rising energy prices.",
    "Police said three people were arrested after the protest turned violent.",
    "Shares in the company fell 12% after it reported a quarterly loss of $2.3 billion.",
    "Scientists at the university have discovered a new species of frog in the rainforest.",
    "The storm left more than 40,000 homes without power across the region.",
    '"We will not accept this decision," the opposition leader told reporters.',
    "Voters in Brazil go to the polls on Sunday to elect a new president.",
    "The match ended 2-1 after a late goal from the visiting team's captain.",
    "Apple unveiled its latest iPhone at an event in Cupertino, California.",
    "The United Nations Security Council met in an emergency session late on Friday night.",
    "Health officials confirmed 215 new cases of the virus, bringing the total to 4,800.",
    "Hurricane warnings were issued for the coast of Florida.",
    "The European Central Bank left interest rates unchanged at 4.5 percent.",
    "An earthquake of magnitude 6.1 struck off the coast of Japan early this morning, "
    "shaking buildings in Tokyo, but no tsunami warning was issued and no damage was reported.",
    "Wikipedia's founder spoke at a conference on open knowledge in London.",
    "The airline cancelled 300 flights because of a strike by air traffic controllers.",
    "NASA said the probe had sent back the first images from the surface of Mars.",
    "Ministers resigned.",
    "The court ruled that the law, passed in 2019, violated the constitution.",
    "Fire crews battled the blaze for six hours before bringing it under control.",
)

Feed = dict[str, npt.NDArray[np.int64]]


def export_fp32(model_dir: Path, target: Path) -> None:
    """Write the packaged BERT encoder's graph, with its fp32 weights, to `target`."""
    import onnx

    from newsrag.embeddings.onnx_graph import build_bert

    model = build_bert(model_dir, INPUTS, OUTPUT)
    with _written(target) as partial:
        onnx.save(model, str(partial))


def quantize_int8(
    fp32: Path, target: Path, feed: Callable[[Sequence[str]], Feed], *, reduce_range: bool
) -> None:
    """SmoothQuant on the fp32 graph, then dynamic per-channel int8 of its weight MatMuls.
    `reduce_range` (7-bit weights) avoids the u8s8 overflow of x86 CPUs without VNNI."""
    import onnx
    from onnxruntime.quantization import quantize_dynamic

    model = onnx.load(str(fp32))
    _smooth(model, feed(CALIBRATION))
    with _written(target) as partial, _quiet_root_logger():
        quantize_dynamic(
            model,
            partial,
            op_types_to_quantize=["MatMul"],
            per_channel=True,
            reduce_range=reduce_range,
        )


def _smooth(model: Any, calibration: Feed) -> None:
    from onnx import numpy_helper

    weights = {tensor.name: tensor for tensor in model.graph.initializer}
    consumers: dict[str, list[Any]] = {}
    first: dict[int, str] = {}
    for position, node in enumerate(model.graph.node):
        if node.op_type == "MatMul" and node.input[1] in weights:
            if node.input[0] not in consumers:
                first[position] = node.input[0]
            consumers.setdefault(node.input[0], []).append(node)
    maxima = _activation_maxima(model, list(consumers), calibration)
    for name, nodes in consumers.items():
        arrays = [numpy_helper.to_array(weights[node.input[1]]) for node in nodes]
        w_max = np.max([np.abs(array).max(axis=1) for array in arrays], axis=0)
        scale = maxima[name] ** SMOOTHING_ALPHA / np.maximum(w_max, 1e-5) ** (1 - SMOOTHING_ALPHA)
        scale = np.clip(scale, 1e-5, None).astype(np.float32)
        for node, array in zip(nodes, arrays, strict=True):
            scaled = (array * scale[:, None]).astype(np.float32)
            weights[node.input[1]].CopyFrom(numpy_helper.from_array(scaled, node.input[1]))
            node.input[0] = f"{name}_smoothed"
        model.graph.initializer.append(numpy_helper.from_array(1 / scale, f"{name}_smoothing"))
    _insert_scalings(model, first)


def _activation_maxima(model: Any, names: list[str], calibration: Feed) -> dict[str, Any]:
    """Per-channel max |x| of each named tensor over the calibration tokens (not padding)."""
    import onnx
    import onnxruntime

    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    for name in names:
        probe.graph.output.append(
            onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None)
        )
    session = onnxruntime.InferenceSession(
        probe.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    tokens = calibration["attention_mask"].astype(bool)
    values = session.run(names, dict(calibration))
    return {
        name: np.abs(value[tokens]).max(axis=0) for name, value in zip(names, values, strict=True)
    }


def _insert_scalings(model: Any, first: dict[int, str]) -> None:
    """A Mul by 1/s for each smoothed tensor, placed before its first consumer (topological)."""
    from onnx import helper

    ordered = []
    for position, node in enumerate(model.graph.node):
        name = first.get(position)
        if name is not None:
            ordered.append(
                helper.make_node(
                    "Mul", [name, f"{name}_smoothing"], [f"{name}_smoothed"], name=f"{name}_smooth"
                )
            )
        ordered.append(node)
    del model.graph.node[:]
    model.graph.node.extend(ordered)


@contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """onnxruntime.quantization logs a line per tensor (and advice that does not apply here)
    on the root logger: keep its errors only."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(max(level, logging.ERROR))
    try:
        yield
    finally:
        root.setLevel(level)


@contextmanager
def _written(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`, renamed onto it only when the writing succeeded: an
    interrupted export leaves no half file, and concurrent exports each rename a whole one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        yield partial
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
