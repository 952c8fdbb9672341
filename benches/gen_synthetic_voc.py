#!/usr/bin/env python3
"""Writes a deterministic synthetic Pascal VOC detection dataset for benchmarks.

Usage: gen_synthetic_voc.py OUT_DIR [--images 100000] [--boxes 1000000] [--seed 0]

Layout, as datumaro's "voc_detection" format expects it (images not written):
  labelmap.txt               datumaro's class list: background + 10 classes,
                             some with Chinese names
  ImageSets/Main/train.txt   one image id a line
  Annotations/<id>.xml       one file per image: <filename>, <size>, and one
                             <object> per box with name, truncated, occluded,
                             difficult (some set) and a 1-based <bndbox>
  sizes.tsv                  "JPEGImages/<id>.jpg\t<width>\t<height>", for the
                             Shugu project the benchmark imports into

Image sizes and box counts follow gen_synthetic_yolo.py (sizes 640..1920 px,
boxes spread at random over the images and wholly inside them), with whole-
pixel corners. The XML is written directly, not through datumaro, so 100k
files take about a minute. Same arguments, same bytes.
"""

import os

from synthetic_layout import CATEGORIES, layout


def main():
    args, rng, sizes, per_image = layout(__doc__)

    annotations = os.path.join(args.out, "Annotations")
    os.makedirs(annotations, exist_ok=True)
    os.makedirs(os.path.join(args.out, "ImageSets", "Main"), exist_ok=True)

    def text(name, content):
        with open(os.path.join(args.out, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(content)

    text("labelmap.txt", "# label:color_rgb:parts:actions\nbackground:0,0,0::\n"
         + "".join(f"{c}:::\n" for c in CATEGORIES))
    ids = [f"{i:06d}" for i in range(1, args.images + 1)]
    text(os.path.join("ImageSets", "Main", "train.txt"), "".join(f"{i}\n" for i in ids))
    text("sizes.tsv", "".join(f"JPEGImages/{i}.jpg\t{w}\t{h}\n" for i, (w, h) in zip(ids, sizes)))
    for image_id, (iw, ih), count in zip(ids, sizes, per_image):
        parts = [f"<annotation>\n  <folder>VOC</folder>\n  <filename>{image_id}.jpg</filename>\n"
                 f"  <size>\n    <width>{iw}</width>\n    <height>{ih}</height>\n"
                 f"    <depth>3</depth>\n  </size>\n  <segmented>0</segmented>\n"]
        for _ in range(count):
            w = rng.randint(4, iw // 2)
            h = rng.randint(4, ih // 2)
            x = rng.randint(1, iw - w + 1)
            y = rng.randint(1, ih - h + 1)
            flags = rng.randrange(8)
            parts.append(
                f"  <object>\n    <name>{CATEGORIES[rng.randrange(len(CATEGORIES))]}</name>\n"
                f"    <pose>Unspecified</pose>\n    <truncated>{flags & 1}</truncated>\n"
                f"    <occluded>{flags >> 1 & 1}</occluded>\n    <difficult>{flags >> 2 & 1}</difficult>\n"
                f"    <bndbox>\n      <xmin>{x}</xmin>\n      <ymin>{y}</ymin>\n"
                f"      <xmax>{x + w - 1}</xmax>\n      <ymax>{y + h - 1}</ymax>\n    </bndbox>\n"
                f"  </object>\n")
        parts.append("</annotation>\n")
        with open(os.path.join(annotations, image_id + ".xml"), "w", encoding="utf-8", newline="\n") as f:
            f.write("".join(parts))


if __name__ == "__main__":
    main()
