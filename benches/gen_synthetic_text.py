#!/usr/bin/env python3
"""Writes a deterministic synthetic labelled text file for benchmarks.

Usage: gen_synthetic_text.py OUT.jsonl [--lines 1000000] [--seed 0]

Each line is Shugu's JSONL layout: {"id", "text", "labels", "spans"} with a
product review of 5-50 characters mixing Chinese, Latin words, digits
and now and then an emoji (so code points, UTF-16 units and bytes differ), one
document class and 0-5 non-overlapping spans counted in code points. About 150
bytes a line. The same arguments always give the same bytes.
"""

import argparse
import json
import random
import sys

PRODUCTS = ["猕猴桃", "翠芽", "毛尖", "辣椒酱", "洋芋", "刺梨", "腊肉", "米粉", "tea", "kiwi"]
ORIGINS = ["修文", "湄潭", "都匀", "威宁", "遵义", "贵阳", "安顺", "Guizhou"]
BRANDS = ["黔山好", "云雾牌", "苗家香", "HillFarm"]
FILLERS = ["很新鲜", "包装不错", "物流有点慢", "味道一般", "会回购", "个头大", "有点酸",
           "送货上门", "口感好", "价格实惠", "😀", "👍", "good", "5斤装", "第二次买"]
LABELS = ["好评", "差评", "中评"]


def review(rng):
    parts, spans, at = [], [], 0
    for _ in range(rng.randint(2, 6)):
        kind = rng.random()
        if kind < 0.2 and len(spans) < 5:
            word, label = rng.choice(PRODUCTS), "PRODUCT"
        elif kind < 0.35 and len(spans) < 5:
            word, label = rng.choice(ORIGINS), "ORIGIN"
        elif kind < 0.45 and len(spans) < 5:
            word, label = rng.choice(BRANDS), "BRAND"
        elif kind < 0.55 and len(spans) < 5:
            word, label = f"¥{rng.randint(9, 199)}.{rng.randint(0, 9)}", "PRICE"
        else:
            word, label = rng.choice(FILLERS), None
        if label:
            spans.append({"start": at, "end": at + len(word), "label": label})
        parts.append(word)
        at += len(word)
        parts.append("，")
        at += 1
    return "".join(parts), spans


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for n in range(1, args.lines + 1):
            text, spans = review(rng)
            line = {"id": f"r{n}", "text": text, "labels": [rng.choice(LABELS)],
                    "spans": spans}
            f.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")))
            f.write("\n")
    print(f"wrote {args.out}: {args.lines} lines (seed {args.seed})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
