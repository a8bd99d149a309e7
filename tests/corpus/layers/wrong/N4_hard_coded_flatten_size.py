"""N4: the flatten size worked out for 28x28 images and hard-coded, so the network fails for
any other image size.

check: flatten_size_from_input
mentions: a flatten size derived from the input; derive it from height and width
"""
from torch import nn


def _init(self, in_channels, height, width, num_classes):
    nn.Module.__init__(self)
    self.features = nn.Sequential(
        nn.Conv2d(in_channels, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
    self.classifier = nn.Linear(8 * 14 * 14, num_classes)


SmallConvNet.__init__ = _init
