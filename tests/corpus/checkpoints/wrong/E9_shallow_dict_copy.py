"""E9: dict(model.state_dict()) copies the dict but not the tensors, which still alias the
parameters.

check: best_weights_are_a_copy
mentions: keeping the best weights needs a copy; deepcopy
"""


def train_keep_best(model, train_epoch, validate, epochs):
    best_loss, best_epoch, best_state = float("inf"), 0, None
    for epoch in range(1, epochs + 1):
        train_epoch()
        loss = validate()
        if loss < best_loss:
            best_loss, best_epoch, best_state = loss, epoch, dict(model.state_dict())
    model.load_state_dict(best_state)
    return best_epoch
