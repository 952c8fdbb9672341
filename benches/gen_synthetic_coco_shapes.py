#!/usr/bin/env python3
"""Writes a deterministic COCO instances file shaped like COCO 2017's, for benchmarks.

Usage: gen_synthetic_coco_shapes.py OUT.json [--images 100000] [--annotations 1000000]
                                    [--crowd 0.01] [--rle compressed|runs] [--seed 0]

Like `instances_train2017.json` (448 MB, 118k images, 860k annotations, about
520 bytes an annotation), with the same keys in the same order:

- images named like COCO's (`000000000139.jpg`), 640 px on the long side and
  360..640 on the other, landscape three times in four;
- every non-crowd annotation a polygon around an object: a star-shaped ring of
  10..60 vertices (more for larger objects) around the object's centre, one
  object in twelve in two parts (an occluded object), coordinates with two
  decimals inside the image, `bbox` their extent and `area` the shoelace area,
  as COCO writes them;
- object sizes drawn as COCO's are spread: about 41% small (under 32² px),
  34% medium and 25% large;
- --crowd of them (1%) crowd regions (`iscrowd: 1`): an RLE over the whole
  image of a blob with a ragged outline, `area` its pixel count and `bbox`
  pycocotools' toBbox of it; its `counts` compressed as pycocotools'
  `rleToString` writes them (`{"size": [h, w], "counts": "..."}`, the form of
  `mask.encode`, of LVIS and of results files), or with `--rle runs` as the
  list of runs COCO 2017's own crowd regions have;
- COCO's 80 categories with their ids (1..90, with COCO's gaps) and
  supercategories, person in about three annotations in ten as in COCO 2017 and
  the others evenly; annotations ordered by image.

The same arguments always give the same bytes. With the defaults the file is
about 600 MB; it takes a minute or two to write.
"""

import argparse
import math
import random
import sys

import json

# COCO 2017's categories: (id, name, supercategory).
CATEGORIES = [
    (1, "person", "person"), (2, "bicycle", "vehicle"), (3, "car", "vehicle"),
    (4, "motorcycle", "vehicle"), (5, "airplane", "vehicle"), (6, "bus", "vehicle"),
    (7, "train", "vehicle"), (8, "truck", "vehicle"), (9, "boat", "vehicle"),
    (10, "traffic light", "outdoor"), (11, "fire hydrant", "outdoor"),
    (13, "stop sign", "outdoor"), (14, "parking meter", "outdoor"), (15, "bench", "outdoor"),
    (16, "bird", "animal"), (17, "cat", "animal"), (18, "dog", "animal"),
    (19, "horse", "animal"), (20, "sheep", "animal"), (21, "cow", "animal"),
    (22, "elephant", "animal"), (23, "bear", "animal"), (24, "zebra", "animal"),
    (25, "giraffe", "animal"), (27, "backpack", "accessory"), (28, "umbrella", "accessory"),
    (31, "handbag", "accessory"), (32, "tie", "accessory"), (33, "suitcase", "accessory"),
    (34, "frisbee", "sports"), (35, "skis", "sports"), (36, "snowboard", "sports"),
    (37, "sports ball", "sports"), (38, "kite", "sports"), (39, "baseball bat", "sports"),
    (40, "baseball glove", "sports"), (41, "skateboard", "sports"), (42, "surfboard", "sports"),
    (43, "tennis racket", "sports"), (44, "bottle", "kitchen"), (46, "wine glass", "kitchen"),
    (47, "cup", "kitchen"), (48, "fork", "kitchen"), (49, "knife", "kitchen"),
    (50, "spoon", "kitchen"), (51, "bowl", "kitchen"), (52, "banana", "food"),
    (53, "apple", "food"), (54, "sandwich", "food"), (55, "orange", "food"),
    (56, "broccoli", "food"), (57, "carrot", "food"), (58, "hot dog", "food"),
    (59, "pizza", "food"), (60, "donut", "food"), (61, "cake", "food"),
    (62, "chair", "furniture"), (63, "couch", "furniture"), (64, "potted plant", "furniture"),
    (65, "bed", "furniture"), (67, "dining table", "furniture"), (70, "toilet", "furniture"),
    (72, "tv", "electronic"), (73, "laptop", "electronic"), (74, "mouse", "electronic"),
    (75, "remote", "electronic"), (76, "keyboard", "electronic"),
    (77, "cell phone", "electronic"), (78, "microwave", "appliance"), (79, "oven", "appliance"),
    (80, "toaster", "appliance"), (81, "sink", "appliance"),
    (82, "refrigerator", "appliance"), (84, "book", "indoor"), (85, "clock", "indoor"),
    (86, "vase", "indoor"), (87, "scissors", "indoor"), (88, "teddy bear", "indoor"),
    (89, "hair drier", "indoor"), (90, "toothbrush", "indoor"),
]
PERSON_SHARE = 0.3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--images", type=int, default=100_000)
    parser.add_argument("--annotations", type=int, default=1_000_000)
    parser.add_argument("--crowd", type=float, default=0.01)
    parser.add_argument("--rle", choices=("compressed", "runs"), default="compressed")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.images < 1 or args.annotations < 0 or not 0 <= args.crowd <= 1:
        parser.error("--images must be >= 1, --annotations >= 0, --crowd in 0..1")
    return args


def image_size(rng):
    short = rng.choice((480, 480, 480, 427, 427, 424, 425, 426, 360, 512, 640))
    short = min(640, max(360, short + rng.randint(-3, 3)))
    return (640, short) if rng.random() < 0.75 else (short, 640)


def object_size(rng, w, h):
    """(sqrt(area), aspect) as COCO's objects are spread over its size ranges."""
    u = rng.random()
    top = 0.9 * min(w, h)
    lo, hi = (5, 40) if u < 0.40 else (40, 120) if u < 0.75 else (120, top)
    side = math.exp(rng.uniform(math.log(lo), math.log(max(lo + 1, hi))))
    aspect = math.exp(rng.uniform(math.log(1 / 3), math.log(3)))
    return side, aspect


def ring(rng, cx, cy, rx, ry, n, w, h):
    """A star-shaped ring of n vertices, two decimals, inside the image."""
    angles = sorted(rng.random() * 2 * math.pi for _ in range(n))
    out = []
    for a in angles:
        r = 0.65 + 0.35 * rng.random()
        x = min(w, max(0.0, cx + r * rx * math.cos(a)))
        y = min(h, max(0.0, cy + r * ry * math.sin(a)))
        out.append((round(x, 2), round(y, 2)))
    return out


def shoelace(points):
    s = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        s += x0 * y1 - x1 * y0
    return abs(s) / 2


def polygon_annotation(rng, w, h):
    side, aspect = object_size(rng, w, h)
    rx, ry = side * math.sqrt(aspect) / 2, side / math.sqrt(aspect) / 2
    rx, ry = min(rx, w / 2), min(ry, h / 2)
    cx, cy = rng.uniform(rx, w - rx), rng.uniform(ry, h - ry)
    n = min(60, 10 + int(side / 4) + rng.randint(0, 8))
    if rng.random() < 1 / 12 and n >= 20:
        # Two parts: the object seen on both sides of an occluder.
        k = n // 2
        parts = [ring(rng, cx - rx / 2, cy, rx / 2, ry, k, w, h),
                 ring(rng, cx + rx / 2, cy, rx / 2, ry, n - k, w, h)]
    else:
        parts = [ring(rng, cx, cy, rx, ry, n, w, h)]
    xs = [x for part in parts for x, _ in part]
    ys = [y for part in parts for _, y in part]
    x0, y0 = min(xs), min(ys)
    bbox = [x0, y0, round(max(xs) - x0, 2), round(max(ys) - y0, 2)]
    area = sum(shoelace(p) for p in parts)
    segmentation = "[" + ",".join(
        "[" + ",".join(f"{x!r},{y!r}" for x, y in part) + "]" for part in parts) + "]"
    return segmentation, area, bbox, 0


def compressed_counts(counts):
    """pycocotools' `rleToString` (maskApi.c), deltas from two runs back
    from the fourth run on, as it does."""
    out = []
    for i, x in enumerate(counts):
        if i > 2:
            x -= counts[i - 2]
        more = True
        while more:
            c = x & 0x1F
            x >>= 5
            more = x != -1 if c & 0x10 else x != 0
            if more:
                c |= 0x20
            out.append(chr(c + 48))
    return "".join(out)


def category_id(rng):
    if rng.random() < PERSON_SHARE:
        return CATEGORIES[0][0]
    return CATEGORIES[rng.randrange(1, len(CATEGORIES))][0]


def crowd_annotation(rng, w, h, rle):
    """A blob of whole columns, each a run of rows with a ragged edge."""
    side, aspect = object_size(rng, w, h)
    side = max(side, 40)
    bw = max(8, min(w - 2, int(side * math.sqrt(aspect))))
    bh = max(8, min(h - 2, int(side / math.sqrt(aspect))))
    x0, y0 = rng.randint(0, w - bw), rng.randint(0, h - bh)
    counts, area, previous_end = [], 0, 0  # previous_end: column-major index
    ys, ye = h, 0
    for x in range(x0, x0 + bw):
        t = (x - x0 + 0.5) / bw
        half = bh / 2 * math.sqrt(max(0.0, 1 - (2 * t - 1) ** 2)) * (0.8 + 0.2 * rng.random())
        top = int(y0 + bh / 2 - half)
        bottom = max(top + 1, int(y0 + bh / 2 + half))
        start = x * h + top
        counts += [start - previous_end, bottom - top]
        previous_end = x * h + bottom
        area += bottom - top
        ys, ye = min(ys, top), max(ye, bottom)
    counts.append(w * h - previous_end)
    bbox = [float(x0), float(ys), float(bw), float(ye - ys)]
    if rle == "compressed":
        # The alphabet holds a backslash, escaped by json.dumps.
        segmentation = f'{{"size":[{h},{w}],"counts":{json.dumps(compressed_counts(counts))}}}'
    else:
        segmentation = f'{{"counts":[{",".join(map(str, counts))}],"size":[{h},{w}]}}'
    return segmentation, float(area), bbox, 1


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    sizes = [image_size(rng) for _ in range(args.images)]
    per_image = [0] * args.images
    for _ in range(args.annotations):
        per_image[rng.randrange(args.images)] += 1
    ids = [139 + 7 * i for i in range(args.images)]

    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"info":{"description":"Shugu synthetic COCO 2017-like benchmark",'
                '"url":"","version":"1.0","year":2025,"contributor":"",'
                f'"date_created":"2025-01-01","seed":{args.seed}}},\n')
        f.write('"licenses":[{"url":"","id":1,"name":"synthetic"}],\n"images":[\n')
        f.write(",\n".join(
            f'{{"license":1,"file_name":"{i:012d}.jpg","coco_url":"","height":{h},'
            f'"width":{w},"date_captured":"2013-11-14 11:18:45","flickr_url":"","id":{i}}}'
            for i, (w, h) in zip(ids, sizes)))
        f.write('\n],\n"annotations":[\n')
        ann_id, crowd, first = 0, 0, True
        for image_id, (w, h), count in zip(ids, sizes, per_image):
            lines = []
            for _ in range(count):
                ann_id += 1
                if rng.random() < args.crowd:
                    segmentation, area, bbox, iscrowd = crowd_annotation(rng, w, h, args.rle)
                    crowd += 1
                else:
                    segmentation, area, bbox, iscrowd = polygon_annotation(rng, w, h)
                lines.append(
                    f'{{"segmentation":{segmentation},"area":{area!r},"iscrowd":{iscrowd},'
                    f'"image_id":{image_id},"bbox":[{",".join(map(repr, bbox))}],'
                    f'"category_id":{category_id(rng)},"id":{ann_id}}}')
            if lines:
                f.write(("" if first else ",\n") + ",\n".join(lines))
                first = False
        f.write('\n],\n"categories":[\n')
        f.write(",\n".join(f'{{"supercategory":"{sup}","id":{k},"name":"{name}"}}'
                           for k, name, sup in CATEGORIES))
        f.write("\n]}\n")
    print(f"wrote {args.out}: {args.images} images, {args.annotations} annotations "
          f"({crowd} crowd RLE, {args.rle}), {len(CATEGORIES)} categories (seed {args.seed})",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
