#!/usr/bin/env python3
"""Times a plain Python json.loads loop over a JSONL file, for comparison with
Shugu's labelled text import.

Usage: text_vs_python.py FILE.jsonl [--runs 3]

Reads the file line by line and calls json.loads on each line, nothing else
(best of --runs, wall clock). Prints one JSON line on stdout:
  {"python_json_loads_s": 6.1, "runs_s": [...], "lines": 1000000, "path": ...}
"""

import argparse
import json
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs, lines = [], 0
    for _ in range(args.runs):
        start = time.perf_counter()
        lines = 0
        with open(args.path, encoding="utf-8") as f:
            for line in f:
                json.loads(line)
                lines += 1
        runs.append(round(time.perf_counter() - start, 4))
    print(json.dumps({"python_json_loads_s": min(runs), "runs_s": runs, "lines": lines,
                      "path": args.path}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
