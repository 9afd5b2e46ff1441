"""Cross-check of src/engine/xrai.ts against PAIR saliency's XRAI (saliency/core/xrai.py).

Reads {"height", "width", "image" ([h][w][3] on [0, 1], flat), "attribution" (h*w, flat),
"masks" (our dilated segments, lists of pixel indices), "minPixelDiff"} as JSON on stdin and
writes PAIR's outputs as JSON: "ranked" (PAIR's _xrai over our masks) and "full" (PAIR's own
segmentation, _get_segments_felzenszwalb, then _xrai with its defaults). Run by
scripts/xrai-pair-check.mjs with PAIR saliency's saliency/core/ directory on PYTHONPATH as the
package "pair_core".
"""
import json
import sys

import numpy as np
from pair_core import xrai as pair

request = json.load(sys.stdin)
h, w = request["height"], request["width"]
image = np.array(request["image"], dtype=np.float64).reshape(h, w, 3)
attr = np.array(request["attribution"], dtype=np.float64).reshape(h, w)
masks = []
for pixels in request["masks"]:
    mask = np.zeros(h * w, dtype=bool)
    mask[pixels] = True
    masks.append(mask.reshape(h, w))
ranked, _ = pair.XRAI._xrai(
    attr=attr, segs=masks, min_pixel_diff=request["minPixelDiff"], integer_segments=True
)
segs = pair._get_segments_felzenszwalb(image)
full, _ = pair.XRAI._xrai(attr=attr, segs=segs, integer_segments=True)
json.dump(
    {
        "ranked": ranked.ravel().tolist(),
        "full": full.ravel().tolist(),
        "fullMasks": len(segs),
    },
    sys.stdout,
)
