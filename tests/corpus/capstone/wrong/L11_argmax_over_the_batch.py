"""L11: predict takes argmax over the batch (dim=0): one "prediction" per class, not one
digit per image.

check: accuracy_learns
mentions: held-out accuracy; dim=1
also: accuracy_good; accuracy_excellent
"""
import torch


def predict(model, images):
    x = torch.as_tensor(images, dtype=torch.float32).unsqueeze(1) / PIXEL_MAX
    model.eval()
    with torch.no_grad():
        return model(x).argmax(dim=0)
