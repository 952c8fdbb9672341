"""Camera-like 1920x1080 JPEGs for the thumbnail benchmark (benches/compare_thumbnails.sh).

Each image is distinct: a sky and a textured ground whose texture has the 1/f
spectrum of natural scenes, a few solid objects, a slight lens blur and sensor
noise, saved by Pillow (libjpeg-turbo) at quality 90 with 4:2:0 chroma, as phone
and camera firmware does (~400-500 KB each). Every fifth file carries a camera
EXIF block with an orientation other than 1 (6, 8, 3 in turn), as portrait and
upside-down shots have; the rest say 1.

Usage: python gen_camera_jpegs.py OUT_DIR [COUNT=1000] [--jobs N]
Files already there are kept, so an interrupted run resumes.
"""

import argparse
import os
from multiprocessing import Pool

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1920, 1080
ORIENTATION = 0x0112


def photo(seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    fy = np.fft.fftfreq(HEIGHT)[:, None]
    fx = np.fft.rfftfreq(WIDTH)[None, :]
    f = np.sqrt(fx * fx + fy * fy)
    f[0, 0] = 1.0

    def pink_noise() -> np.ndarray:
        spectrum = (rng.normal(size=f.shape) + 1j * rng.normal(size=f.shape)) / f**1.15
        spectrum[0, 0] = 0
        n = np.fft.irfft2(spectrum, s=(HEIGHT, WIDTH))
        return (n - n.mean()) / n.std()

    texture, tint = pink_noise(), pink_noise()
    y = np.linspace(0, 1, HEIGHT)[:, None, None]
    horizon = rng.uniform(0.3, 0.55)
    sky = rng.uniform([90, 130, 180], [150, 190, 250])
    ground = rng.uniform([60, 60, 30], [150, 140, 100])
    base = np.where(y < horizon, sky * (0.8 + 0.3 * y / horizon), ground * (1.2 - 0.4 * (y - horizon)))
    amplitude = np.where(y < horizon, 6.0, 38.0)
    pixels = base + amplitude * texture[..., None] + 12 * tint[..., None] * np.array([1.0, -0.5, -0.8])
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(rng.integers(3, 9)):
        x0, y0 = rng.uniform(0, WIDTH), rng.uniform(HEIGHT * horizon * 0.8, HEIGHT)
        w, h = rng.uniform(40, 400), rng.uniform(40, 300)
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape([x0, y0, x0 + w, y0 + h], fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(0.8))
    noisy = np.asarray(image).astype(np.float32) + rng.normal(scale=2.0, size=(HEIGHT, WIDTH, 3))
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def orientation(index: int) -> int:
    return (6, 8, 3)[(index // 5) % 3] if index % 5 == 4 else 1


def write(job: tuple[str, int]) -> None:
    out_dir, index = job
    path = os.path.join(out_dir, f"IMG_{index:05d}.jpg")
    if os.path.exists(path):
        return
    exif = Image.Exif()
    exif[0x010F] = "Shugu Bench Camera"  # Make
    exif[0x0110] = "SB-1"  # Model
    exif[0x0132] = "2024:05:01 12:00:00"  # DateTime
    exif[ORIENTATION] = orientation(index)
    tmp = path + ".part"
    photo(index).save(tmp, "JPEG", quality=90, subsampling="4:2:0", exif=exif.tobytes())
    os.replace(tmp, path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir")
    parser.add_argument("count", nargs="?", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    with Pool(args.jobs) as pool:
        pool.map(write, [(args.out_dir, i) for i in range(args.count)], chunksize=8)


if __name__ == "__main__":
    main()
