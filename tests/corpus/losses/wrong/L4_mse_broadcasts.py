"""4.2 L4: MSE between (N, 1) predictions and (N,) targets broadcasts to (N, N) (with a warning).

check: regression_shapes_match
status: failed
mentions: MSE needs matching shapes; differs from the expected values; squeeze(1)
"""
import torch.nn.functional as F


def regression_loss(predictions, targets):
    return F.mse_loss(predictions, targets)
