"""A new run's seed: drawn here, printed in every report, so any run can be replayed.

Kept apart from the engine so that commands can draw one before importing torch.
"""

from __future__ import annotations

import secrets


def new_seed() -> int:
    return secrets.randbelow(2**31)
