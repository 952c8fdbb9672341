#!/usr/bin/env python3
"""Checks a COCO file Shugu exported from an imported Label Studio export
against label-studio-sdk's own COCO conversion of that export and against the
brushes as the SDK decodes them.

Usage: check_label_studio_coco.py SHUGU_COCO.json CONVERTER_COCO.json MASKS.json [--not-polygon NAME ...]

Images are matched by path (the converter's file names are Label Studio's
`/data/local-files/?d=ROOT/` URLs; the part after the image root's folder is
the path). Every polygon annotation of the converter's file must have one of
Shugu's on the same image, of the same category, whose mask (`annToMask`) has
an IoU of at least 0.99 with it; categories named by --not-polygon (Label
Studio's unfinished polygons, a polyline in Shugu, which COCO does not hold)
must instead be absent from Shugu's file. Every mask of MASKS.json (row-major
runs of the alpha channel `brush.decode_rle` gives) must be exactly the mask of
one of Shugu's annotations of its label on its image.
Exit 0 with a summary line, 1 with "check_label_studio_coco: FAIL: ..." on stderr.
"""

import contextlib
import io
import json
import sys

import numpy as np
from pycocotools.coco import COCO


def fail(message):
    print(f"check_label_studio_coco: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def load(path):
    with contextlib.redirect_stdout(io.StringIO()):
        return COCO(path)


def path_of(file_name):
    """`/data/local-files/?d=dataset/sub/b.png` → `sub/b.png`."""
    if "?d=" in file_name:
        return file_name.split("?d=", 1)[1].split("/", 1)[1]
    return file_name


def by_image_and_category(coco):
    names = {c["id"]: c["name"] for c in coco.dataset["categories"]}
    images = {i["id"]: path_of(i["file_name"]) for i in coco.dataset["images"]}
    out = {}
    for a in coco.dataset["annotations"]:
        out.setdefault((images[a["image_id"]], names[a["category_id"]]), []).append(a)
    return out


def iou(a, b):
    union = np.logical_or(a, b).sum()
    return np.logical_and(a, b).sum() / union if union else 1.0


def from_runs(runs, width, height):
    flat = np.zeros(width * height, dtype=np.uint8)
    at, value = 0, 0
    for n in runs:
        flat[at:at + n] = value
        at += n
        value = 1 - value
    return flat.reshape(height, width)


def main():
    ours_path, theirs_path, masks_path = sys.argv[1:4]
    not_polygon = set()
    rest = sys.argv[4:]
    while rest:
        if rest[0] != "--not-polygon" or len(rest) < 2:
            fail(f"unexpected arguments {rest}")
        not_polygon.add(rest[1])
        rest = rest[2:]
    ours, theirs = load(ours_path), load(theirs_path)
    our_annotations = by_image_and_category(ours)
    polygons = 0
    lowest = 1.0
    for (image, category), annotations in by_image_and_category(theirs).items():
        for theirs_a in annotations:
            if not isinstance(theirs_a.get("segmentation"), list) or not theirs_a["segmentation"]:
                continue
            candidates = our_annotations.get((image, category), [])
            if category in not_polygon:
                if candidates:
                    fail(f"{image}: {category} is a polyline in Shugu, yet its COCO file has it")
                continue
            want = theirs.annToMask(theirs_a)
            best = max((iou(want, ours.annToMask(a)) for a in candidates), default=0.0)
            if best < 0.99:
                fail(f"{image}: {category} polygon {theirs_a['id']}: best IoU {best:.4f} < 0.99")
            polygons += 1
            lowest = min(lowest, best)
    with open(masks_path) as f:
        masks = json.load(f)
    for m in masks:
        image = path_of(m["image"])
        want = from_runs(m["row_major_runs"], m["width"], m["height"])
        candidates = our_annotations.get((image, m["label"]), [])
        if not any(np.array_equal(ours.annToMask(a), want) for a in candidates):
            fail(f"{image}: no {m['label']} annotation has exactly the brush's mask "
                 f"({int(want.sum())} pixels)")
    if polygons == 0 or not masks:
        fail("nothing was compared")
    print(f"check_label_studio_coco: {polygons} polygon(s) at IoU >= {lowest:.4f} with "
          f"label-studio-sdk's COCO export, {len(masks)} brush mask(s) exact")


if __name__ == "__main__":
    main()
