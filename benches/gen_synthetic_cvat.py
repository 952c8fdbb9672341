#!/usr/bin/env python3
"""Writes a deterministic synthetic CVAT for images 1.1 file for benchmarks.

Usage: gen_synthetic_cvat.py OUT_DIR [--images 100000] [--boxes 1000000] [--seed 0]

Layout (images not written):
  annotations.xml   <meta> with the classes of synthetic_layout.py, each
                    declaring a checkbox `parked` and a select `colour`; one
                    <image name="<id>.jpg" width height> per image with its
                    <box>es (occluded set on some, both attributes on every
                    box, decimal corners as CVAT writes them)
  sizes.tsv         "<id>.jpg\t<width>\t<height>", for the Shugu project the
                    benchmark imports into
  images/<id>.jpg   empty files: datumaro's importer checks that each image
                    exists (it does not read them); Shugu never opens them

Image sizes and box counts follow the other generators (synthetic_layout.py).
The XML is written directly, not through datumaro. Same arguments, same bytes.
"""

import os

from synthetic_layout import CATEGORIES, layout

COLOURS = ["红", "blue", "white"]


def main():
    args, rng, sizes, per_image = layout(__doc__)
    os.makedirs(args.out, exist_ok=True)
    ids = [f"{i:06d}" for i in range(1, args.images + 1)]
    with open(os.path.join(args.out, "sizes.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(f"{i}.jpg\t{w}\t{h}\n" for i, (w, h) in zip(ids, sizes)))
    spec = ("<attributes><attribute><name>parked</name><mutable>False</mutable>"
            "<input_type>checkbox</input_type><default_value>false</default_value>"
            "<values>false</values></attribute><attribute><name>colour</name>"
            "<mutable>False</mutable><input_type>select</input_type>"
            f"<default_value>{COLOURS[0]}</default_value><values>{chr(10).join(COLOURS)}</values>"
            "</attribute></attributes>")
    with open(os.path.join(args.out, "annotations.xml"), "w", encoding="utf-8", newline="\n") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n  <version>1.1</version>\n'
                "  <meta><task><name>bench</name><labels>\n")
        for c in CATEGORIES:
            f.write(f"    <label><name>{c}</name>{spec}</label>\n")
        f.write("  </labels></task></meta>\n")
        for n, (image_id, (iw, ih), count) in enumerate(zip(ids, sizes, per_image)):
            parts = [f'  <image id="{n}" name="{image_id}.jpg" width="{iw}" height="{ih}">\n']
            for _ in range(count):
                w = rng.uniform(4, iw / 2)
                h = rng.uniform(4, ih / 2)
                x = rng.uniform(0, iw - w)
                y = rng.uniform(0, ih - h)
                flags = rng.randrange(8)
                parts.append(
                    f'    <box label="{CATEGORIES[rng.randrange(len(CATEGORIES))]}" '
                    f'occluded="{flags & 1}" xtl="{x:.2f}" ytl="{y:.2f}" '
                    f'xbr="{x + w:.2f}" ybr="{y + h:.2f}" z_order="0">\n'
                    f'      <attribute name="parked">{"true" if flags & 2 else "false"}</attribute>\n'
                    f'      <attribute name="colour">{COLOURS[flags % 3]}</attribute>\n'
                    "    </box>\n")
            parts.append("  </image>\n")
            f.write("".join(parts))
        f.write("</annotations>\n")
    images = os.path.join(args.out, "images")
    os.makedirs(images, exist_ok=True)
    for image_id in ids:
        open(os.path.join(images, image_id + ".jpg"), "wb").close()


if __name__ == "__main__":
    main()
