"""D2/E14: the pixels reach the model as counts 0..16, not scaled to [0, 1].

check: dataset_samples
mentions: float32 images; divide by PIXEL_MAX
also: predict_prepares_like_training
"""
import torch


class DigitsDataset(Dataset):
    def __init__(self, images, labels):
        self.images = torch.as_tensor(images, dtype=torch.float32).unsqueeze(1)
        self.labels = torch.as_tensor(labels, dtype=torch.int64)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        return self.images[index], self.labels[index]
