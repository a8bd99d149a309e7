"""T6: uniform labels drawn with torch.multinomial: uniform too, but another draw than the one
the task names, so the labels differ.

check: random_with_generator
mentions: random numbers from a generator; random_labels; exactly what torch.randint(0, num_classes
"""
import torch


def random_labels(n, num_classes, seed):
    generator = torch.Generator().manual_seed(seed)
    return torch.multinomial(torch.ones(num_classes), n, replacement=True, generator=generator)
