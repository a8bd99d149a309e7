"""L9: validation runs without no_grad, recording a graph for every batch.

check: no_grad_for_measuring
mentions: no_grad() for measuring; torch.no_grad()
"""


def evaluate(model, dataset):
    model.eval()
    correct = 0
    for x, y in DataLoader(dataset, batch_size=256):
        correct += (model(x).argmax(dim=1) == y).sum().item()
    return correct / len(dataset)
