"""E12: no model.eval() after loading for inference, so Dropout stays active.

check: inference_ready_after_load
mentions: eval() after loading for inference; training mode
"""
import torch


def load_for_inference(model, path):
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
