#!/usr/bin/env python3
"""Checks a COCO file Shugu exported from an imported Pascal VOC dataset
against the VOC XML files themselves.

Usage: check_voc_coco.py VOC_ROOT COCO.json

Loads the COCO file with pycocotools, then for every <object> of every
VOC_ROOT/Annotations/*.xml finds the COCO annotation on the image with the
same file stem and category name, and requires its bbox to be exactly
[xmin - 1, ymin - 1, xmax - xmin + 1, ymax - ymin + 1] (VOC corners are
1-based pixel indices, inclusive) and its "attributes" to carry difficult,
truncated and occluded as booleans. Every COCO annotation must be matched.
Exit 0 with a summary line, 1 with "check_voc_coco: FAIL: ..." on stderr.
"""

import contextlib
import glob
import io
import os
import sys
import xml.etree.ElementTree as ET

from pycocotools.coco import COCO


def fail(message):
    print(f"check_voc_coco: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    root, coco_path = sys.argv[1], sys.argv[2]
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO(coco_path)
    stem_of = {img["id"]: os.path.splitext(os.path.basename(img["file_name"]))[0]
               for img in coco.dataset["images"]}
    name_of = {c["id"]: c["name"] for c in coco.dataset["categories"]}
    unmatched = {a["id"]: a for a in coco.dataset["annotations"]}
    objects = 0
    for path in sorted(glob.glob(os.path.join(root, "Annotations", "**", "*.xml"), recursive=True)):
        stem = os.path.splitext(os.path.basename(path))[0]
        for obj in ET.parse(path).getroot().iter("object"):
            objects += 1
            name = obj.findtext("name")
            bb = obj.find("bndbox")
            xmin, ymin, xmax, ymax = (float(bb.findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax"))
            want = [xmin - 1, ymin - 1, xmax - xmin + 1, ymax - ymin + 1]
            flags = {k: obj.findtext(k) == "1" for k in ("difficult", "truncated", "occluded")}
            found = None
            for a in unmatched.values():
                if stem_of[a["image_id"]] == stem and name_of[a["category_id"]] == name and a["bbox"] == want:
                    found = a
                    break
            if found is None:
                fail(f"{path}: {name} {want} has no COCO annotation with exactly that bbox")
            attrs = found.get("attributes", {})
            for k, v in flags.items():
                if attrs.get(k) is not v:
                    fail(f"{path}: {name}: attribute {k} is {attrs.get(k)!r}, VOC says {v}")
            del unmatched[found["id"]]
    if unmatched:
        fail(f"{len(unmatched)} COCO annotation(s) are not in the VOC files: {list(unmatched.values())[:3]}")
    print(f"check_voc_coco: {objects} VOC objects match their COCO annotations exactly")


if __name__ == "__main__":
    main()
