"""T6/E9: range(1, epochs) trains one epoch fewer than asked. The best epoch (never the last here)
and its weights still come out right, so only the number of epochs run shows it.

check: best_weights_are_a_copy
concept: training for the epochs given
mentions: training for the epochs given; epochs trained; range(1, epochs) one fewer
"""
import copy


def train_keep_best(model, train_epoch, validate, epochs):
    best_loss, best_epoch, best_state = float("inf"), 0, None
    for epoch in range(1, epochs):
        train_epoch()
        loss = validate()
        if loss < best_loss:
            best_loss, best_epoch = loss, epoch
            best_state = copy.deepcopy(model.state_dict())
    model.load_state_dict(best_state)
    return best_epoch
