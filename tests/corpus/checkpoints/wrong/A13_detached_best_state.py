"""A13: detach() assumed to copy: the detached best weights share memory with the parameters.

check: best_weights_are_a_copy
mentions: keeping the best weights needs a copy; detach()
"""


def train_keep_best(model, train_epoch, validate, epochs):
    best_loss, best_epoch, best_state = float("inf"), 0, None
    for epoch in range(1, epochs + 1):
        train_epoch()
        loss = validate()
        if loss < best_loss:
            best_loss, best_epoch = loss, epoch
            best_state = {k: v.detach() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    return best_epoch
