#!/usr/bin/env python3
"""Checks a COCO file Shugu exported from an imported CVAT for images file
against the CVAT XML itself.

Usage: check_cvat_coco.py CVAT.xml COCO.json

Loads the COCO file with pycocotools, then for every <box> of every <image>
of the CVAT file finds the COCO annotation on the image with the same
file_name and category name, and requires its bbox to be exactly
[xtl, ytl, xbr - xtl, ybr - ytl] (CVAT's coordinates are continuous pixels,
no ±1) and its "attributes" to carry occluded as a boolean equal to
occluded="1". For every <polygon> it requires an annotation whose mask
(pycocotools' annToMask) covers the polygon's own mask (frPyObjects of its
points) with IoU >= 0.99. Every COCO annotation must be matched.
Exit 0 with a summary line, 1 with "check_cvat_coco: FAIL: ..." on stderr.
"""

import contextlib
import io
import sys
import xml.etree.ElementTree as ET

import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO

MIN_IOU = 0.99


def iou(a, b):
    union = np.logical_or(a, b).sum()
    return np.logical_and(a, b).sum() / union if union else 0.0


def fail(message):
    print(f"check_cvat_coco: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    cvat_path, coco_path = sys.argv[1], sys.argv[2]
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO(coco_path)
    name_of_image = {img["id"]: img["file_name"] for img in coco.dataset["images"]}
    name_of = {c["id"]: c["name"] for c in coco.dataset["categories"]}
    unmatched = {a["id"]: a for a in coco.dataset["annotations"]}
    boxes = 0
    for image in ET.parse(cvat_path).getroot().iter("image"):
        file_name = image.get("name")
        for box in image.iter("box"):
            boxes += 1
            label = box.get("label")
            xtl, ytl, xbr, ybr = (float(box.get(k)) for k in ("xtl", "ytl", "xbr", "ybr"))
            want = [xtl, ytl, xbr - xtl, ybr - ytl]
            found = None
            for a in unmatched.values():
                if (name_of_image[a["image_id"]] == file_name
                        and name_of[a["category_id"]] == label and a["bbox"] == want):
                    found = a
                    break
            if found is None:
                fail(f"{file_name}: {label} {want} has no COCO annotation with exactly that bbox")
            occluded = found.get("attributes", {}).get("occluded")
            if occluded is not (box.get("occluded") == "1"):
                fail(f"{file_name}: {label}: occluded is {occluded!r}, CVAT says {box.get('occluded')}")
            del unmatched[found["id"]]
        width, height = int(image.get("width")), int(image.get("height"))
        for polygon in image.iter("polygon"):
            boxes += 1
            label = polygon.get("label")
            flat = [float(v) for pair in polygon.get("points").split(";") for v in pair.split(",")]
            want = mask_utils.decode(mask_utils.merge(mask_utils.frPyObjects([flat], height, width)))
            found = None
            for a in unmatched.values():
                if (name_of_image[a["image_id"]] == file_name
                        and name_of[a["category_id"]] == label
                        and iou(coco.annToMask(a), want) >= MIN_IOU):
                    found = a
                    break
            if found is None:
                fail(f"{file_name}: {label} polygon {flat} has no COCO annotation of IoU >= {MIN_IOU}")
            del unmatched[found["id"]]
    if unmatched:
        fail(f"{len(unmatched)} COCO annotation(s) are not in the CVAT file: {list(unmatched.values())[:3]}")
    print(f"check_cvat_coco: {boxes} CVAT boxes and polygons match their COCO annotations")


if __name__ == "__main__":
    main()
