"""The layout the synthetic benchmark generators share (gen_synthetic_coco.py,
gen_synthetic_yolo.py, gen_synthetic_voc.py): the command line, and image sizes
and per-image box counts drawn from one seeded RNG, so the same arguments give
the same dataset in every format."""

import argparse
import random

CATEGORIES = ["person", "行人", "car", "汽车", "bicycle", "自行车",
              "traffic light", "交通灯", "dog", "猫"]


def layout(doc):
    """Parses OUT [--images] [--boxes] [--seed]; returns (args, rng, sizes,
    per_image): sizes (w, h) of 640..1920 px, boxes spread at random. The rng
    goes on to draw the boxes."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--images", type=int, default=100_000)
    parser.add_argument("--boxes", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.images < 1 or args.boxes < 0:
        parser.error("--images must be >= 1 and --boxes >= 0")
    rng = random.Random(args.seed)
    sizes = [(rng.randint(640, 1920), rng.randint(640, 1920)) for _ in range(args.images)]
    per_image = [0] * args.images
    for _ in range(args.boxes):
        per_image[rng.randrange(args.images)] += 1
    return args, rng, sizes, per_image
