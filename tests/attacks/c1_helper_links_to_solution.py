"""c1: the topic's module imports a helper module beside it, and the helper is a link to the
course's solution. The helper is refused, so the import fails.

via: paths
class: 1
base: none
trick: link helper.py solution:tensors
paths: local strict batch gradescope
lose: all
mentions: helper
"""
# --- file: tensors.py ---
from helper import *  # noqa: F403
