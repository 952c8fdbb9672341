#!/usr/bin/env python3
"""Checks that a COCO file Shugu exported holds the polygons of the file it
imported, as masks.

Usage: check_polygon_masks.py SOURCE COCO.json

SOURCE is a CVAT for images XML file (its <polygon>s) or a folder of labelme
JSON files (their `polygon` shapes and shapes without `shape_type`, on the
image named by `imagePath`, matched by file name). For each polygon the
COCO file must hold an annotation on the image with that file name and the
polygon's category whose mask (pycocotools' annToMask) has IoU >= 0.99 with
the polygon's own mask (frPyObjects of its points on the image's size).
Exit 0 with a summary line, 1 with "check_polygon_masks: FAIL: ..." on stderr.
"""

import contextlib
import io
import json
import os
import sys
import xml.etree.ElementTree as ET

import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO

MIN_IOU = 0.99


def fail(message):
    print(f"check_polygon_masks: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def cvat_polygons(path):
    for image in ET.parse(path).getroot().iter("image"):
        w, h = int(image.get("width")), int(image.get("height"))
        for polygon in image.iter("polygon"):
            flat = [float(v) for pair in polygon.get("points").split(";") for v in pair.split(",")]
            yield image.get("name"), w, h, polygon.get("label"), flat


def labelme_polygons(folder):
    for dirpath, _, names in os.walk(folder):
        for name in sorted(names):
            if not name.endswith(".json"):
                continue
            with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                doc = json.load(f)
            for shape in doc["shapes"]:
                if shape.get("shape_type") in (None, "polygon"):
                    flat = [float(v) for point in shape["points"] for v in point]
                    yield (os.path.basename(doc["imagePath"]), doc["imageWidth"],
                           doc["imageHeight"], shape["label"], flat)


def main():
    source, coco_path = sys.argv[1], sys.argv[2]
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO(coco_path)
    image_of = {os.path.basename(i["file_name"]): i["id"] for i in coco.dataset["images"]}
    category_of = {c["name"]: c["id"] for c in coco.dataset["categories"]}
    polygons = list(labelme_polygons(source) if os.path.isdir(source) else cvat_polygons(source))
    if not polygons:
        fail(f"{source} holds no polygon")
    for name, w, h, label, flat in polygons:
        want = mask_utils.decode(mask_utils.merge(mask_utils.frPyObjects([flat], h, w)))
        ids = coco.getAnnIds(imgIds=[image_of[os.path.basename(name)]], catIds=[category_of[label]])
        best = 0.0
        for ann in coco.loadAnns(ids):
            got = coco.annToMask(ann)
            union = np.logical_or(got, want).sum()
            best = max(best, np.logical_and(got, want).sum() / union if union else 0.0)
        if best < MIN_IOU:
            fail(f"{name}: {label} polygon {flat}: best IoU {best:.4f} < {MIN_IOU}")
    print(f"check_polygon_masks: {len(polygons)} polygon(s) match their COCO masks")


if __name__ == "__main__":
    main()
