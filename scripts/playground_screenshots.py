"""Take the screenshots in docs/images/playground*.png with Playwright and chromium.

Starts ``mlpkit playground`` on a free port, opens a few states in headless chromium
(Debian's /usr/bin/chromium), trains each for a while and saves the page::

    PYTHONPATH=src python scripts/playground_screenshots.py [--out docs/images]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

SHOTS = [
    # (file, URL hash, epochs to train, element to hover or None)
    ("playground.png", "#dataset=spiral&networkShape=8,8,4&activation=tanh&learningRate=0.03"
     "&optimizer=adam&x=true&y=true&sinX=true&sinY=true&noise=10&seed=3", 300, None),
    ("playground-multiclass.png", "#dataset=blobs&classes=4&networkShape=6&activation=relu"
     "&optimizer=adam&learningRate=0.01&noise=10&showTestData=true&seed=1", 80, None),
    ("playground-hover.png", "#dataset=xor&networkShape=4,2&learningRate=0.1&seed=1", 150,
     "#neuron-0-1"),
    ("playground-regression.png", "#problem=regression&regDataset=reg-gauss&networkShape=8,6"
     "&activation=tanh&optimizer=adam&learningRate=0.01&seed=2", 300, None),
]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="docs/images")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlpkit", "playground", "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    assert proc.stdout is not None
    url = re.search(r"(http://\S+/)", proc.stdout.readline()).group(1)  # type: ignore[union-attr]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
            for name, hash_, epochs, hover in SHOTS:
                page = browser.new_page(viewport={"width": 1280, "height": 760})
                page.goto(url + hash_)
                page.wait_for_function("window.playground.frames > 0")
                page.click("#play")
                page.wait_for_function(f"window.playground.frame.epoch >= {epochs}",
                                       timeout=120_000)  # fmt: skip
                page.click("#play")
                page.wait_for_function("window.playground.frame.status === 'paused'")
                if hover:
                    page.hover(hover)
                    time.sleep(0.3)
                page.screenshot(path=str(out / name))
                print(out / name, (out / name).stat().st_size, "bytes")
                page.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
