"""Checks for `checkpoints`: state_dict checkpoints, loading, resuming, safe loading, map_location,
strict loading, inference after loading, the best weights.

Checkpoint files are only ever written and read inside the learner's sandbox (its working
directory is a private temporary folder); nothing pickled reaches the grading process. The
expected results are computed here, never in a sandbox, by ``expected_scenario`` and
``expected_inference``, which keep every state in memory and never touch a file: a checkpoint
round trip must change nothing, so resuming after a save and a load must equal training
straight through. (A probe's source is sent to the sandbox, so no probe carries that oracle.)
"""

import torch
import torch.nn.functional as F
from torch import nn

from torchdojo.checks import Lesson, as_data, both, check, expect, mlp, probe

MANUAL = "https://docs.pytorch.org/docs/stable/"  # the PyTorch manual
PAGES = MANUAL + "generated/"  # one page per function or class
TUTORIALS = "https://docs.pytorch.org/tutorials/"

# ----------------------------------------------------------------------------- the probe


@probe(uses=[mlp])
def probe_scenario(m, task, scene):
    """One checkpoint scenario on a small classifier trained with Adam on fixed data, through
    the learner's functions and real files in the working directory."""
    import os
    import tempfile

    import torch
    import torch.nn.functional as F
    from torch import nn

    def build(scale=1.0, lr_scale=1.0):
        model = mlp({k: v * scale for k, v in scene["state"].items()}, nn.Tanh())
        return model, torch.optim.Adam(model.parameters(), lr=scene["lr"] * lr_scale)

    def train_epoch(model, optimizer):
        for start in range(0, len(scene["y"]), 4):
            optimizer.zero_grad()
            logits = model(scene["x"][start:start + 4])
            F.cross_entropy(logits, scene["y"][start:start + 4]).backward()
            optimizer.step()

    def states(model, optimizer, epoch):
        return {"epoch": epoch, "model": dict(model.state_dict()),
                "optimizer": optimizer.state_dict()}

    def restored(path):
        model, optimizer = build(scale=0.5, lr_scale=10.0)  # differs from what was saved
        epoch = m.load_checkpoint(model, optimizer, path)
        return model, optimizer, epoch

    # Only the learner's sandbox writes files: its working directory is a private folder.
    path = os.path.join(tempfile.mkdtemp(dir="."), f"{task}.pt")
    model, optimizer = build()
    train_epoch(model, optimizer)
    epoch = scene["epoch"]

    if task == "saved":
        m.save_checkpoint(model, optimizer, epoch, path)
        try:
            content = torch.load(path, weights_only=True)
        except Exception:
            return {"loads with weights_only=True": False, "content": None}
        if isinstance(content, dict):  # extra entries are the learner's business
            content = {k: content[k] for k in ("epoch", "model", "optimizer") if k in content}
        return {"loads with weights_only=True": True, "content": content}

    if task in ("load", "gpu"):
        if task == "gpu":
            import torch.serialization as serialization

            tag = serialization.location_tag
            serialization.location_tag = lambda storage: "cuda:3"  # as saved on a GPU node
            try:
                torch.save(states(model, optimizer, epoch), path)
            finally:
                serialization.location_tag = tag
        else:
            torch.save(states(model, optimizer, epoch), path)
        return states(*restored(path))

    if task == "resume":
        train_epoch(model, optimizer)
        epoch = 2
        m.save_checkpoint(model, optimizer, epoch, path)
        model, optimizer, epoch = restored(path)
        for _ in range(2):
            train_epoch(model, optimizer)
        return {"epoch saved": epoch, "weights after 4 epochs": dict(model.state_dict())}
    raise ValueError(f"unknown task {task}")


@probe(uses=[mlp])
def probe_safe_load(m, scene):
    """Offer the learner's loaders checkpoints whose pickle would create a marker file."""
    import os
    import tempfile

    import torch
    from torch import nn

    folder = os.path.abspath(tempfile.mkdtemp(dir="."))
    marker = os.path.join(folder, "canary-fired")

    class Canary:
        def __reduce__(self):
            return (open, (marker, "w"))  # unpickling this creates the marker file

    model = mlp(scene["state"], nn.Tanh())
    optimizer = torch.optim.Adam(model.parameters(), lr=scene["lr"])
    clean = {"load_checkpoint": {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                                 "epoch": 1},
             "load_for_inference": model.state_dict()}[scene["loader"]]
    loader = getattr(m, scene["loader"])  # a missing function is an error, never a refusal

    def save(data):
        path = os.path.join(folder, f"{scene['loader']}.pt")
        torch.save(data, path)  # outside the learner's call: a failure here is not theirs
        return path

    def load(path):
        if scene["loader"] == "load_checkpoint":
            loader(model, optimizer, path)
        else:
            loader(model, path)

    def attempt():
        path = save({**clean, "note": Canary()})
        try:
            load(path)
            raised = False
        except NotImplementedError:
            raise
        except Exception:
            raised = True
        fired = os.path.exists(marker)
        if fired:
            os.remove(marker)
        return {"code ran": fired, "raised": raised}

    path = save(clean)
    try:  # a loader that refuses every file refuses nothing in particular
        load(path)
        loaded = True
    except NotImplementedError:
        raise
    except Exception:
        loaded = False
    results = {"clean file loaded": loaded, "default": attempt()}
    saved = {k: os.environ.pop(k, None) for k in ("TORCH_FORCE_WEIGHTS_ONLY_LOAD",
                                                  "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD")}
    os.environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "1"  # an environment whose default is unsafe
    try:
        results["default turned off"] = attempt()
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None)
            if value is not None:
                os.environ[key] = value
    return results


@probe(uses=[mlp])
def probe_strict(m, scene, missing, unexpected):
    import os
    import tempfile

    import torch
    from torch import nn

    state = dict(scene["state"])
    state.pop(missing)
    state[unexpected] = torch.zeros(2)
    path = os.path.join(tempfile.mkdtemp(dir="."), "mismatched.pt")
    torch.save(state, path)
    model = mlp(scene["state"], nn.Tanh(), load=False)
    load_for_inference = m.load_for_inference  # a missing function is an error, not a refusal
    try:
        load_for_inference(model, path)
    except NotImplementedError:
        raise
    except Exception as exc:
        text = str(exc)
        return {"raised": True, "names the missing key": missing in text,
                "names the unexpected key": unexpected in text}
    return {"raised": False, "names the missing key": False, "names the unexpected key": False}


@probe(uses=[mlp])
def probe_inference(m, scene):
    import os
    import tempfile

    import torch
    from torch import nn

    state = {k.replace("2.", "3."): v for k, v in scene["state"].items()}
    model = mlp(state, nn.ReLU(), nn.Dropout(0.5), load=False)
    path = os.path.join(tempfile.mkdtemp(dir="."), "weights.pt")
    torch.save(state, path)
    m.load_for_inference(model, path)
    torch.manual_seed(0)  # so that active dropout gives the same verdict every run
    with torch.no_grad():
        outputs = [model(scene["x"]), model(scene["x"])]
    return {"in training mode": any(layer.training for layer in model.modules()),
            "predictions": outputs}


@probe(uses=[mlp])
def probe_keep_best(m, scene, losses):
    import torch
    import torch.nn.functional as F
    from torch import nn

    model = mlp(scene["state"], nn.Tanh())
    optimizer = torch.optim.SGD(model.parameters(), lr=scene["lr"] * 10)
    trained = [0]

    def train_epoch():
        optimizer.zero_grad()
        F.cross_entropy(model(scene["x"]), scene["y"]).backward()
        optimizer.step()
        trained[0] += 1

    def validate():
        return losses[trained[0] - 1]  # the validation loss scripted for this epoch

    best = m.train_keep_best(model, train_epoch, validate, len(losses))
    return {"epochs trained": trained[0], "best epoch": best,
            "weights": dict(model.state_dict())}


# ----------------------------------------------------------------------------- the oracle


def expected_scenario(task: str, scene: dict) -> object:
    """What probe_scenario gives for a perfect checkpoint round trip: the state as it was."""
    model = mlp(scene["state"], nn.Tanh())
    optimizer = torch.optim.Adam(model.parameters(), lr=scene["lr"])

    def train_epoch() -> None:
        for start in range(0, len(scene["y"]), 4):
            optimizer.zero_grad()
            F.cross_entropy(model(scene["x"][start:start + 4]),
                            scene["y"][start:start + 4]).backward()
            optimizer.step()

    train_epoch()
    states = {"epoch": scene["epoch"], "model": dict(model.state_dict()),
              "optimizer": optimizer.state_dict()}
    if task == "saved":
        return as_data({"loads with weights_only=True": True, "content": states})
    if task in ("load", "gpu"):
        return as_data(states)
    for _ in range(3):  # resume: one more epoch before the save, two after the load
        train_epoch()
    return as_data({"epoch saved": 2, "weights after 4 epochs": dict(model.state_dict())})


def expected_inference(scene: dict) -> object:
    """What probe_inference gives when the weights are loaded and the model is in eval mode."""
    model = mlp({k.replace("2.", "3."): v for k, v in scene["state"].items()}, nn.ReLU(),
                nn.Dropout(0.5))
    model.eval()
    with torch.no_grad():
        outputs = [model(scene["x"]), model(scene["x"])]
    return as_data({"in training mode": False, "predictions": outputs})


# ----------------------------------------------------------------------------- inputs


def scene_of(draw) -> dict:
    inputs, hidden, classes = draw.integer(2, 5), draw.integer(3, 6), draw.integer(2, 4)
    n = draw.integer(9, 14)
    state = {"0.weight": draw.tensor(hidden, inputs) / 2, "0.bias": draw.tensor(hidden) / 2,
             "2.weight": draw.tensor(classes, hidden) / 2, "2.bias": draw.tensor(classes) / 2}
    return {"state": state, "x": draw.tensor(n, inputs),
            "y": draw.integers(n, lo=0, hi=classes - 1), "lr": draw.choice([0.01, 0.05, 0.1]),
            "epoch": draw.integer(1, 30)}


RESTORE_ADVICE = {
    "['epoch']": "Return the epoch stored in the checkpoint.",
    "['model']": "The model's weights were not restored: load_state_dict(checkpoint['model']) "
                 "on the model you were given.",
    "['optimizer']": "The optimizer's state was not restored: "
                     "optimizer.load_state_dict(checkpoint['optimizer']).",
}


def expect_scenario(learner, ref, task: str, scene: dict, advice: dict, name: str) -> None:
    expect(learner.run(probe_scenario, task, scene), expected_scenario(task, scene), name=name,
           advice=advice, rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------- checks


@check(points=2, concept="checkpoints hold state_dicts", hints=[
    "Save what is needed to rebuild the training state, as plain tensors and numbers.",
    "torch.save(model) pickles the module object itself, which torch.load(weights_only=True) "
    "refuses. Save model.state_dict() and optimizer.state_dict() (the optimizer's moments and "
    "step counts are needed to resume).",
    "torch.save({'model': model.state_dict(), 'optimizer': optimizer.state_dict(), "
    "'epoch': epoch}, path)",
], docs=TUTORIALS + "beginner/saving_loading_models.html")
def checkpoint_holds_state_dicts(learner, ref, draw):
    expect_scenario(learner, ref, "saved", scene_of(draw), name="the saved checkpoint", advice={
        "['loads with weights_only=True']": "torch.load(path, weights_only=True) refuses the "
            "file: it holds pickled objects (a module or an optimizer). Save their "
            "state_dict()s instead.",
        "['content']": "The checkpoint must hold 'model', 'optimizer' and 'epoch' (the "
                       "state_dicts): without the optimizer's state, resumed training restarts "
                       "Adam's moments and step count.",
    })


@check(points=2, concept="loading a checkpoint restores the training state", hints=[
    "After loading, the model and the optimizer you were given must be in the saved state.",
    "model.load_state_dict(...) and optimizer.load_state_dict(...) copy the saved state into "
    "the existing objects; the optimizer's learning rate and moments come back too.",
    "checkpoint = torch.load(path, map_location='cpu', weights_only=True); "
    "model.load_state_dict(checkpoint['model']); "
    "optimizer.load_state_dict(checkpoint['optimizer']); return checkpoint['epoch']",
], docs=TUTORIALS + "beginner/saving_loading_models.html")
def load_restores_everything(learner, ref, draw):
    expect_scenario(learner, ref, "load", scene_of(draw), name="the restored state",
                    advice=RESTORE_ADVICE)


@check(points=3, concept="resuming equals training straight through", hints=[
    "Train 2 epochs, save, load into fresh objects, train 2 more: the weights must equal 4 "
    "epochs without a break.",
    "Adam keeps running averages and a step count per parameter. If the optimizer's state is "
    "not saved and restored, resumed training takes different steps.",
    "save: optimizer.state_dict(); load: optimizer.load_state_dict(checkpoint['optimizer'])",
], docs=TUTORIALS + "beginner/saving_loading_models.html")
def resume_equals_uninterrupted(learner, ref, draw):
    expect_scenario(learner, ref, "resume", scene_of(draw), name="resumed training", advice={
        "['epoch saved']": "load_checkpoint must return the epoch that was saved.",
        "values": "Training resumed from your checkpoint drifts away from uninterrupted "
                  "training: save and restore the optimizer's state as well as the model's.",
    })


_REFUSE = ("Loading a checkpoint that carries pickled code must raise without running it: call "
           "torch.load(path, weights_only=True) explicitly (the environment can turn the default "
           "off) and never retry with weights_only=False.")
SAFE_ADVICE = {"['clean file loaded']": "Your loader refused a checkpoint of plain tensors and "
               "numbers too: weights_only=True loads those; refuse only what it refuses.",
               "['default']": _REFUSE, "['default turned off']": _REFUSE}
SAFE_EXPECTED = {"clean file loaded": True,
                 "default": {"code ran": False, "raised": True},
                 "default turned off": {"code ran": False, "raised": True}}


def expect_safe_loading(learner, draw, loader: str, what: str) -> None:
    """The loader must raise on a file whose pickle would run code, and the code must not run;
    the expected result is a constant, so no reference ever loads such a file."""
    scene = {**scene_of(draw), "loader": loader}
    expect(learner.run(probe_safe_load, scene), as_data(SAFE_EXPECTED),
           name=f"{loader} on {what} carrying pickled code", advice=SAFE_ADVICE)


@check(points=2, concept="weights_only=True: loading never runs code", hints=[
    "A checkpoint is a pickle, and unpickling can run any code its author chose.",
    "torch.load(path, weights_only=True) refuses everything but tensors and plain data. The "
    "environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD changes the default, so pass it "
    "explicitly; catching the error and retrying with weights_only=False undoes the protection.",
    "torch.load(path, map_location='cpu', weights_only=True)",
], docs=[PAGES + "torch.load.html", MANUAL + "notes/serialization.html"])
def safe_load_checkpoint(learner, ref, draw):
    expect_safe_loading(learner, draw, "load_checkpoint", "a checkpoint")


@check(points=1, concept="weights_only=True: loading never runs code", hints=[
    "load_for_inference reads files from elsewhere too.",
    "Pass weights_only=True explicitly to torch.load, as in load_checkpoint.",
    "torch.load(path, map_location='cpu', weights_only=True)",
], docs=PAGES + "torch.load.html")
def safe_load_for_inference(learner, ref, draw):
    expect_safe_loading(learner, draw, "load_for_inference", "a weights file")


@check(points=2, concept="map_location", hints=[
    "The checkpoint was saved on a GPU machine; this one may have none.",
    "torch.load puts each tensor back on the device it was saved from unless map_location "
    "says otherwise.",
    "torch.load(path, map_location='cpu', weights_only=True)",
], docs=PAGES + "torch.load.html")
def map_location_for_gpu_checkpoints(learner, ref, draw):
    expect_scenario(learner, ref, "gpu", scene_of(draw), name="the state restored from a GPU "
                    "checkpoint", advice={**RESTORE_ADVICE, "device": "Map the tensors to the "
                                          "CPU with map_location='cpu'."})


@check(points=2, concept="strict loading surfaces mismatched keys", hints=[
    "Load a file whose keys do not match the model: what should happen?",
    "load_state_dict(strict=False) silently skips missing and unexpected keys and leaves "
    "those weights as they were; strict=True (the default) raises and names them.",
    "model.load_state_dict(state)  (strict=True)",
], docs=PAGES + "torch.nn.Module.html#torch.nn.Module.load_state_dict")
def strict_loading_names_keys(learner, ref, draw):
    scene = scene_of(draw)
    missing = draw.choice(sorted(scene["state"]))
    unexpected = draw.choice(["head.scale", "classifier.weight", "module.extra"])
    got = learner.run(probe_strict, scene, missing, unexpected)
    expected = {"raised": True, "names the missing key": True, "names the unexpected key": True}
    expect(got, as_data(expected), name="load_for_inference on mismatched keys", advice={
        "['raised']": "Loading a file with mismatched keys succeeded silently: load strictly "
                      "(load_state_dict's default strict=True) so the mismatch raises.",
        "values": "The error must name the missing and the unexpected keys, as "
                  "load_state_dict(strict=True) does.",
    })


@check(points=2, concept="eval() after loading for inference", hints=[
    "Predict twice with the loaded model: do you get the same numbers?",
    "A freshly built model is in training mode, where Dropout zeroes random units. Call "
    "model.eval() before predicting.",
    "model.load_state_dict(state); model.eval()",
], docs=PAGES + "torch.nn.Module.html#torch.nn.Module.eval")
def inference_ready_after_load(learner, ref, draw):
    scene = scene_of(draw)
    expect(learner.run(probe_inference, scene), expected_inference(scene),
           name="the loaded model", advice={
               "['in training mode']": "The model is still in training mode, so Dropout is "
                                       "active: call model.eval() after loading.",
               "['predictions']": "The predictions differ from the saved model's: load the "
                                  "file's weights into the model you were given.",
           })


@check(points=2, concept="keeping the best weights needs a copy", hints=[
    "Check the weights you kept after a few more epochs of training.",
    "model.state_dict() returns tensors that share memory with the live parameters (so does "
    "detach()): training keeps changing them. Copy them.",
    "best_state = copy.deepcopy(model.state_dict())  (or {k: v.clone() for k, v in ...})",
], docs=PAGES + "torch.nn.Module.html#torch.nn.Module.state_dict")
def best_weights_are_a_copy(learner, ref, draw):
    scene = scene_of(draw)
    epochs = draw.integer(4, 6)
    losses = [round(2.0 - 0.1 * i + draw.number(0, 0.05), 3) for i in range(epochs)]
    best = draw.integer(1, epochs - 2)
    losses[best] = round(min(losses) - draw.number(0.1, 0.3), 3)  # the best is not the last
    expect(*both(learner, ref, probe_keep_best, scene, losses),
           name=f"train_keep_best with validation losses {losses}", advice={
               "['epochs trained']": Lesson(
                   "training for the epochs given",
                   f"Train for exactly epochs={epochs} epochs, each one train_epoch() then "
                   "validate(): range(epochs) runs them all, range(1, epochs) one fewer."),
               "['best epoch']": Lesson(
                   "the best epoch's number",
                   "Return the number of the epoch with the lowest validation loss, counting "
                   "the first epoch as 1 (not 0, and not the last epoch)."),
               "['weights']": "The model does not hold the best epoch's weights: the kept "
                              "tensors alias the live parameters (state_dict(), dict(...) and "
                              "detach() all share their memory). Keep "
                              "copy.deepcopy(model.state_dict()).",
           })
