#!/usr/bin/env python3
"""Times pycocotools loading a COCO file, for comparison with Shugu's import.

Usage: coco_vs_pycocotools.py COCO.json [--runs 3]

Times `pycocotools.coco.COCO(path)` (JSON load plus index build), best of
--runs, wall clock, and prints exactly one JSON line on stdout:

  {"pycocotools_load_s": 4.21, "runs_s": [4.3, 4.21, 4.25], "images": 100000,
   "annotations": 1000000, "path": "synthetic.json"}

Everything else (pycocotools' own chatter) is suppressed, so a shell script can
run this and the Rust criterion bench side by side and merge the results, e.g.
`jq .pycocotools_load_s`. Exits 2 if pycocotools is missing or the file cannot
be loaded.
"""

import argparse
import contextlib
import gc
import io
import json
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be >= 1")

    try:
        from pycocotools.coco import COCO
    except ImportError as e:
        print(f"coco_vs_pycocotools: pycocotools is not installed: {e}", file=sys.stderr)
        return 2

    runs = []
    counts = (0, 0)
    for _ in range(args.runs):
        gc.collect()
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                start = time.perf_counter()
                coco = COCO(args.path)
                runs.append(time.perf_counter() - start)
        except Exception as e:  # pycocotools raises bare AssertionError, OSError, ValueError
            print(f"coco_vs_pycocotools: cannot load {args.path}: {e!r}", file=sys.stderr)
            return 2
        counts = (len(coco.dataset.get("images", [])), len(coco.dataset.get("annotations", [])))
        del coco

    print(json.dumps({
        "pycocotools_load_s": round(min(runs), 4),
        "runs_s": [round(r, 4) for r in runs],
        "images": counts[0],
        "annotations": counts[1],
        "path": args.path,
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
