"""E9: best = model.state_dict() without a copy: it keeps changing with the live parameters.

check: best_weights_are_a_copy
mentions: keeping the best weights needs a copy; alias the live parameters
"""


def train_keep_best(model, train_epoch, validate, epochs):
    best_loss, best_epoch, best_state = float("inf"), 0, None
    for epoch in range(1, epochs + 1):
        train_epoch()
        loss = validate()
        if loss < best_loss:
            best_loss, best_epoch, best_state = loss, epoch, model.state_dict()
    model.load_state_dict(best_state)
    return best_epoch
