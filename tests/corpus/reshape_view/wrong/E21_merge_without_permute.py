"""E21: reshaping (B, H, T, D) straight to (B, T, H*D) mixes time steps across heads.

check: merge_heads_after_permute
status: failed
mentions: merging axes after permute; values
"""


def merge_heads(x):
    b, h, t, d = x.shape
    return x.reshape(b, t, h * d)
