"""Builds the tiny ONNX models of tests/fixtures/infer/ with the `onnx` package.

Each ignores its image (its output is a constant, the input's maximum times zero
added so the input is used) so the Rust tests know exactly what it outputs and
check the decoding of each YOLO layout, the letterbox mapping and the
non-maximum suppression to the pixel, and the classifier's softmax.

    python tests/python/make_yolo_models.py   # rewrites the .onnx files
"""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "infer")


def constant_model(path, input_hw, output, metadata):
    h, w = input_hw
    images = helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, h, w])
    result = helper.make_tensor_value_info("output0", TensorProto.FLOAT, list(output.shape))
    nodes = [
        helper.make_node("ReduceMax", ["images"], ["max"], keepdims=0),
        helper.make_node("Mul", ["max", "zero"], ["nothing"]),
        helper.make_node("Add", ["table", "nothing"], ["output0"]),
    ]
    inits = [
        numpy_helper.from_array(np.array(0.0, dtype=np.float32), "zero"),
        numpy_helper.from_array(output.astype(np.float32), "table"),
    ]
    graph = helper.make_graph(nodes, "constant", [images], [result], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    for k, v in metadata.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = k, v
    onnx.checker.check_model(model)
    onnx.save(model, path)


def v8():
    # [1, 4 + 2, 5]: columns are anchors (cx, cy, w, h, score class 0, class 1).
    anchors = [
        (20, 30, 10, 8, 0.90, 0.00),  # kept
        (21, 30, 10, 8, 0.80, 0.10),  # same class, IoU 0.82 with the first: suppressed
        (20, 31, 10, 8, 0.05, 0.70),  # class 1 over them: kept
        (50, 40, 6, 6, 0.20, 0.10),   # below 0.25: dropped
        (50, 40, 6, 6, 0.10, 0.60),   # class 1, far away: kept
    ]
    table = np.array(anchors, dtype=np.float32).T[None]
    names = "{0: 'cat', 1: \"dog's toy\"}"
    constant_model(os.path.join(OUT, "yolov8_tiny.onnx"), (64, 64), table,
                   {"names": names, "task": "detect", "imgsz": "[64, 64]", "stride": "32"})


def v5():
    # [1, 4, 5 + 2]: rows are anchors (cx, cy, w, h, objectness, class 0, class 1).
    rows = [
        (32, 32, 20, 20, 0.9, 0.9, 0.1),  # 0.81 class 0: kept
        (33, 32, 20, 20, 0.9, 0.8, 0.2),  # 0.72 class 0, IoU 0.905: suppressed
        (10, 10, 8, 8, 0.2, 1.0, 0.0),    # objectness 0.2: dropped
        (10, 50, 8, 8, 0.8, 0.1, 0.5),    # 0.4 class 1: kept
    ]
    constant_model(os.path.join(OUT, "yolov5_tiny.onnx"), (64, 64),
                   np.array(rows, dtype=np.float32)[None], {})


def yolox():
    # 64×64 input: 8×8 + 4×4 + 2×2 = 84 anchors of (dx, dy, log w, log h, obj, cls 0, cls 1).
    table = np.zeros((1, 84, 7), dtype=np.float32)
    table[0, 9] = (0.5, 0.5, np.log(2.0), np.log(1.0), 0.9, 0.2, 0.8)    # stride 8, cell (1, 1)
    table[0, 64 + 5] = (0.0, 0.0, 0.0, 0.0, 0.5, 0.9, 0.1)               # stride 16, cell (1, 1)
    table[0, 80 + 3] = (0.5, 0.5, 0.0, 0.0, 0.1, 1.0, 0.0)               # 0.1: dropped
    constant_model(os.path.join(OUT, "yolox_tiny.onnx"), (64, 64), table, {})


def classifier():
    logits = np.array([[0.0, np.log(3.0), np.log(6.0)]], dtype=np.float32)
    constant_model(os.path.join(OUT, "classifier_tiny.onnx"), (32, 32), logits,
                   {"names": "{0: 'cat', 1: 'dog', 2: 'bird'}", "task": "classify"})


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    v8()
    v5()
    yolox()
    classifier()
