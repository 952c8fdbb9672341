"""rapidocr_onnxruntime over a folder of images, timed as benches/ocr_predict.rs
times Shugu: models opened, then every image read and recognised in turn.

    python benches/rapidocr_folder.py FOLDER [--cls]

Without --cls the text-direction classifier is off, as Shugu has none: the same
work (PP-OCRv4 detection, then recognition in batches of 6).
"""

import os
import sys
import time

from rapidocr_onnxruntime import RapidOCR


def main():
    folder = sys.argv[1]
    use_cls = "--cls" in sys.argv
    paths = sorted(
        os.path.join(folder, n)
        for n in os.listdir(folder)
        if n.lower().endswith((".jpg", ".jpeg", ".png", ".bmp", ".webp"))
    )
    started = time.perf_counter()
    engine = RapidOCR()
    opened = time.perf_counter() - started
    lines = chars = 0
    for path in paths:
        result, _ = engine(path, use_cls=use_cls)
        for _box, text, _score in result or []:
            lines += 1
            chars += len(text)
    total = time.perf_counter() - started
    label = "rapidocr (cls on)" if use_cls else "rapidocr"
    print(
        f"{label} {len(paths)} images: {total:.2f} s ({len(paths) / total:.2f} images/s; "
        f"models opened in {opened:.2f} s), {lines} lines, {chars} characters"
    )


if __name__ == "__main__":
    main()
