"""B8: global state changed at import: grad mode, default dtype, threads, cwd.

lose: any
"""
import os

import torch

torch.set_grad_enabled(False)
torch.set_default_dtype(torch.float64)
torch.set_num_threads(8)
os.chdir("/")
