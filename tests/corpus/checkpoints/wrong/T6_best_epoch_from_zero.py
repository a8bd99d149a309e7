"""T6/E9: the best epoch's number counted from 0 (range(epochs) starts there), although
the weights kept are a proper copy: a numbering mistake, not a copying one.

check: best_weights_are_a_copy
concept: the best epoch's number
mentions: the best epoch's number; counting the first epoch as 1
"""
import copy


def train_keep_best(model, train_epoch, validate, epochs):
    best_loss, best_epoch, best_state = float("inf"), 0, None
    for epoch in range(epochs):
        train_epoch()
        loss = validate()
        if loss < best_loss:
            best_loss, best_epoch = loss, epoch
            best_state = copy.deepcopy(model.state_dict())
    model.load_state_dict(best_state)
    return best_epoch
