"""E5 (4.5): the hook registered but its handle thrown away, so the caller can never remove it.

check: grad_hook_removable
mentions: a hook's handle removes it; Return the handle
"""


def clip_gradient(param, limit):
    param.register_hook(lambda grad: grad.clamp(-limit, limit))
