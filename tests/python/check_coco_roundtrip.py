#!/usr/bin/env python3
"""Checks a COCO file Shugu wrote back against the file it read, with pycocotools.

Usage: check_coco_roundtrip.py ORIGINAL.json WRITTEN.json [--match-content]

Annotations are matched by id (the test writes each back under its own id), or
with --match-content (a file imported into a project and exported again, which
numbers images and annotations its own way) by content: images by file_name,
categories by name, and each original annotation to the unmatched written one
of its image and category that is most like it (mask IoU for a segmentation,
else the nearest keypoints, else bbox IoU); both files must have as many
annotations.

1. Every annotation came back: a segmentation gives the same mask (annToMask,
   IoU >= 0.99), a plain box the same bbox (1e-3 px), labelled keypoints the
   same visibility within 0.5 px; iscrowd is kept.
2. COCOeval of WRITTEN against itself gives AP 1.0 (stats[0]) for
   - bbox: every annotation;
   - segm: the annotations with a segmentation (pycocotools cannot make a mask
     of a plain box's `"segmentation": []`);
   - keypoints: the categories that name keypoints, if any.
   Detections are made from the non-crowd ground truth, score 1.0.

Prints one summary line on success (exit 0); on a failed check prints
"check_coco_roundtrip: FAIL: ..." to stderr and exits 1; read errors exit 2.
"""

import contextlib
import copy
import io
import sys

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def load(path):
    with contextlib.redirect_stdout(io.StringIO()):
        return COCO(path)


def subset(coco, keep):
    """A COCO object of `coco`'s file with only the annotations `keep` takes."""
    dataset = copy.deepcopy(coco.dataset)
    dataset["annotations"] = [a for a in dataset["annotations"] if keep(a)]
    out = COCO()
    out.dataset = dataset
    with contextlib.redirect_stdout(io.StringIO()):
        out.createIndex()
    return out


def by_id(original, written):
    """(original, written or None) pairs of the same id."""
    back = {a["id"]: a for a in written.dataset["annotations"]}
    return [(ann, back.get(ann["id"])) for ann in original.dataset["annotations"]]


def box_iou(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    iw = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    ih = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = iw * ih
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


def mask_iou(a, b):
    union = np.logical_or(a, b).sum()
    return np.logical_and(a, b).sum() / union if union else 1.0


def keypoint_distance(a, b):
    """The largest move of a labelled point of `a`, or infinity."""
    ka, kb = a.get("keypoints") or [], b.get("keypoints") or []
    if len(ka) != len(kb):
        return float("inf")
    moves = [max(abs(ka[k] - kb[k]), abs(ka[k + 1] - kb[k + 1]))
             for k in range(0, len(ka), 3) if ka[k + 2] > 0]
    return max(moves) if moves else float("inf")


def by_content(original, written):
    """(original, written or None) pairs, each written annotation used once."""
    check(len(original.dataset["annotations"]) == len(written.dataset["annotations"]),
          f"{len(written.dataset['annotations'])} annotations written, "
          f"not {len(original.dataset['annotations'])}")
    image_of = {i["file_name"]: i["id"] for i in written.dataset["images"]}
    image_name = {i["id"]: i["file_name"] for i in original.dataset["images"]}
    category_of = {c["name"]: c["id"] for c in written.dataset["categories"]}
    category_name = {c["id"]: c["name"] for c in original.dataset["categories"]}
    used = set()
    pairs = []
    for ann in original.dataset["annotations"]:
        image = image_of.get(image_name.get(ann["image_id"]))
        category = category_of.get(category_name.get(ann["category_id"]))
        candidates = [a for a in written.imgToAnns.get(image, [])
                      if a["category_id"] == category and a["id"] not in used]
        if ann.get("segmentation"):
            theirs = original.annToMask(ann).astype(bool)
            score = lambda a: mask_iou(theirs, written.annToMask(a).astype(bool)) \
                if a.get("segmentation") else -1.0
        elif any(v > 0 for v in (ann.get("keypoints") or [])[2::3]):
            score = lambda a: -keypoint_distance(ann, a)
        else:
            score = lambda a: box_iou(ann["bbox"], a["bbox"])
        best = max(candidates, key=score, default=None)
        if best is not None:
            used.add(best["id"])
        pairs.append((ann, best))
    return pairs


def compare(original, written, pairs):
    stats = {"masks": 0, "min_iou": 1.0, "boxes": 0, "keypoints": 0, "max_error": 0.0}
    for ann, mine in pairs:
        name = f"annotation id {ann['id']}"
        check(mine is not None, f"{name}: not written back")
        check(bool(mine["iscrowd"]) == bool(ann.get("iscrowd", 0)), f"{name}: iscrowd changed")
        if ann.get("segmentation"):
            theirs = original.annToMask(ann).astype(bool)
            ours = written.annToMask(mine).astype(bool)
            union = np.logical_or(ours, theirs).sum()
            iou = np.logical_and(ours, theirs).sum() / union if union else 1.0
            check(iou >= 0.99, f"{name}: mask IoU {iou:.4f} < 0.99")
            stats["masks"] += 1
            stats["min_iou"] = min(stats["min_iou"], iou)
        else:
            worst = max(abs(a - b) for a, b in zip(mine["bbox"], ann["bbox"]))
            check(worst <= 1e-3, f"{name}: bbox {mine['bbox']} != {ann['bbox']}")
            stats["boxes"] += 1
        given = ann.get("keypoints") or []
        if any(v > 0 for v in given[2::3]):
            got = mine.get("keypoints") or []
            check(len(got) == len(given), f"{name}: {len(got) // 3} keypoints, not {len(given) // 3}")
            for k in range(0, len(given), 3):
                x, y, v = given[k:k + 3]
                check(got[k + 2] == v, f"{name}: keypoint {k // 3} visibility {got[k + 2]} != {v}")
                if v > 0:
                    error = max(abs(got[k] - x), abs(got[k + 1] - y))
                    check(error <= 0.5, f"{name}: keypoint {k // 3} moved {error} px")
                    stats["max_error"] = max(stats["max_error"], error)
            stats["keypoints"] += 1
    return stats


def detections(gt, kind):
    """Detections of score 1.0 made from the non-crowd ground truth."""
    out = []
    for a in gt.dataset["annotations"]:
        if a.get("iscrowd"):
            continue
        d = {"image_id": a["image_id"], "category_id": a["category_id"], "score": 1.0}
        if kind == "bbox":
            d["bbox"] = a["bbox"]
        elif kind == "segm":
            d["segmentation"] = gt.annToRLE(a)
        elif a.get("num_keypoints", 0) > 0:
            d["keypoints"] = a["keypoints"]
        else:
            continue
        out.append(d)
    return out


def self_evaluate(gt, kind, cat_ids=None):
    found = detections(gt, kind)
    check(found, f"{kind}: nothing to evaluate")
    with contextlib.redirect_stdout(io.StringIO()):
        dt = gt.loadRes(found)
        ev = COCOeval(gt, dt, kind)
        if cat_ids:
            ev.params.catIds = cat_ids
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    ap = ev.stats[0]
    check(ap == 1.0, f"COCOeval {kind} of the written file against itself: AP {ap}, not 1.0")
    return ap


def main():
    args = sys.argv[1:]
    content = "--match-content" in args
    args = [a for a in args if a != "--match-content"]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        original, written = load(args[0]), load(args[1])
    except Exception as e:  # pycocotools raises bare AssertionError, OSError, ValueError
        print(f"check_coco_roundtrip: cannot read the input: {e!r}", file=sys.stderr)
        return 2
    try:
        pairs = by_content(original, written) if content else by_id(original, written)
        stats = compare(original, written, pairs)
        evaluated = [f"bbox {self_evaluate(written, 'bbox')}"]
        segm = subset(written, lambda a: bool(a.get("segmentation")))
        evaluated.append(f"segm {self_evaluate(segm, 'segm')}")
        keypoint_cats = [c["id"] for c in written.dataset["categories"] if c.get("keypoints")]
        if keypoint_cats:
            ap = self_evaluate(written, "keypoints", keypoint_cats)
            evaluated.append(f"keypoints {ap}")
    except CheckFailed as e:
        print(f"check_coco_roundtrip: FAIL: {e}", file=sys.stderr)
        return 1
    print(f"check_coco_roundtrip: {args[0]}: {stats['masks']} masks (min IoU "
          f"{stats['min_iou']:.4f}), {stats['boxes']} boxes, {stats['keypoints']} keypoint "
          f"sets (largest move {stats['max_error']:.3g} px); COCOeval AP {', '.join(evaluated)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
