#!/usr/bin/env python3
"""Shugu's labelme import side by side with reading the same files with
labelme's own `LabelFile`.

Usage (from the repository root; a release build and labelme installed):
    cargo build --release --bin shugu
    python3 -m venv /tmp/lsvenv && /tmp/lsvenv/bin/pip install labelme
    /tmp/lsvenv/bin/python benches/compare_labelme_import.py DATA_DIR \
        [--files 20000] [--polygons 10] [--shugu target/release/shugu] [--keep]

1. Writes DATA_DIR/images/NNNNNN.png (a tiny PNG each) and beside each the
   labelme JSON that labelme's own writer (`write_label_file`) makes: `--polygons`
   polygons of 6 to 40 points (deterministic, seeded), `imageData: null`.
2. Makes a Shugu project over DATA_DIR/images (`shugu new`, untimed), then
   times `shugu import PROJECT DATA_DIR/images --format labelme`: walking the
   folder, reading and parsing every file, matching it to its image and
   storing every polygon in one SQLite transaction.
3. Times labelme's `LabelFile(path)` on every file (what labelme's app does to
   open a file: the JSON parsed, every shape checked, and, since `imageData` is
   null, the image read), and, as a stricter baseline, `json.load` plus
   labelme's shape loader `_load_shape_json_obj` on every shape without the
   image.
4. Prints the three figures, wall clock and CPU time (user + system: the
   machine may be shared), and the ratios; deletes DATA_DIR unless --keep.

Exit status: 0 when Shugu is faster than LabelFile, 3 when not, 2 when
something could not run.
"""

import argparse
import json
import math
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path


def generate(root, files, polygons, seed=0):
    import PIL.Image
    from labelme._label_file import write_label_file

    rng = random.Random(seed)
    images = root / "images"
    images.mkdir(parents=True, exist_ok=True)
    png = images / "_template.png"
    PIL.Image.new("L", (64, 48), 90).save(png)
    template = png.read_bytes()
    png.unlink()
    width, height = 64, 48
    for i in range(files):
        stem = f"{i:06d}"
        (images / f"{stem}.png").write_bytes(template)
        shapes = []
        for _ in range(polygons):
            n = rng.randint(6, 40)
            cx, cy = rng.uniform(8, width - 8), rng.uniform(8, height - 8)
            points = []
            for k in range(n):
                t = 2 * math.pi * k / n
                r = rng.uniform(2, 7)
                points.append((round(cx + r * math.cos(t), 2), round(cy + r * math.sin(t), 2)))
            shapes.append({"label": f"class_{rng.randrange(8)}", "points": points,
                           "group_id": None, "description": "", "shape_type": "polygon",
                           "flags": {}, "mask": None})
        write_label_file(str(images / f"{stem}.json"), shapes=shapes, image_path=f"{stem}.png",
                         image_height=height, image_width=width, flags={})


def time_shugu(shugu, root):
    project = root / "project"
    shutil.rmtree(project, ignore_errors=True)
    subprocess.run([shugu, "new", str(project), "--images", str(root / "images")],
                   check=True, stdout=subprocess.DEVNULL)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([shugu, "import", str(project), str(root / "images"), "--format", "labelme"],
                         check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return (seconds, cpu), out.stdout.strip().splitlines()[0]


def time_label_file(paths):
    import logging
    from labelme._label_file import LabelFile
    from loguru import logger
    logger.remove()
    logging.disable(logging.CRITICAL)
    start, cpu = time.perf_counter(), time.process_time()
    shapes = 0
    for p in paths:
        shapes += len(LabelFile(str(p)).shapes)
    return (time.perf_counter() - start, time.process_time() - cpu), shapes


def time_shape_loader(paths):
    from labelme._label_file import _load_shape_json_obj
    start, cpu = time.perf_counter(), time.process_time()
    shapes = 0
    for p in paths:
        with open(p, encoding="utf-8") as f:
            raw = json.load(f)
        shapes += len([_load_shape_json_obj(shape_json_obj=s) for s in raw["shapes"]])
    return (time.perf_counter() - start, time.process_time() - cpu), shapes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--files", type=int, default=20000)
    parser.add_argument("--polygons", type=int, default=10)
    parser.add_argument("--shugu", default="target/release/shugu")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    root = Path(args.data)
    if not Path(args.shugu).exists():
        print(f"no {args.shugu}: cargo build --release --bin shugu", file=sys.stderr)
        return 2
    try:
        if not (root / "images").exists():
            print(f"writing {args.files} labelme files to {root} …", file=sys.stderr)
            generate(root, args.files, args.polygons)
        paths = sorted((root / "images").glob("*.json"))
        shugu_s, said = time_shugu(args.shugu, root)
        label_file_s, shapes = time_label_file(paths)
        loader_s, _ = time_shape_loader(paths)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print(f"labelme dataset: {len(paths)} files, {shapes} polygons")
    print(f"shugu: {said}")
    print()
    print(f"{'':52}{'wall s':>9}{'CPU s':>9}")
    for name, (wall, cpu) in [
        ("shugu import --format labelme (to SQLite)", shugu_s),
        ("labelme LabelFile(path) on every file", label_file_s),
        ("labelme json.load + _load_shape_json_obj (no image)", loader_s),
    ]:
        print(f"{name:52}{wall:>9.3f}{cpu:>9.3f}")
    print()
    ratio = label_file_s[0] / shugu_s[0]
    print(f"shugu is {ratio:.2f}x faster than LabelFile by the wall clock, "
          f"{label_file_s[1] / shugu_s[1]:.2f}x by CPU time (target > 1x): {'MET' if ratio > 1 else 'MISSED'}")
    print(f"shugu is {loader_s[0] / shugu_s[0]:.2f}x faster than labelme's shape loader alone "
          f"({loader_s[1] / shugu_s[1]:.2f}x by CPU time)")
    return 0 if ratio > 1 else 3


if __name__ == "__main__":
    sys.exit(main())
