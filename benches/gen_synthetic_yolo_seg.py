#!/usr/bin/env python3
"""Writes a deterministic synthetic YOLO segmentation dataset for benchmarks,
and its detection twin.

Usage: gen_synthetic_yolo_seg.py OUT_DIR [--images 100000] [--boxes 1000000] [--seed 0]

`--boxes` counts polygons. Both datasets are in the Darknet layout datumaro's
"yolo" format reads (see gen_synthetic_yolo.py):
  seg/obj_train_data/*.txt   one label file per image: "cls x1 y1 … xn yn",
                             a polygon of 6 to 12 vertices around a centre,
                             wholly inside its image, 6 decimals
  det/obj_train_data/*.txt   the same objects as their bounding boxes,
                             "cls cx cy w h": what datumaro's "yolo" importer
                             reads (it refuses rows of more than 5 columns)
  seg/, det/                 obj.names, obj.data, train.txt, images.meta
  sizes.tsv                  "<relative image path>\t<width>\t<height>"

Image sizes and per-image counts follow synthetic_layout.py. Same arguments,
same bytes.
"""

import math
import os

from synthetic_layout import CATEGORIES, layout


def polygon(rng, iw, ih):
    """A star-shaped polygon inside a `iw`×`ih` image: its vertices in pixels."""
    rx = rng.uniform(4, iw / 4)
    ry = rng.uniform(4, ih / 4)
    cx = rng.uniform(rx, iw - rx)
    cy = rng.uniform(ry, ih - ry)
    n = rng.randint(6, 12)
    points = []
    for k in range(n):
        a = 2 * math.pi * (k + rng.uniform(0.1, 0.9)) / n
        r = rng.uniform(0.4, 1.0)
        points.append((cx + r * rx * math.cos(a), cy + r * ry * math.sin(a)))
    return points


def main():
    args, rng, sizes, per_image = layout(__doc__)
    ids = [f"{i:06d}" for i in range(1, args.images + 1)]

    def text(path, content):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(content)

    for kind in ("seg", "det"):
        root = os.path.join(args.out, kind)
        text(os.path.join(root, "obj.names"), "".join(c + "\n" for c in CATEGORIES))
        text(os.path.join(root, "obj.data"), f"classes = {len(CATEGORIES)}\ntrain = data/train.txt\n"
                                             "names = data/obj.names\nbackup = backup/\n")
        text(os.path.join(root, "train.txt"), "".join(f"data/obj_train_data/{i}.jpg\n" for i in ids))
        text(os.path.join(root, "images.meta"), "".join(f"{i} {h} {w}\n" for i, (w, h) in zip(ids, sizes)))
        os.makedirs(os.path.join(root, "obj_train_data"), exist_ok=True)
    text(os.path.join(args.out, "sizes.tsv"),
         "".join(f"obj_train_data/{i}.jpg\t{w}\t{h}\n" for i, (w, h) in zip(ids, sizes)))
    for image_id, (iw, ih), count in zip(ids, sizes, per_image):
        seg, det = [], []
        for _ in range(count):
            cls = rng.randrange(len(CATEGORIES))
            points = polygon(rng, iw, ih)
            seg.append(f"{cls} " + " ".join(f"{x / iw:.6f} {y / ih:.6f}" for x, y in points) + "\n")
            xs = [x for x, _ in points]
            ys = [y for _, y in points]
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
            det.append(f"{cls} {(x0 + x1) / 2 / iw:.6f} {(y0 + y1) / 2 / ih:.6f} "
                       f"{(x1 - x0) / iw:.6f} {(y1 - y0) / ih:.6f}\n")
        for kind, lines in (("seg", seg), ("det", det)):
            path = os.path.join(args.out, kind, "obj_train_data", image_id + ".txt")
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write("".join(lines))


if __name__ == "__main__":
    main()
