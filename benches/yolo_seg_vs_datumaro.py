#!/usr/bin/env python3
"""datumaro's "yolo" importer on the synthetic segmentation dataset of
gen_synthetic_yolo_seg.py (ROOT/seg) and on its detection twin (ROOT/det).

Usage: yolo_seg_vs_datumaro.py ROOT

datumaro's "yolo" importer reads 5-column rows only: on ROOT/seg it stops at
the first polygon row ("Unexpected field count"). What it can read of the
same objects is their bounding boxes, ROOT/det: the same 100k files with
fewer numbers a row, so its time there is a lower bound of what reading the
polygons would take it. Each timing is Dataset.import_from(ROOT, "yolo")
plus a pass over every item's annotations (datumaro parses lazily). Prints
JSON.
"""

import json
import sys
import time

from datumaro.components.dataset import Dataset


def timed(root):
    start = time.perf_counter()
    ds = Dataset.import_from(root, "yolo")
    images = shapes = 0
    for item in ds:
        images += 1
        shapes += len(item.annotations)
    return round(time.perf_counter() - start, 3), images, shapes


def main():
    root = sys.argv[1]
    start = time.perf_counter()
    try:
        _, images, shapes = timed(f"{root}/seg")
        seg = {"read": True, "images": images, "shapes": shapes}
    except Exception as e:  # what datumaro says of the polygon rows
        seg = {"read": False, "error": f"{type(e).__name__}: {e}"[:300]}
    seg["seconds"] = round(time.perf_counter() - start, 3)
    seconds, images, boxes = timed(f"{root}/det")
    print(json.dumps({"seg": seg, "det_s": seconds, "det_images": images, "det_boxes": boxes}))


if __name__ == "__main__":
    main()
