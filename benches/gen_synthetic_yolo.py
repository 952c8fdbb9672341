#!/usr/bin/env python3
"""Writes a deterministic synthetic YOLO (Darknet layout) dataset for benchmarks.

Usage: gen_synthetic_yolo.py OUT_DIR [--images 100000] [--boxes 1000000] [--seed 0]

Layout, as datumaro's "yolo" format and Darknet expect it:
  obj.names               10 classes, some with Chinese names
  obj.data                classes, train = data/train.txt, names = data/obj.names
  train.txt               data/obj_train_data/000001.jpg, one image a line
  images.meta             "<id> <height> <width>": image sizes for datumaro,
                          since the images themselves are not written
  obj_train_data/*.txt    one label file per image: "cls cx cy w h", 6 decimals
  sizes.tsv               "<relative image path>\t<width>\t<height>", for the
                          Shugu project the benchmark imports into

Image sizes and boxes follow gen_synthetic_coco.py: sizes 640..1920 px, boxes
spread at random over the images and wholly inside them. Same arguments, same bytes.
"""

import os

from synthetic_layout import CATEGORIES, layout


def main():
    args, rng, sizes, per_image = layout(__doc__)

    labels = os.path.join(args.out, "obj_train_data")
    os.makedirs(labels, exist_ok=True)
    def text(name, content):
        with open(os.path.join(args.out, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(content)
    text("obj.names", "".join(c + "\n" for c in CATEGORIES))
    text("obj.data", f"classes = {len(CATEGORIES)}\ntrain = data/train.txt\n"
                     "names = data/obj.names\nbackup = backup/\n")
    ids = [f"{i:06d}" for i in range(1, args.images + 1)]
    text("train.txt", "".join(f"data/obj_train_data/{i}.jpg\n" for i in ids))
    text("images.meta", "".join(f"{i} {h} {w}\n" for i, (w, h) in zip(ids, sizes)))
    text("sizes.tsv", "".join(f"obj_train_data/{i}.jpg\t{w}\t{h}\n" for i, (w, h) in zip(ids, sizes)))
    for image_id, (iw, ih), count in zip(ids, sizes, per_image):
        lines = []
        for _ in range(count):
            w = rng.randint(400, iw * 50)  # 4 px .. half the image, in hundredths
            h = rng.randint(400, ih * 50)
            x = rng.randint(0, iw * 100 - w)
            y = rng.randint(0, ih * 100 - h)
            cls = rng.randrange(len(CATEGORIES))
            lines.append(f"{cls} {(x + w / 2) / (iw * 100):.6f} {(y + h / 2) / (ih * 100):.6f} "
                         f"{w / (iw * 100):.6f} {h / (ih * 100):.6f}\n")
        with open(os.path.join(labels, image_id + ".txt"), "w", encoding="utf-8", newline="\n") as f:
            f.write("".join(lines))


if __name__ == "__main__":
    main()
