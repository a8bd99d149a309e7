"""G6: lengths.tolist() copies the lengths to the host, which a tensor on another device
(here 'meta', standing in for a GPU) cannot do; PyTorch raises NotImplementedError for it.

check: mask_on_input_device
concept: device-agnostic code
status: error
mentions: masks on the input's device; device-agnostic code; .tolist()
"""


def mask_after_length(scores, lengths, value):
    out = scores.clone()
    for row, length in enumerate(lengths.tolist()):
        out[row, length:] = value
    return out
