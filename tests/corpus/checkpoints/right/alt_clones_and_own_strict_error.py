"""Cloned tensors for the best weights, a map_location function, extra checkpoint entries,
and a hand-written strict check that names the keys."""
import torch


def save_checkpoint(model, optimizer, epoch, path):
    torch.save({"epoch": epoch, "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "torch_version": str(torch.__version__)}, path)


def load_checkpoint(model, optimizer, path):
    checkpoint = torch.load(path, map_location=lambda storage, location: storage,
                            weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["epoch"]


def load_for_inference(model, path):
    state = torch.load(path, map_location="cpu", weights_only=True)
    result = model.load_state_dict(state, strict=False)
    if result.missing_keys or result.unexpected_keys:
        raise KeyError(f"checkpoint does not match the model: missing {result.missing_keys}, "
                       f"unexpected {result.unexpected_keys}")
    model.eval()


def train_keep_best(model, train_epoch, validate, epochs):
    losses, states = [], []
    for _ in range(epochs):
        train_epoch()
        losses.append(validate())
        states.append({k: v.detach().clone() for k, v in model.state_dict().items()})
    best = min(range(epochs), key=losses.__getitem__)
    model.load_state_dict(states[best])
    return best + 1
