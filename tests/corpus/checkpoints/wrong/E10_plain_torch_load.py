"""E10: a plain torch.load(path) relies on the default weights_only, which an environment
variable can turn off; the canary's pickle then runs.

check: safe_load_for_inference
mentions: weights_only=True: loading never runs code; default turned off
"""
import torch


def load_for_inference(model, path):
    model.load_state_dict(torch.load(path, map_location="cpu"))
    model.eval()
