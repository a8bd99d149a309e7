"""Turn the errors PyTorch raises for common mistakes into the concept and what to try."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Explanation:
    concept: str
    advice: str


_KNOWN: list[tuple[str, str, str]] = [
    (r"view size is not compatible with input tensor's size and stride",
     "contiguity and view()",
     "view() needs memory laid out in row-major order. After .t(), .transpose() or .permute() "
     "the tensor is not contiguous: use .reshape(), or call .contiguous() before .view()."),
    (r"shape '\[.*\]' is invalid for input of size",
     "reshaping keeps the element count",
     "The new shape must hold exactly as many elements as the input. Use -1 for the dimension "
     "that depends on the batch size instead of a fixed number."),
    (r"mat1 and mat2 shapes cannot be multiplied|size mismatch, m1|inner dimensions",
     "matrix multiplication shapes",
     "For A @ B the last dimension of A must equal the first of B. nn.Linear(in, out) stores "
     "its weight as (out, in), so F.linear computes x @ W.T + b. One row where a batch of "
     "several was expected means a flatten or view merged the batch dimension: flatten with "
     "start_dim=1."),
    (r"must have the same dtype|expected m1 and m2 to have the same dtype|expected scalar type "
     r"(Float|Double) but found",
     "dtypes must match",
     "Both operands need the same dtype (the error names the two it got: Double is float64, "
     "Float is float32). Make the tensor you created or loaded match the other one: create it "
     "with dtype=other.dtype, or convert it with .to(other.dtype). A stray float64 often "
     "comes from NumPy, whose arrays default to it; a model turned float64 with "
     ".to(torch.float64) needs float64 inputs and float64 tensors made inside forward."),
    (r"on device (cpu|meta) is not on the expected device (cpu|meta)",
     "tensors on the same device",
     "The check ran your code on 'meta', a device that stands in for a GPU, and one tensor "
     "was still on the CPU: a batch or label not moved, a tensor made without device=, or a "
     "constant that is not a buffer. Every tensor in an operation must be on one device: "
     "x = x.to(device) (Tensor.to returns a new tensor), and create new tensors with "
     "device=x.device or torch.zeros_like(x)."),
    (r"is not on the expected device|Expected all tensors to be on the same device",
     "tensors on the same device",
     "Every tensor in an operation must be on one device. Tensor.to(device) returns a new "
     "tensor (assign it); create new tensors with device=x.device or torch.zeros_like(x)."),
    (r"Torch not compiled with CUDA enabled|Found no NVIDIA driver|No CUDA GPUs are available",
     "device-agnostic code",
     "The code assumes a GPU, and this machine has none: .cuda() and device='cuda' only work "
     "where CUDA exists. Take the device as a parameter and write x.to(device) and "
     "model.to(device) instead of .cuda() or the string 'cuda'."),
    (r"Attempting to deserialize object on a CUDA device",
     "loading a checkpoint with map_location",
     "The checkpoint was saved from a GPU, and torch.load puts each tensor back on the device "
     "it was saved from. Choose the device when loading: torch.load(path, "
     "map_location=device)."),
    (r"Only Tensors of floating point and complex dtype can require gradients",
     "requires_grad needs floating point",
     "Gradients exist only for floating-point tensors: create it with dtype=torch.float32."),
    (r"expected sequence of length \d+ at dim \d+",
     "tensors are rectangular",
     "Every row of a nested list must have the same length to become a tensor."),
    (r"Can't call numpy\(\) on Tensor that requires grad|can't convert .* to numpy",
     "leaving autograd and the device",
     "Call .detach() (and .cpu()) before .numpy()."),
    (r"element 0 of tensors does not require grad and does not have a grad_fn",
     "the autograd graph",
     "backward() needs a result that depends on a tensor with requires_grad=True, computed "
     "outside torch.no_grad()."),
    (r"Trying to backward through the graph a second time",
     "retain_graph",
     "backward() frees the graph. Pass retain_graph=True to the first backward() when you "
     "need a second one, or recompute the forward pass."),
    (r"grad can be implicitly created only for scalar outputs",
     "backward() on a scalar",
     "Reduce the output to a scalar (e.g. .sum() or a loss) before calling .backward()."),
    (r"a leaf Variable that requires grad is being used in an in-place operation",
     "in-place operations on leaf tensors",
     "A tensor created with requires_grad=True (a parameter, or an input you were given) "
     "cannot change in place while autograd records. Update parameters inside "
     "`with torch.no_grad():`, e.g. `w -= lr * w.grad`; anywhere else compute a new tensor "
     "(x.clamp(...) or x * y, not x.clamp_(...) or x.mul_(y))."),
    (r"modified by an inplace operation",
     "in-place operations and autograd",
     "A tensor that autograd saved for backward was changed in place; use the out-of-place "
     "version of the operation (no trailing underscore)."),
    (r"returned an incorrect number of gradients|returned a gradient different than None",
     "one gradient per input of forward",
     "A custom Function's backward returns one value per argument of forward (after ctx), "
     "in order: a gradient for each tensor input, and None for every other argument (a "
     "float, an int, a flag)."),
    (r"Expected tensor for argument #1 'indices' to have one of the following scalar types",
     "embedding indices are integers",
     "nn.Embedding looks rows up by index: pass a torch.long (int64) tensor, built with "
     "torch.tensor(..., dtype=torch.long), not torch.Tensor(...), which makes float32."),
    (r"expected target dtype to be Long|expected scalar type Long",
     "class labels are int64",
     "CrossEntropyLoss wants class indices as torch.int64 (torch.long); convert with .long()."),
    (r"Target -?\d+ is out of bounds",
     "class labels start at 0",
     "Class indices must lie in [0, C). Shift labels that start at 1."),
    (r"0D or 1D target tensor expected",
     "label shapes",
     "CrossEntropyLoss wants labels of shape (N,), not (N, 1): squeeze the extra dimension."),
    (r"stack expects each tensor to be equal size",
     "collating a batch",
     "Every sample in a batch must have the same shape, or pass a collate_fn that pads them."),
    (r"Weights only load failed",
     "saving a state_dict",
     "Save model.state_dict() (tensors only), not the whole module; torch.load uses "
     "weights_only=True by default."),
    (r"Missing key\(s\) in state_dict|Unexpected key\(s\) in state_dict",
     "state_dict keys",
     "The saved keys and the model's parameter names differ: compare them with "
     "model.state_dict().keys(). Layers kept in a plain Python list are not registered (use "
     "nn.ModuleList), and a DDP model prefixes keys with 'module.' (save "
     "ddp_model.module.state_dict())."),
    (r"step\(\) has already been called since the last update\(\)",
     "GradScaler.update()",
     "Call scaler.update() once at the end of every iteration."),
    (r"No inf checks were recorded",
     "GradScaler.step()",
     "Step through the scaler: scaler.step(optimizer), not optimizer.step()."),
    (r"unscale_\(\) is being called after step\(\)",
     "GradScaler.update()",
     "Call scaler.update() at the end of every iteration: until it runs, the scaler still "
     "counts the last step() as this iteration's."),
    (r"unscale_\(\) has already been called",
     "GradScaler.unscale_()",
     "Call scaler.unscale_(optimizer) at most once per iteration, before clipping."),
    (r"Expected more than 1 value per channel when training",
     "BatchNorm and batch size",
     "BatchNorm in training mode needs more than one sample per batch: use drop_last=True."),
    (r"sampler option is mutually exclusive with shuffle",
     "samplers and shuffle",
     "A sampler decides the order; pass shuffle=False (DistributedSampler shuffles itself)."),
    (r"Inference tensors cannot be saved for backward",
     "inference_mode",
     "Tensors created under torch.inference_mode() can never join autograd; use no_grad() "
     "for values you will train on later."),
    (r"unsupported operand type\(s\) for .*'NoneType'",
     "a .grad that is None",
     "A value in this operation is None; in autograd code that is usually a .grad. A tensor "
     "gets .grad only when it is a leaf that requires grad and backward() reached it: "
     "w = w - lr * w.grad makes w a new non-leaf, so update in place inside torch.no_grad()."),
    (r"Attempting to deserialize object on (a )?CUDA device",
     "map_location",
     "The checkpoint was saved from a GPU. Pass map_location='cpu' (or the model's device) to "
     "torch.load so every tensor is loaded where it will be used."),
    (r"can't optimize a non-leaf Tensor",
     "leaf tensors",
     "Optimizers need leaf tensors: create parameters with requires_grad=True directly, "
     "not as the result of an operation on one."),
    (r"self must be a matrix",
     "batched matrix multiplication",
     "torch.mm takes 2-D matrices only; use @ or torch.matmul for batches."),
    (r"The size of tensor a \(\d+\) must match the size of tensor b",
     "broadcasting",
     "Broadcasting aligns trailing dimensions; check the shapes of both operands."),
    (r"Index tensor must have the same number of dimensions as input tensor",
     "gather's index",
     "gather takes an index with as many dimensions as the input, and its result has the "
     "index's shape: targets.unsqueeze(1) for a (N, C) input, then squeeze(1) the result."),
    (r"index -?\d+ is out of bounds for dimension \d+ with size \d+",
     "indices start at 0",
     "An axis of size n has indices 0 to n - 1: a length or a count is one past the last "
     "index (subtract 1)."),
    (r"Boolean value of Tensor with more than one value is ambiguous",
     "element-wise conditions",
     "A Python `if` (or and/or/not) needs one True or False, but a comparison of tensors "
     "gives one per element. Choose per element with torch.where(cond, a, b), a mask, or "
     "clamp."),
    (r"Expected input batch_size \(\d+\) to match target batch_size \(\d+\)",
     "label shapes",
     "The targets need one entry per sample, (N,). squeeze() with no dim also drops the batch "
     "axis when N == 1: name the axis, squeeze(1)."),
    (r"Expected floating point type for target with class probabilities",
     "class-index targets",
     "A target with the input's shape is read as class probabilities, which are float. For "
     "class indices pass a (N,) int64 tensor; for one-hot rows convert with .float()."),
    (r"Dimension out of range",
     "dimensions",
     "A tensor with n dimensions accepts dim in [-n, n-1]; check the tensor's ndim."),
    (r"could not infer output dtype",
     "integer tensors",
     "Reductions like mean() need a floating-point tensor; convert with .float() first."),
    (r"can't be cast to the desired output type",
     "in-place type promotion",
     "An in-place operation cannot change a tensor's dtype; convert first or use the "
     "out-of-place operation."),
    (r"Can't pickle|Can't get local object|PicklingError|cannot pickle",
     "pickling for worker processes",
     "DataLoader workers started with 'spawn' (macOS, Windows) receive the dataset by pickling "
     "it, and lambdas, local functions and local classes cannot be pickled. Define them at the "
     "top level of your module."),
    (r"'float' object cannot be interpreted as an integer",
     "integers where sizes are counted",
     "A length or a count must be an int: __len__ returns len(...), and // divides to an "
     "int where / gives a float."),
    (r"Tensor\.item\(\) cannot be called on meta tensors|cannot be called on meta|"
     r"Cannot copy out of meta tensor",
     "device-agnostic code",
     ".item(), .tolist() and .numpy() copy data to the host; keep them out of code that must "
     "run on any device."),
    # torch.distributed
    (r"environment variable (MASTER_ADDR|MASTER_PORT|RANK|WORLD_SIZE) expected, but not set",
     "rendezvous (init_method)",
     "Without init_method, init_process_group reads MASTER_ADDR, MASTER_PORT, RANK and "
     "WORLD_SIZE from the environment (env://), and only torchrun sets them. Pass the "
     "init_method you are given."),
    (r"device_ids and output_device arguments only work with single-device",
     "DDP on the CPU",
     "device_ids=[i] is for a model on GPU i. Wrap a CPU model with DDP(model), no device_ids."),
    (r"Default process group has not been initialized",
     "the default process group",
     "Collectives, get_rank() and DistributedSampler without num_replicas need a group: call "
     "init_process_group first (and do not destroy it too early)."),
    (r"Cannot use ReduceOp\.AVG with Gloo|ReduceOp\.AVG",
     "all_reduce on gloo",
     "Gloo has no AVG: all_reduce with SUM, then divide by the world size or by the summed "
     "count."),
    (r"Expected to have finished reduction in the prior iteration",
     "DDP and unused parameters",
     "Every parameter must take part in the loss, or wrap with "
     "DDP(model, find_unused_parameters=True)."),
    (r"Cannot re-initialize CUDA in forked subprocess",
     "CUDA and forked processes",
     "Do not touch CUDA when the module is imported (not even torch.cuda.is_available() in "
     "a global); each rank sets up its own GPU."),
    (r"Distributed package doesn't have NCCL built in",
     "nccl needs GPUs",
     "nccl only exists in CUDA builds; use the backend you are given (gloo on the CPU)."),
]

_COMPILED = [(re.compile(p), Explanation(c, a)) for p, c, a in _KNOWN]


def explain(error_type: str, message: str) -> Explanation | None:
    """The concept behind a known PyTorch error message, or None."""
    for pattern, explanation in _COMPILED:
        if pattern.search(message):
            return explanation
    if error_type in ("SystemExit", "KeyboardInterrupt"):
        return Explanation("returning a value", "A graded function must return its result; "
                           "exiting or interrupting the process scores nothing.")
    return None
