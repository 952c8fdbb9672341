#!/usr/bin/env python3
"""Checks a COCO detection file written by Shugu against pycocotools.

Usage: check_coco.py GT.json [--labels LABELS.jsonl]

1. Structure (the exporter checklist in src/formats/coco/mod.rs): the five top-level keys are present; image
   and annotation ids start at 1 and are unique; category ids are >= 1 and
   unique (they are the project's stable class ids, so a deleted class may
   leave a gap); every annotation has iscrowd, area and a proper bbox inside
   its image, and refers to an existing image and category; file names are
   relative to the image root. A box's area is w*h; a polygon's parts are
   lists of at least three points and its area their shoelace sum; an RLE
   mask is its image's size and its area its pixel count; keypoints are one
   triple per point of their category, num_keypoints the labelled ones.
2. Loads the file with pycocotools.coco.COCO.
3. Turns the ground truth into detections (score 1.0), loads them with
   loadRes and runs COCOeval(gt, dt, kind): AP@[.5:.95] must be 1.0 for
   "bbox", for "segm" over the annotations with a segmentation, and for
   "keypoints" over the categories that name keypoints, when there are any.
   For images with more than 100 annotations, AP is taken at maxDets = the
   largest per-image count, so crowded images do not lower the score.

With --labels, also checks the image-level labels file written beside it:
one JSON object per line with a file_name from the COCO images and a
non-empty list of label names.

Prints one summary line on success (exit 0). On a failed check prints
"check_coco: FAIL: ..." to stderr and exits 1; usage or read errors exit 2.
"""

import argparse
import contextlib
import copy
import io
import json
import math
import sys
from collections import Counter

TOLERANCE_PX = 0.5  # how far a box may reach past the image border


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def check_ids(records, what, must_start_at_one):
    ids = [r.get("id") for r in records]
    check(all(isinstance(i, int) and not isinstance(i, bool) for i in ids),
          f"{what}: every id must be an integer")
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    check(not dupes, f"{what}: duplicate ids {sorted(dupes)[:10]}")
    if ids:
        check(min(ids) >= 1, f"{what}: ids must be >= 1, found {min(ids)}")
        if must_start_at_one:
            check(min(ids) == 1, f"{what}: ids must start at 1, the smallest is {min(ids)}")


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def check_structure(data):
    check(isinstance(data, dict), "the file is not a JSON object")
    for key in ("info", "licenses", "images", "annotations", "categories"):
        check(key in data, f"missing top-level key {key!r}")
    check(isinstance(data["licenses"], list), "licenses must be a list")
    images, anns, cats = data["images"], data["annotations"], data["categories"]
    check_ids(images, "images", must_start_at_one=True)
    check_ids(anns, "annotations", must_start_at_one=True)
    check_ids(cats, "categories", must_start_at_one=False)

    sizes = {}
    for img in images:
        name = img.get("file_name")
        check(isinstance(name, str) and name, f"image id {img['id']}: no file_name")
        check(not name.startswith("/") and "\\" not in name
              and ".." not in name.split("/") and not (len(name) > 1 and name[1] == ":"),
              f"image id {img['id']}: file_name {name!r} is not relative to the image root")
        w, h = img.get("width"), img.get("height")
        check(isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0,
              f"image id {img['id']} ({name}): width/height must be positive integers, got {w}x{h}")
        sizes[img["id"]] = (w, h)

    for cat in cats:
        check(isinstance(cat.get("name"), str) and cat["name"].strip(),
              f"category id {cat['id']}: no name")
        check("supercategory" in cat, f"category id {cat['id']}: no supercategory")
    category_ids = {c["id"] for c in cats}
    keypoint_names = {c["id"]: c.get("keypoints") or [] for c in cats}

    for ann in anns:
        rec = f"annotation id {ann['id']}"
        for key in ("image_id", "category_id", "bbox", "area", "iscrowd", "segmentation"):
            check(key in ann, f"{rec}: missing {key!r}")
        check(ann["iscrowd"] in (0, 1) and not isinstance(ann["iscrowd"], bool),
              f"{rec}: iscrowd must be 0 or 1, got {ann['iscrowd']!r}")
        check(ann["image_id"] in sizes, f"{rec}: image id {ann['image_id']} is not in the file")
        check(ann["category_id"] in category_ids,
              f"{rec}: category id {ann['category_id']} is not in the file")
        bbox = ann["bbox"]
        check(isinstance(bbox, list) and len(bbox) == 4 and all(is_number(v) for v in bbox),
              f"{rec}: bbox must be four finite numbers, got {bbox!r}")
        x, y, w, h = bbox
        check(w > 0 and h > 0, f"{rec}: bbox {bbox} has no area")
        iw, ih = sizes[ann["image_id"]]
        check(x >= -TOLERANCE_PX and y >= -TOLERANCE_PX
              and x + w <= iw + TOLERANCE_PX and y + h <= ih + TOLERANCE_PX,
              f"{rec}: bbox {bbox} lies outside the {iw}x{ih} image")
        check(is_number(ann["area"]) and ann["area"] >= 0, f"{rec}: bad area {ann['area']!r}")
        segmentation = ann["segmentation"]
        if segmentation == []:
            if ann.get("keypoints") is None:
                check(math.isclose(ann["area"], w * h, rel_tol=1e-3, abs_tol=1e-3),
                      f"{rec}: area {ann['area']} of a box is not w*h = {w * h}")
        elif isinstance(segmentation, list):
            check(all(isinstance(p, list) and len(p) >= 6 and len(p) % 2 == 0
                      and all(is_number(v) for v in p) for p in segmentation),
                  f"{rec}: a polygon part is not three or more pairs of numbers")
            area = sum(shoelace(p) for p in segmentation)
            check(math.isclose(ann["area"], area, rel_tol=1e-3, abs_tol=1e-2),
                  f"{rec}: area {ann['area']} of a polygon is not its shoelace area {area}")
        else:
            check(isinstance(segmentation, dict) and segmentation.get("size") == [ih, iw],
                  f"{rec}: an RLE mask must be its {iw}x{ih} image's size")
        if "keypoints" in ann:
            points = ann["keypoints"]
            names = keypoint_names.get(ann["category_id"], [])
            check(isinstance(points, list) and len(points) == 3 * len(names),
                  f"{rec}: {len(points)} keypoint values for {len(names)} named points")
            labelled = sum(1 for v in points[2::3] if v > 0)
            check(ann.get("num_keypoints") == labelled,
                  f"{rec}: num_keypoints {ann.get('num_keypoints')} != {labelled} labelled")
    return sizes


def shoelace(flat):
    xs, ys = flat[0::2], flat[1::2]
    n = len(xs)
    return abs(sum(xs[i] * ys[(i + 1) % n] - xs[(i + 1) % n] * ys[i] for i in range(n))) / 2


def check_labels(path, file_names):
    lines = 0
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            rec = f"{path}:{number}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise CheckFailed(f"{rec}: not JSON ({e})") from e
            check(isinstance(obj, dict) and set(obj) == {"file_name", "labels"},
                  f"{rec}: expected an object with file_name and labels")
            check(obj["file_name"] in file_names,
                  f"{rec}: file_name {obj['file_name']!r} is not an image of the COCO file")
            labels = obj["labels"]
            check(isinstance(labels, list) and labels and all(isinstance(l, str) for l in labels),
                  f"{rec}: labels must be a non-empty list of names")
            check(len(set(labels)) == len(labels), f"{rec}: repeated labels {labels}")
            lines += 1
    return lines


def detection(gt, a, kind):
    """A detection of score 1.0 made from ground-truth annotation `a`."""
    d = {"image_id": a["image_id"], "category_id": a["category_id"], "score": 1.0}
    if kind == "bbox":
        d["bbox"] = list(a["bbox"])
    elif kind == "segm":
        d["segmentation"] = gt.annToRLE(a)
    else:
        d["keypoints"] = a["keypoints"]
    return d


def with_segmentation(gt):
    """A COCO object of `gt`'s file with only the annotations that have a
    segmentation (pycocotools cannot make a mask of a box's `[]`)."""
    from pycocotools.coco import COCO

    dataset = copy.deepcopy(gt.dataset)
    dataset["annotations"] = [a for a in dataset["annotations"] if a["segmentation"]]
    out = COCO()
    out.dataset = dataset
    with contextlib.redirect_stdout(io.StringIO()):
        out.createIndex()
    return out


def self_eval(gt, kind):
    """AP@[.5:.95] of the ground truth against itself for `kind`, or None
    without annotations to evaluate."""
    from pycocotools.cocoeval import COCOeval

    if kind == "segm":
        gt = with_segmentation(gt)
    anns = [a for a in gt.dataset["annotations"] if not a["iscrowd"]]
    cat_ids = None
    if kind == "segm":
        anns = [a for a in anns if a["segmentation"]]
    elif kind == "keypoints":
        cat_ids = [c["id"] for c in gt.dataset["categories"] if c.get("keypoints")]
        anns = [a for a in anns if a["category_id"] in cat_ids and a.get("num_keypoints", 0) > 0]
    if not anns:
        return None
    dets = [detection(gt, a, kind) for a in anns]
    most_per_image = max(Counter(a["image_id"] for a in anns).values())
    with contextlib.redirect_stdout(io.StringIO()):
        dt = gt.loadRes(dets)
        ev = COCOeval(gt, dt, kind)
        if cat_ids:
            ev.params.catIds = cat_ids
        if most_per_image > 100:
            ev.params.maxDets = [1, 10, most_per_image] if kind != "keypoints" else [most_per_image]
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    if most_per_image <= 100:
        return float(ev.stats[0])
    # summarize() reads stats[0] at a hard-wired maxDets=100, so with more
    # annotations per image take AP@[.5:.95] over all areas at the raised
    # maxDets directly.
    precision = ev.eval["precision"][:, :, :, ev.params.areaRngLbl.index("all"), -1]
    valid = precision[precision > -1]
    return float(valid.mean()) if valid.size else -1.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gt", help="COCO ground-truth file to check")
    parser.add_argument("--labels", help="image-level labels JSONL written beside it")
    args = parser.parse_args()

    try:
        with open(args.gt, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        print(f"check_coco: cannot read {args.gt}: {e}", file=sys.stderr)
        return 2

    try:
        sizes = check_structure(data)
        del data
        from pycocotools.coco import COCO

        with contextlib.redirect_stdout(io.StringIO()):
            gt = COCO(args.gt)
        aps = {}
        for kind in ("bbox", "segm", "keypoints"):
            ap = self_eval(gt, kind)
            if ap is not None:
                check(abs(ap - 1.0) <= 1e-9,
                      f"COCOeval {kind} of the ground truth against itself gives "
                      f"AP@[.5:.95] = {ap!r}, not 1.0")
                aps[kind] = ap
        label_lines = None
        if args.labels:
            names = {img["file_name"] for img in gt.dataset["images"]}
            label_lines = check_labels(args.labels, names)
    except CheckFailed as e:
        print(f"check_coco: FAIL: {args.gt}: {e}", file=sys.stderr)
        return 1

    evaluated = ", ".join(f"{kind} AP@[.5:.95] = {ap:.6f}" for kind, ap in aps.items())
    summary = (f"check_coco: OK {args.gt}: {len(sizes)} images, "
               f"{len(gt.dataset['annotations'])} annotations, {len(gt.dataset['categories'])} categories, "
               + (evaluated or "no annotations to evaluate"))
    if label_lines is not None:
        summary += f", {label_lines} label lines"
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
