#!/usr/bin/env python3
"""Writes pycocotools' own answers for the shape core's unit tests to compare with.

Usage: make_shape_reference.py [OUT.json]
(default: tests/fixtures/shapes/pycocotools_reference.json beside this folder)

Run with the venv that has pycocotools (tests/run-all.sh makes one; the shared one is
/work/main/.venv). Everything is made from fixed numbers and a seeded generator, so
running it again writes the same file. It records:

- polygons: COCO segmentations (one part, several parts, self-crossing, past the
  border, with repeated points, decimals that round differently in f32) rasterised by
  frPyObjects and merged as annToRLE does: each part's and the merged compressed
  counts, area and toBbox;
- boxes: frPyObjects of [x, y, w, h] (rleFrBbox);
- masks: seeded random masks (column-major '0'/'1' strings) encoded, with area and
  toBbox; uncompressed counts turned into compressed ones;
- merges (union and intersection) and IoUs (crowd and not) of pairs of those RLEs;
Floats are written as strings (Python's repr), read back exactly by the test.

- OKS: COCOeval.computeOks for pairs of keypoint annotations, with its default
  person sigmas (and the sigmas themselves).
"""

import json
import os
import sys

import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.cocoeval import COCOeval


def num(x):
    """A float as the shortest string that reads back as it. serde_json's default
    float parsing can be an ulp off, so the Rust test parses these strings itself."""
    return repr(float(x))


def text(counts):
    return counts.decode("ascii") if isinstance(counts, bytes) else counts


def rle_record(rle):
    return {
        "counts": text(rle["counts"]),
        "area": int(mask_utils.area(rle)),
        "bbox": [num(v) for v in mask_utils.toBbox(rle)],
    }


POLYGONS = [
    # (name, h, w, segmentation)
    ("triangle", 20, 30, [[2.0, 3.0, 25.5, 4.25, 12.0, 18.0]]),
    ("square_on_pixels", 8, 8, [[1.0, 1.0, 5.0, 1.0, 5.0, 5.0, 1.0, 5.0]]),
    ("decimals", 40, 50, [[10.7, 3.3, 44.9, 12.1, 30.5, 38.7, 0.7, 20.3, 5.1, 9.9]]),
    ("coco_like", 60, 80, [[239.97 / 4, 260.24 / 4, 222.04 / 4, 270.49 / 4, 199.84 / 4, 253.41 / 4,
                            213.5 / 4, 227.46 / 4, 259.62 / 4, 200.0 / 4, 274.13 / 4, 202.17 / 4,
                            277.06 / 4, 225.95 / 4, 249.87 / 4, 239.97 / 4]]),
    ("multi_part", 30, 40, [[1.0, 1.0, 15.0, 2.0, 8.0, 14.0], [20.5, 5.5, 38.0, 6.0, 36.0, 25.0, 22.0, 28.5],
                            [5.0, 10.0, 12.0, 10.0, 12.0, 20.0, 5.0, 20.0]]),
    ("self_crossing", 25, 25, [[2.0, 2.0, 22.0, 22.0, 22.0, 2.0, 2.0, 22.0]]),
    ("star", 40, 40, [[20.0, 1.0, 25.0, 38.0, 2.0, 14.0, 38.0, 14.0, 15.0, 38.0]]),
    ("past_border", 16, 12, [[-5.0, -3.0, 20.0, 4.0, 14.0, 30.0, 3.0, 12.0]]),
    ("repeated_points", 20, 20, [[3.0, 3.0, 3.0, 3.0, 15.0, 4.0, 15.0, 4.0, 15.0, 4.0, 9.0, 17.0]]),
    ("thin", 10, 100, [[0.0, 4.9, 99.0, 5.1, 99.0, 5.3, 0.0, 5.0]]),
    ("tiny", 10, 10, [[4.2, 4.2, 4.6, 4.3, 4.4, 4.7]]),
    ("steep", 50, 20, [[3.0, 0.5, 4.0, 49.5, 17.0, 45.0, 16.5, 2.0]]),
]

BOXES = [
    ("inside", 20, 30, [2.0, 3.0, 10.0, 7.5]),
    ("decimals", 20, 30, [0.7, 1.3, 12.1, 9.9]),
    ("past_border", 20, 30, [-4.0, 15.0, 40.0, 10.0]),
    ("one_pixel", 5, 5, [0.0, 0.0, 1.0, 1.0]),
]


def random_mask(rng, h, w, density):
    m = (rng.random((h, w)) < density).astype(np.uint8)
    return np.asfortranarray(m)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "fixtures", "shapes", "pycocotools_reference.json")
    rng = np.random.default_rng(20240614)
    result = {"polygons": [], "boxes": [], "masks": [], "uncompressed": [], "pairs": [], "oks": {}}

    rles_by_name = {}
    for name, h, w, segm in POLYGONS:
        parts = mask_utils.frPyObjects(segm, h, w)
        merged = mask_utils.merge(parts)
        rles_by_name[name] = merged
        result["polygons"].append({
            "name": name, "h": h, "w": w, "segmentation": [[num(v) for v in part] for part in segm],
            "parts": [text(p["counts"]) for p in parts],
            "merged": rle_record(merged),
        })
    for name, h, w, box in BOXES:
        rle = mask_utils.frPyObjects(np.array([box], dtype=np.double), h, w)[0]
        result["boxes"].append({"name": name, "h": h, "w": w, "bbox": [num(v) for v in box],
                                "rle": rle_record(rle)})

    for i, (h, w, density) in enumerate([(7, 5, 0.5), (13, 17, 0.2), (32, 24, 0.8), (1, 9, 0.5),
                                         (6, 6, 0.0), (6, 6, 1.0), (40, 60, 0.02)]):
        m = random_mask(rng, h, w, density)
        rle = mask_utils.encode(m)
        column_major = "".join(str(int(v)) for v in m.flatten(order="F"))
        result["masks"].append({"h": h, "w": w, "mask": column_major, "rle": rle_record(rle)})
        rles_by_name[f"mask{i}"] = rle

    for counts, h, w in [([3, 4, 0, 2, 5], 2, 7), ([0, 10], 5, 2), ([100, 200, 300, 400, 36], 37, 28)]:
        rle = mask_utils.frPyObjects({"counts": counts, "size": [h, w]}, h, w)
        result["uncompressed"].append({"h": h, "w": w, "counts": counts, "compressed": text(rle["counts"])})

    # Same-size pairs: polygons and boxes against each other and random masks.
    extra = {}
    for name, h, w, segm in POLYGONS:
        if (h, w) == (20, 30):
            extra[name] = rles_by_name[name]
    for name, h, w, box in BOXES:
        if (h, w) == (20, 30):
            extra["box_" + name] = mask_utils.frPyObjects(np.array([box], dtype=np.double), h, w)[0]
    m = random_mask(rng, 20, 30, 0.3)
    extra["random"] = mask_utils.encode(m)
    names = sorted(extra)
    for a in names:
        for b in names:
            if a >= b:
                continue
            ra, rb = extra[a], extra[b]
            result["pairs"].append({
                "a": {"h": 20, "w": 30, "counts": text(ra["counts"])},
                "b": {"h": 20, "w": 30, "counts": text(rb["counts"])},
                "iou": num(mask_utils.iou([ra], [rb], [0])[0][0]),
                "iou_crowd": num(mask_utils.iou([ra], [rb], [1])[0][0]),
                "union": text(mask_utils.merge([ra, rb])["counts"]),
                "intersection": text(mask_utils.merge([ra, rb], intersect=1)["counts"]),
            })

    result["oks"] = oks_cases(rng)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


def oks_cases(rng):
    evaluator = COCOeval(iouType="keypoints")
    sigmas = evaluator.params.kpt_oks_sigmas
    cases = []
    base = np.array([[100 + 10 * i, 50 + 7 * (i % 5)] for i in range(17)], dtype=float)
    for case in range(6):
        vis = rng.integers(0, 3, 17)
        if case == 0:
            vis[:] = 2
        if case == 4:
            vis[:] = 0  # no labelled ground-truth point: distances to the doubled box
        gt_xy = base + rng.integers(-8, 9, (17, 2)) / 2.0
        gt_xy[vis == 0] = 0.0
        dt_xy = gt_xy + rng.integers(-12, 13, (17, 2)) / 4.0
        if case == 4:
            dt_xy = base + rng.integers(-200, 200, (17, 2)) / 2.0
        gt_kp = np.column_stack([gt_xy, vis]).flatten().tolist()
        dt_kp = np.column_stack([dt_xy, np.full(17, 2)]).flatten().tolist()
        bbox = [90.0, 40.0, 180.0 + case * 10.0, 45.5]
        area = [1200.0, 8000.5, 300.0, 15000.0, 5000.0, 0.0][case]
        evaluator._gts = {(1, 1): [{"keypoints": gt_kp, "bbox": bbox, "area": area}]}
        evaluator._dts = {(1, 1): [{"keypoints": dt_kp, "score": 1.0}]}
        value = float(evaluator.computeOks(1, 1)[0][0])
        cases.append({"gt": [num(v) for v in gt_kp], "dt": [num(v) for v in dt_kp],
                      "bbox": [num(v) for v in bbox], "area": num(area), "oks": num(value)})
    return {"sigmas": [num(s) for s in sigmas], "cases": cases}


if __name__ == "__main__":
    main()
