#!/usr/bin/env python3
"""Times datumaro's YOLO (Darknet layout) importer on a dataset folder.

Usage: yolo_vs_datumaro.py ROOT [--runs 1]

Each run is Dataset.import_from(ROOT, "yolo") followed by a pass over every
item's annotations (datumaro parses lazily, so the pass is where the label
files are read). Prints JSON: the best time, all times, images and boxes.
"""

import argparse
import json
import time

from datumaro.components.dataset import Dataset


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    runs, images, boxes = [], 0, 0
    for _ in range(args.runs):
        start = time.perf_counter()
        ds = Dataset.import_from(args.root, "yolo")
        images = boxes = 0
        for item in ds:
            images += 1
            boxes += len(item.annotations)
        runs.append(round(time.perf_counter() - start, 3))
    print(json.dumps({"datumaro_import_s": min(runs), "runs_s": runs,
                      "images": images, "boxes": boxes}))


if __name__ == "__main__":
    main()
