"""Checks for `reshape_view`: views vs copies, contiguity, moving axes, batch-safe shapes."""

import torch

from torchdojo.checks import both, check, expect, expect_inputs_kept

MANUAL = "https://docs.pytorch.org/docs/stable/"  # the PyTorch manual
PAGES = MANUAL + "generated/"  # one page per function or class


def transposed(draw, rows, cols):
    """A (rows, cols) matrix that is a transposed view, so it is not contiguous."""
    return draw.tensor(cols, rows).T


@check(points=2, concept="view() needs contiguous memory", hints=[
    "Try your function on a transposed matrix, not only on a freshly created one.",
    "view() only works when the new shape fits the existing strides; after .t() or .permute() "
    "it raises. reshape() views when it can and copies when it must.",
    "return x.reshape(rows, -1)",
], docs=[PAGES + "torch.Tensor.view.html", PAGES + "torch.reshape.html"])
def reshape_any_layout(learner, ref, draw):
    rows, cols = draw.distinct_shape(2)
    for x in (draw.tensor(rows, cols), transposed(draw, rows, cols)):
        expect(*both(learner, ref, "as_rows", x, cols))


@check(points=1, concept="views share storage", hints=[
    "A view is a new tensor object over the same memory as its input.",
    "view(), reshape() and flatten() of a contiguous tensor return views; clone(), "
    "torch.tensor(...) and .tolist() round trips copy.",
    "return x.view(-1)",
], docs=MANUAL + "tensor_view.html")
def view_shares_storage(learner, ref, draw):
    x = draw.tensor(*draw.shape(3))
    expect(*both(learner, ref, "flat_view", x), storage=True, advice={
        "storage": "The result must be a view: x.view(-1) (or reshape/flatten on a contiguous "
                   "tensor) shares memory; clone() or torch.tensor() make a copy.",
    })


@check(points=1, concept="copies own their memory", hints=[
    "Whether reshape() copies depends on the input's layout, so it cannot promise a copy.",
    "On a contiguous tensor reshape(-1) and flatten() return views that share memory; "
    "clone() always copies.",
    "return x.reshape(-1).clone()",
], docs=PAGES + "torch.Tensor.clone.html")
def copy_is_independent(learner, ref, draw):
    rows, cols = draw.distinct_shape(2)
    for x in (draw.tensor(rows, cols), transposed(draw, rows, cols)):
        expect(*both(learner, ref, "flat_copy", x), storage=True, advice={
            "storage": "reshape() and flatten() only copy when they must; on a contiguous "
                       "input they return a view. Add .clone() to be sure of a copy.",
        })


@check(points=2, concept="contiguous() copies only when needed", hints=[
    "A contiguous tensor is already in row-major order; nothing needs to move.",
    "x.contiguous() returns x itself when it is contiguous and a row-major copy otherwise; "
    "clone() always copies.",
    "return x.contiguous()",
], docs=PAGES + "torch.Tensor.contiguous.html")
def contiguous_only_when_needed(learner, ref, draw):
    rows, cols = draw.distinct_shape(2)
    for x in (draw.tensor(rows, cols), transposed(draw, rows, cols)):
        expect(*both(learner, ref, "row_major", x), storage=True, contiguity=True, advice={
            "storage": "For a contiguous input, return it as it is (no copy); for a "
                       "non-contiguous one, a copy is unavoidable. x.contiguous() does both.",
        })


@check(points=2, concept="permute moves axes, reshape does not", hints=[
    "Compare a few pixel values before and after, not only the shapes.",
    "reshape() keeps the elements in memory order and only regroups them, so reshaping "
    "(N, H, W, C) to (N, C, H, W) scrambles pixels. permute() moves the axes.",
    "return images.permute(0, 3, 1, 2)",
], docs=PAGES + "torch.permute.html")
def permute_not_reshape(learner, ref, draw):
    n, h, w, c = draw.integer(1, 3), *draw.distinct_shape(3)
    images = torch.arange(n * h * w * c, dtype=torch.float32).reshape(n, h, w, c)
    expect(*both(learner, ref, "nhwc_to_nchw", images), advice={
        "values": "The shape is right but pixels moved: reshape/view regroup elements in "
                  "memory order. Use permute(0, 3, 1, 2) to move the channel axis.",
    })


@check(points=1, concept="transposing a batch of matrices", hints=[
    "Only the last two axes swap; the batch axis stays first.",
    ".T reverses all axes of a tensor with more than 2 dimensions.",
    "return batch.transpose(-2, -1)  (or batch.mT)",
], docs=PAGES + "torch.transpose.html")
def batch_transpose(learner, ref, draw):
    b, m, n = draw.distinct_shape(3)
    batch = draw.tensor(b, m, n)
    expect(*both(learner, ref, "swap_last_two", batch), advice={
        "shape": ".T on a 3-d tensor reverses every axis, (B, M, N) -> (N, M, B). Use "
                 "transpose(-2, -1) or .mT.",
    })


@check(points=2, concept="batch-size-agnostic shapes", hints=[
    "The last batch of an epoch is usually smaller than the others, and may hold one sample.",
    "Never hard-code the batch size, and keep it out of the -1: view(-1) flattens the batch "
    "axis too. The input may also be non-contiguous.",
    "return images.flatten(start_dim=1)  (or images.reshape(images.shape[0], -1))",
], docs=PAGES + "torch.flatten.html", errors={
    # A fixed batch size fails as a wrong element count; the lesson is the batch size.
    "reshaping keeps the element count": "The batch size is not fixed: the last batch of an "
                                         "epoch is smaller. Take it from the input: "
                                         "images.reshape(images.shape[0], -1), or "
                                         "images.flatten(start_dim=1).",
})
def flatten_smaller_last_batch(learner, ref, draw):
    c, h, w = draw.integer(1, 3), draw.integer(2, 4), draw.integer(2, 4)
    advice = {"shape": "Keep the batch axis: flatten(start_dim=1), or reshape(n, -1) with n "
                       "read from images.shape[0] (view(-1) flattens the batch too)."}
    for n in (32, draw.integer(2, 31), 1):
        images = draw.tensor(n, c, h, w)
        expect(*both(learner, ref, "flatten_batch", images), advice=advice)
    channels_last = draw.tensor(5, h, w, c + 1).permute(0, 3, 1, 2)
    expect(*both(learner, ref, "flatten_batch", channels_last),
           advice=advice)


@check(points=2, concept="merging axes after permute", hints=[
    "After permute() the tensor is not contiguous, so a merge of two axes needs a copy.",
    "view() cannot merge axes that are not adjacent in memory; reshape() (or .contiguous() "
    "before view) can.",
    "return x.permute(0, 2, 1, 3).reshape(B, T, H * D)",
], docs=PAGES + "torch.Tensor.view.html")
def merge_heads_after_permute(learner, ref, draw):
    b, h, t, d = draw.integer(1, 3), *draw.distinct_shape(3)
    x = draw.tensor(b, h, t, d)
    expect(*both(learner, ref, "merge_heads", x), advice={
        "values": "Each output row must concatenate the heads for one time step: permute "
                  "(B, H, T, D) to (B, T, H, D) before merging, not reshape directly.",
    })


@check(points=2, concept="batches of one", hints=[
    "Test with a batch that holds a single sample.",
    "squeeze() without a dim removes every axis of size 1, the batch axis included when "
    "N == 1. unsqueeze(0) adds a batch axis as a view.",
    "return scores.squeeze(1)  and  return sample.unsqueeze(0)",
], docs=PAGES + "torch.squeeze.html")
def batch_of_one(learner, ref, draw):
    classes = draw.integer(2, 6)
    for n in (1, draw.integer(2, 5)):
        scores = draw.tensor(n, 1, classes)
        expect(*both(learner, ref, "drop_middle_axis", scores), advice={
            "shape": "squeeze() with no dim also drops the batch axis when N == 1; name the "
                     "axis: squeeze(1).",
        })
    sample = draw.tensor(*draw.shape(3))
    expect(*both(learner, ref, "add_batch_axis", sample), storage=True)


@check(points=2, concept="never mutate the caller's input", hints=[
    "The caller still owns the tensor you were given and may use it after your function.",
    "In-place operations (sub_, -=, x[...] = ...) write into the caller's tensor, and so do "
    "in-place edits through a view of it.",
    "return x - x.mean(dim=0, keepdim=True)",
], docs=MANUAL + "tensor_view.html")
def input_left_unchanged(learner, ref, draw):
    rows, cols = draw.distinct_shape(2)
    for x in (draw.tensor(rows, cols), transposed(draw, rows, cols)):
        got, want = learner.call("center_columns", x, after=True), ref.call("center_columns", x)
        expect(got.value, want.value)
        expect_inputs_kept(got, want, advice="Your function changed the tensor it was given. "
                           "Compute a new tensor (x - mean) instead of an in-place update "
                           "(x -= mean, sub_).")
