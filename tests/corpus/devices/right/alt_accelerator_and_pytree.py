"""The accelerator API, pytree moves, *_like masks, new_tensor weights, map then move."""
import torch
import torch.nn.functional as F
from torch.utils import _pytree as pytree


def choose_device():
    accelerator = torch.accelerator.current_accelerator()
    return accelerator if accelerator is not None else torch.device("cpu")


def is_on(tensor, device):
    name = device if isinstance(device, str) else device.type
    return tensor.device.type == name.split(":")[0]


def move_batch(batch, device):
    return pytree.tree_map(lambda t: t.to(device, non_blocking=True), batch)


def causal_scores(q, k):
    scores = torch.einsum("btd,bsd->bts", q, k) / q.shape[-1] ** 0.5
    return scores + torch.full_like(scores, float("-inf")).triu(1)


def weighted_loss(logits, labels, class_weights):
    return F.cross_entropy(logits, labels, weight=logits.new_tensor(class_weights))


def train_step(model, batch, optimizer, device):
    inputs, labels = (t.to(device, non_blocking=True) for t in batch)
    loss = F.nll_loss(F.log_softmax(model(inputs), dim=1), labels)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return loss.detach()


def load_checkpoint(path, device):
    on_cpu = torch.load(path, map_location="cpu", weights_only=True)
    return pytree.tree_map(lambda t: t.to(device) if isinstance(t, torch.Tensor) else t, on_cpu)
