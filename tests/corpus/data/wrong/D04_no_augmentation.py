"""D4: the training transform never applies its random augmentation (it only standardizes).

check: training_augmentation
mentions: random augmentation for training; fresh noise
"""


def make_transforms(mean, std, noise_std):
    def standardize(x):
        return (x - mean) / std

    return standardize, standardize
