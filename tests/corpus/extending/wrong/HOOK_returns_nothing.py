"""Tensor.register_hook: the hook computes the clipped gradient and drops it; a hook that
returns None leaves the gradient as it was.

check: grad_hook_clips
also: grad_hook_removable
mentions: a tensor hook changes the gradient; clamped to [-limit, limit]
"""


def clip_gradient(param, limit):
    def hook(grad):
        grad.clamp(-limit, limit)

    return param.register_hook(hook)
