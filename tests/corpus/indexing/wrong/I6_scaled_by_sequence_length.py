"""I6: scores scaled by sqrt(T), the sequence length, instead of sqrt(D), the feature size.

check: einsum_attention_axes
status: failed
mentions: einsum for batched attention scores; differs from the expected values; sqrt(D)
"""


def attention_scores(q, k):
    return q @ k.transpose(-2, -1) / q.shape[-2] ** 0.5
