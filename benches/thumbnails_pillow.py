"""Pillow's side of benches/compare_thumbnails.sh: the same thumbnails as
`shugu thumbnails`, made the way a Python tool makes them fast.

Every JPEG is opened with `draft` (libjpeg-turbo's scale_denom: the largest 1/2,
1/4 or 1/8 reduction still at least the thumbnail's size), resampled with Lanczos
to fit a SIZE square, turned upright by its EXIF orientation, and written as a
quality-85 JPEG into a cache folder keyed by path, size and modification time, via
a temporary file and a rename. A second run finds the entries and skips the decode.
Work is spread over N processes (multiprocessing.Pool).

Usage: python thumbnails_pillow.py IMAGE_DIR CACHE_DIR [--size 256] [--processes 2]
Prints one JSON line: {"images": n, "made": m, "cached": c, "seconds": s}.
"""

import argparse
import hashlib
import json
import os
import time
from multiprocessing import Pool

from PIL import Image

TRANSPOSE = {
    2: [Image.Transpose.FLIP_LEFT_RIGHT],
    3: [Image.Transpose.ROTATE_180],
    4: [Image.Transpose.FLIP_TOP_BOTTOM],
    5: [Image.Transpose.TRANSPOSE],
    6: [Image.Transpose.ROTATE_270],
    7: [Image.Transpose.TRANSVERSE],
    8: [Image.Transpose.ROTATE_90],
}


def fit(width, height, side):
    long = max(width, height)
    if long <= side:
        return width, height
    return (max(1, round(width * side / long)), max(1, round(height * side / long)))


def thumbnail(job):
    path, cache, side = job
    st = os.stat(path)
    key = hashlib.blake2b(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{side}".encode(), digest_size=8).hexdigest()
    entry = os.path.join(cache, key[:2], key[2:])
    if os.path.exists(entry):
        return "cached"
    with Image.open(path) as im:
        size = fit(*im.size, side)
        im.draft("RGB", size)
        orientation = im.getexif().get(0x0112, 1)
        im = im.convert("RGB").resize(size, Image.Resampling.LANCZOS)
    for op in TRANSPOSE.get(orientation, []):
        im = im.transpose(op)
    os.makedirs(os.path.dirname(entry), exist_ok=True)
    tmp = f"{entry}.{os.getpid()}.tmp"
    im.save(tmp, "JPEG", quality=85)
    os.replace(tmp, entry)
    return "made"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("image_dir")
    parser.add_argument("cache_dir")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    started = time.perf_counter()
    paths = sorted(
        os.path.join(root, name)
        for root, _, names in os.walk(args.image_dir)
        for name in names
        if name.lower().endswith((".jpg", ".jpeg"))
    )
    jobs = [(p, args.cache_dir, args.size) for p in paths]
    with Pool(args.processes) as pool:
        results = list(pool.imap_unordered(thumbnail, jobs, chunksize=16))
    seconds = time.perf_counter() - started
    print(json.dumps({
        "images": len(paths),
        "made": results.count("made"),
        "cached": results.count("cached"),
        "seconds": round(seconds, 4),
    }))


if __name__ == "__main__":
    main()
