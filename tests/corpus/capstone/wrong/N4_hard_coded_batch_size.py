"""N4/R8: the model flattens with a hard-coded batch size, so any other batch size fails.

check: model_gives_logits
concept: matrix multiplication shapes
status: error
mentions: a model that returns logits; mat1 and mat2 shapes cannot be multiplied; start_dim=1
also: loss_curve_falls; losses_are_floats; losses_are_cross_entropy; gradients_cleared
also: reshuffled_each_epoch; train_mode_for_training; eval_mode_for_measuring
also: no_grad_for_measuring; evaluate_measures_accuracy; validates_on_validation_data
also: predict_prepares_like_training; reproducible_with_seed; accuracy_learns; accuracy_good
also: accuracy_excellent
"""
import torch
from torch import nn


class Flat32(nn.Module):
    def forward(self, x):
        return x.view(32, -1)


def make_model(seed):
    torch.manual_seed(seed)
    return nn.Sequential(Flat32(), nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.2),
                         nn.Linear(128, CLASSES))
