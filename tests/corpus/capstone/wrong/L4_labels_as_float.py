"""L4/T2: labels stored as float32, so CrossEntropyLoss gets float class indices.

check: dataset_samples
mentions: int64 labels; dtype=torch.int64
also: loss_curve_falls; losses_are_floats; losses_are_cross_entropy; gradients_cleared
also: reshuffled_each_epoch; train_mode_for_training; eval_mode_for_measuring
also: no_grad_for_measuring; evaluate_measures_accuracy; validates_on_validation_data
also: predict_prepares_like_training; reproducible_with_seed; accuracy_learns; accuracy_good
also: accuracy_excellent
"""
import torch


class DigitsDataset(Dataset):
    def __init__(self, images, labels):
        self.images = torch.as_tensor(images, dtype=torch.float32).unsqueeze(1) / PIXEL_MAX
        self.labels = torch.as_tensor(labels, dtype=torch.float32)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        return self.images[index], self.labels[index]
