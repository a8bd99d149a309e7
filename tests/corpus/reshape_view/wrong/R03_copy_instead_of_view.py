"""R3: flatten().clone() copies, so the result no longer shares the input's storage.

check: view_shares_storage
status: failed
mentions: views share storage; is a copy
"""


def flat_view(x):
    return x.flatten().clone()
