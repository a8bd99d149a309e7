"""Model builders every grader may send with its probes (and use in the grading process).

They build the small test networks that probes train and inspect, from weights drawn in the
grading process; they hold no topic's answer.
"""

from __future__ import annotations

from torchdojo.engine.probes import probe_helper


@probe_helper
def mlp(state, *between, load=True):
    """``nn.Sequential`` of Linear layers with the weights of ``state`` (a state_dict keyed
    ``"0.weight"``, ``"0.bias"``, ``"2.weight"``, ...), with copies of the modules ``between``
    (``nn.ReLU()``, ``nn.Dropout(0.2)``) after every Linear layer but the last. With
    ``load=False`` only the shapes come from ``state`` (the learner's code loads the weights).

    The layers are made in order, so the global generator advances as a hand-written
    ``nn.Sequential(...)`` of the same layers would advance it.
    """
    import copy

    from torch import nn

    positions = sorted({int(key.split(".")[0]) for key in state})
    layers = []
    for number, position in enumerate(positions):
        outputs, inputs = state[f"{position}.weight"].shape
        layers.append(nn.Linear(inputs, outputs, bias=f"{position}.bias" in state))
        if number < len(positions) - 1:
            layers.extend(copy.deepcopy(module) for module in between)
    model = nn.Sequential(*layers)
    if load:
        model.load_state_dict(state)
    return model
