"""movedim, .mT, reshape with the batch size read from the input, transpose + contiguous."""


def nhwc_to_nchw(images):
    return images.movedim(-1, 1)


def swap_last_two(batch):
    return batch.mT


def flatten_batch(images):
    return images.reshape(images.size(0), -1)


def merge_heads(x):
    b, h, t, d = x.shape
    return x.transpose(1, 2).contiguous().view(b, t, h * d)
