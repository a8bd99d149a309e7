"""Processes a sandbox starts with "spawn" are forked from it (torch already imported) but get
their process object through pickle, so what cannot be pickled fails as with a real spawn."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = r'''
import os, sys
import torch
from torch.utils.data import DataLoader, Dataset
from torchdojo.sandbox import warm_spawn

warm_spawn.install()
STARTED_IN = "a fresh interpreter"


class Doubled(Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        return torch.tensor([2.0 * i]), STARTED_IN, os.getppid()


def local_dataset():
    class Local(Doubled):
        pass
    return Local()


if __name__ == "__main__":
    STARTED_IN = "the sandbox"  # a forked worker sees this; a spawned one re-imports the file
    batches = list(DataLoader(Doubled(), batch_size=3, num_workers=2,
                              multiprocessing_context="spawn"))
    print("values", [b[0].flatten().tolist() for b in batches])
    print("started in", sorted(set(s for b in batches for s in b[1])))
    print("parent", {int(p) for b in batches for p in b[2]} == {os.getpid()})
    try:
        list(DataLoader(local_dataset(), num_workers=2, multiprocessing_context="spawn"))
    except Exception as exc:
        print("local", type(exc).__name__, exc)
'''


def test_spawned_workers_are_forked_copies_and_need_picklable_datasets(tmp_path):
    script = tmp_path / "loader.py"
    script.write_text(SCRIPT)
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=300)
    out = run.stdout
    assert "values [[0.0, 2.0, 4.0], [6.0, 8.0, 10.0]]" in out, run.stderr[-2000:]
    assert "started in ['the sandbox']" in out
    assert "parent True" in out
    assert "local AttributeError Can't pickle local object 'local_dataset.<locals>.Local'" in out
