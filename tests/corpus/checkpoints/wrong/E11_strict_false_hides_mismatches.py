"""E11: load_state_dict(strict=False) hides missing and unexpected keys.

check: strict_loading_names_keys
mentions: strict loading surfaces mismatched keys; succeeded silently
"""
import torch


def load_for_inference(model, path):
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True), strict=False)
    model.eval()
