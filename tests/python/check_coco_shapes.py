#!/usr/bin/env python3
"""Checks the shapes Shugu read from a COCO file against pycocotools' reading of it.

Usage: check_coco_shapes.py GT.json OURS.json

GT.json is the COCO file; OURS.json is what Shugu made of it, one record per
annotation id:

  {"<id>": {"crowd": false,
            "region": {"kind": "polygon" | "mask", "size": [h, w], "counts": "<compressed RLE>"}
                    | {"kind": "rect", "bbox": [x, y, w, h]} | null,
            "keypoints": [[x, y, v], ...] | null}}

(polygons rasterised by Shugu's port of pycocotools' rleFrPoly, masks as read).

For every annotation of GT:
- a segmentation: pycocotools' annToMask against our mask: IoU >= 0.99;
- no segmentation: our box is the bbox (within 1e-3 px);
- keypoints with a labelled point: ours have the same visibilities, and each
  labelled point is within 0.5 px of the file's (none labelled: we have none);
- iscrowd: our crowd flag.

Prints one summary line on success (exit 0); on a failed check prints
"check_coco_shapes: FAIL: ..." to stderr and exits 1; usage or read errors exit 2.
"""

import contextlib
import io
import json
import sys

import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO

MIN_IOU = 0.99
MAX_KEYPOINT_ERROR_PX = 0.5
BOX_TOLERANCE_PX = 1e-3


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def our_mask(region):
    rle = {"size": region["size"], "counts": region["counts"].encode("ascii")}
    return mask_utils.decode(rle)


def check_region(coco, ann, ours, stats):
    region = ours["region"]
    segmentation = ann.get("segmentation")
    name = f"annotation id {ann['id']}"
    if not segmentation:
        check(region is not None and region["kind"] == "rect",
              f"{name}: a plain box, but we have {region}")
        worst = max(abs(a - b) for a, b in zip(region["bbox"], ann["bbox"]))
        check(worst <= BOX_TOLERANCE_PX, f"{name}: box {region['bbox']} != {ann['bbox']}")
        stats["boxes"] += 1
        return
    check(region is not None and region["kind"] in ("polygon", "mask"),
          f"{name}: a segmentation, but we have {region}")
    theirs = coco.annToMask(ann).astype(bool)
    mine = our_mask(region).astype(bool)
    check(mine.shape == theirs.shape, f"{name}: mask {mine.shape} != {theirs.shape}")
    union = np.logical_or(mine, theirs).sum()
    iou = np.logical_and(mine, theirs).sum() / union if union else 1.0
    check(iou >= MIN_IOU, f"{name}: mask IoU {iou:.4f} < {MIN_IOU}")
    stats["masks"] += 1
    stats["identical"] += int(iou == 1.0)
    stats["min_iou"] = min(stats["min_iou"], iou)


def check_keypoints(ann, ours, stats):
    name = f"annotation id {ann['id']}"
    given = ann.get("keypoints") or []
    triples = [given[i:i + 3] for i in range(0, len(given), 3)]
    labelled = [t for t in triples if t[2] > 0]
    mine = ours["keypoints"]
    if not labelled:
        check(mine is None, f"{name}: no labelled keypoints, but we have {mine}")
        return
    check(mine is not None and len(mine) == len(triples),
          f"{name}: {len(triples)} keypoints, we have {mine}")
    for k, ((x, y, v), (mx, my, mv)) in enumerate(zip(triples, mine)):
        check(mv == v, f"{name}: keypoint {k} visibility {mv} != {v}")
        if v > 0:
            error = max(abs(mx - x), abs(my - y))
            check(error <= MAX_KEYPOINT_ERROR_PX,
                  f"{name}: keypoint {k} at ({mx}, {my}), the file says ({x}, {y})")
            stats["max_error"] = max(stats["max_error"], error)
    stats["keypoints"] += 1


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            coco = COCO(sys.argv[1])
        with open(sys.argv[2], encoding="utf-8") as f:
            ours = json.load(f)
    except Exception as e:  # pycocotools raises bare AssertionError, OSError, ValueError
        print(f"check_coco_shapes: cannot read the input: {e!r}", file=sys.stderr)
        return 2
    stats = {"masks": 0, "identical": 0, "min_iou": 1.0, "boxes": 0, "keypoints": 0,
             "max_error": 0.0}
    try:
        anns = coco.dataset["annotations"]
        check(len(ours) == len(anns), f"{len(anns)} annotations, we have {len(ours)}")
        for ann in anns:
            mine = ours.get(str(ann["id"]))
            check(mine is not None, f"annotation id {ann['id']}: we have nothing")
            check(bool(mine["crowd"]) == bool(ann.get("iscrowd", 0)),
                  f"annotation id {ann['id']}: crowd {mine['crowd']}, iscrowd {ann.get('iscrowd')}")
            check_region(coco, ann, mine, stats)
            check_keypoints(ann, mine, stats)
    except CheckFailed as e:
        print(f"check_coco_shapes: FAIL: {e}", file=sys.stderr)
        return 1
    print(f"check_coco_shapes: {sys.argv[1]}: {stats['masks']} masks (min IoU "
          f"{stats['min_iou']:.4f}, {stats['identical']} identical to annToMask), "
          f"{stats['boxes']} boxes, {stats['keypoints']} keypoint sets (largest error "
          f"{stats['max_error']:.3g} px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
