"""§3.3 (oracle A): the model is never wrapped, so each rank keeps its own weights and gradients.

check: wrap_averages_gradients
mentions: DDP averages gradients; rank 0's weights
"""


def wrap(model, device):
    return model.to(device)
