#!/usr/bin/env python3
"""Times one of datumaro's importers (YOLO Darknet layout by default) on a
dataset folder.

Usage: import_vs_datumaro.py ROOT [--runs 1] [--format yolo|voc_detection]

Each run is Dataset.import_from(ROOT, FORMAT) followed by a pass over every
item's annotations (datumaro parses lazily, so the pass is where the label
files are read). VOC is read with 1-based corners (coordinate_mode
"voc-one-based"). Prints JSON: the best time, all times, images and boxes.
"""

import argparse
import json
import time

from datumaro.components.dataset import Dataset


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--format", default="yolo")
    args = parser.parse_args()
    runs, images, boxes = [], 0, 0
    for _ in range(args.runs):
        start = time.perf_counter()
        extra = {"coordinate_mode": "voc-one-based"} if args.format.startswith("voc") else {}
        ds = Dataset.import_from(args.root, args.format, **extra)
        images = boxes = 0
        for item in ds:
            images += 1
            boxes += len(item.annotations)
        runs.append(round(time.perf_counter() - start, 3))
    print(json.dumps({"datumaro_import_s": min(runs), "runs_s": runs,
                      "images": images, "boxes": boxes}))


if __name__ == "__main__":
    main()
