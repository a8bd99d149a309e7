"""R2: reshape to (N, C, H, W) has the right shape but scrambles the pixels.

check: permute_not_reshape
status: failed
mentions: permute moves axes; permute(0, 3, 1, 2)
"""


def nhwc_to_nchw(images):
    n, h, w, c = images.shape
    return images.reshape(n, c, h, w)
