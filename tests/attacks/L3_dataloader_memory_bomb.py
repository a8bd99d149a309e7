"""L3c: DataLoader workers that each hold half of the sandbox's memory: 4 workers together ask
for twice what the sandbox may use.

via: grade
"""
import torch
from torch.utils.data import DataLoader, Dataset

_HALF_MIB = int("__GROUP_MEMORY_MIB__") // 2
_HOARD = []  # per worker process


class _Greedy(Dataset):
    def __len__(self):
        return 16

    def __getitem__(self, index):
        if not _HOARD:
            _HOARD.append(b"x" * (_HALF_MIB << 20))  # written, so the pages are really used
        return torch.zeros(1)


def _bomb():
    loader = DataLoader(_Greedy(), batch_size=1, num_workers=4, multiprocessing_context="fork")
    try:
        seen = sum(1 for _ in loader)
    except Exception as exc:  # noqa: BLE001 - what stopped it is the point
        print("DATALOADER BOMB STOPPED:", type(exc).__name__, str(exc).splitlines()[0],
              flush=True)
    else:
        print("DATALOADER BOMB FINISHED", seen, "BATCHES", flush=True)


_bomb()
