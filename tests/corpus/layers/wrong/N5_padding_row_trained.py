"""N5: nn.Embedding created without padding_idx: the padding row starts random and is trained
like any other token.

check: embedding_padding_idx
mentions: padding_idx; padding row must start at zero
"""
from torch import nn


def _init(self, vocab_size, dim, num_classes, padding_idx):
    nn.Module.__init__(self)
    self.padding_idx = padding_idx
    self.embedding = nn.Embedding(vocab_size, dim)
    self.classifier = nn.Linear(dim, num_classes)


BagOfEmbeddings.__init__ = _init
