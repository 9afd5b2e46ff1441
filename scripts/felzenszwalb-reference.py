"""Reference segmentations for test/engine/felzenszwalb.test.ts: scikit-image's felzenszwalb.

Reads {"images": [{"height", "width", "channels", "data"}], "runs": [{"scale", "sigma",
"minSize"}]} as JSON on stdin; writes {"skimage": version, "labels": [[labels per run] per
image]} on stdout. Run by scripts/felzenszwalb-reference.mjs (apt-get install -y python3-skimage).
"""
import json
import sys

import numpy as np
import skimage
from skimage.segmentation import felzenszwalb

request = json.load(sys.stdin)
out = []
for image in request["images"]:
    pixels = np.array(image["data"], dtype=np.float64).reshape(
        image["height"], image["width"], image["channels"]
    )
    out.append(
        [
            felzenszwalb(
                pixels,
                scale=run["scale"],
                sigma=run["sigma"],
                min_size=run["minSize"],
                channel_axis=-1,
            )
            .ravel()
            .tolist()
            for run in request["runs"]
        ]
    )
json.dump({"skimage": skimage.__version__, "labels": out}, sys.stdout)
