"""E14: random augmentation in the validation transform too.

check: validation_transform_deterministic
mentions: deterministic validation transforms; no random noise
"""
import torch


def make_transforms(mean, std, noise_std):
    def augment(x):
        return (x - mean) / std + noise_std * torch.randn_like(x)

    return augment, augment
