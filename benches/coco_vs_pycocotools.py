#!/usr/bin/env python3
"""Times pycocotools loading a COCO file, for comparison with Shugu's import.

Usage: coco_vs_pycocotools.py COCO.json [--runs 3]

Times `pycocotools.coco.COCO(path)` (JSON load plus index build), best of
--runs, wall clock and CPU time (on a shared machine the wall clock also
counts the waits for a core), and prints exactly one JSON line on stdout:

  {"pycocotools_load_s": 4.21, "runs_s": [4.3, 4.21, 4.25],
   "pycocotools_cpu_s": 4.1, "cpu_runs_s": [4.2, 4.1, 4.15], "images": 100000,
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

    runs, cpu_runs = [], []
    counts = (0, 0)
    for _ in range(args.runs):
        gc.collect()
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                start, cpu = time.perf_counter(), time.process_time()
                coco = COCO(args.path)
                runs.append(time.perf_counter() - start)
                cpu_runs.append(time.process_time() - cpu)
        except Exception as e:  # pycocotools raises bare AssertionError, OSError, ValueError
            print(f"coco_vs_pycocotools: cannot load {args.path}: {e!r}", file=sys.stderr)
            return 2
        counts = (len(coco.dataset.get("images", [])), len(coco.dataset.get("annotations", [])))
        del coco

    print(json.dumps({
        "pycocotools_load_s": round(min(runs), 4),
        "runs_s": [round(r, 4) for r in runs],
        "pycocotools_cpu_s": round(min(cpu_runs), 4),
        "cpu_runs_s": [round(r, 4) for r in cpu_runs],
        "images": counts[0],
        "annotations": counts[1],
        "path": args.path,
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
