#!/usr/bin/env python3
"""Writes a deterministic synthetic COCO detection file for benchmarks.

Usage: gen_synthetic_coco.py OUT.json [--images 100000] [--boxes 1000000] [--seed 0]

Images are named img/000001.jpg ... with sizes between 640 and 1920 px on each
side; 10 categories, some with Chinese names; boxes are spread over the images
at random (so per-image counts vary) and lie wholly inside their image, with
coordinates in hundredths of a pixel. The same arguments always give the same
bytes. Annotations are ordered by image, as exporters usually write them.
"""

import sys

from synthetic_layout import CATEGORIES, layout


def number(centi):
    """Hundredths of a pixel as the shortest JSON number (1250 -> 12.5)."""
    return repr(centi / 100)


def main():
    args, rng, sizes, per_image = layout(__doc__)

    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"info":{"description":"Shugu synthetic benchmark","url":"","version":"1.0",'
                f'"year":2025,"contributor":"","date_created":"2025-01-01T00:00:00Z","seed":{args.seed}}},\n')
        f.write('"licenses":[],\n"images":[\n')
        f.write(",\n".join(
            f'{{"id":{i},"file_name":"img/{i:06d}.jpg","width":{w},"height":{h}}}'
            for i, (w, h) in enumerate(sizes, start=1)))
        f.write('\n],\n"annotations":[\n')
        ann_id = 0
        first = True
        for image_id, ((iw, ih), count) in enumerate(zip(sizes, per_image), start=1):
            lines = []
            for _ in range(count):
                ann_id += 1
                w = rng.randint(400, iw * 50)  # 4 px .. half the image, in hundredths
                h = rng.randint(400, ih * 50)
                x = rng.randint(0, iw * 100 - w)
                y = rng.randint(0, ih * 100 - h)
                area = round(w * h / 10_000, 4)
                lines.append(
                    f'{{"id":{ann_id},"image_id":{image_id},"category_id":{rng.randint(1, 10)},'
                    f'"bbox":[{number(x)},{number(y)},{number(w)},{number(h)}],'
                    f'"area":{area!r},"iscrowd":0,"segmentation":[]}}')
            if lines:
                f.write(("" if first else ",\n") + ",\n".join(lines))
                first = False
        f.write('\n],\n"categories":[\n')
        f.write(",\n".join(f'{{"id":{k},"name":"{name}","supercategory":""}}'
                           for k, name in enumerate(CATEGORIES, start=1)))
        f.write("\n]}\n")
    print(f"wrote {args.out}: {args.images} images, {args.boxes} annotations, "
          f"{len(CATEGORIES)} categories (seed {args.seed})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
