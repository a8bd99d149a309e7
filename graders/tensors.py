"""Checks for `tensors`: creation, NumPy, dtypes, constants, random draws, attributes, matmul."""

import torch

from torchdojo.checks import both, check, expect

MANUAL = "https://docs.pytorch.org/docs/stable/"  # the PyTorch manual
PAGES = MANUAL + "generated/"  # one page per function or class


@check(points=1, concept="0-d tensors", hints=[
    "A scalar tensor has no dimensions at all: its shape is ().",
    "torch.Tensor(3) allocates an uninitialised vector of length 3; it does not wrap the "
    "number 3.",
    "Use torch.tensor(value, dtype=torch.float32).",
], docs=PAGES + "torch.tensor.html")
def scalar_is_0d(learner, ref, draw):
    for value in (draw.number(), float(draw.integer(2, 6))):
        expect(*both(learner, ref, "scalar", value), advice={
            "shape": "torch.Tensor(n) builds a vector of length n; torch.tensor(x) wraps x.",
        })


@check(points=2, concept="creating tensors from data", hints=[
    "The nesting of the list becomes the shape, and the values decide the dtype.",
    "torch.Tensor(...) always gives float32, even for integers; torch.tensor(...) infers "
    "the dtype from the data.",
    "return torch.tensor(data)",
], docs=PAGES + "torch.tensor.html")
def from_nested_data(learner, ref, draw):
    rows, cols, depth = draw.integer(2, 4), draw.integer(2, 4), draw.integer(2, 3)
    samples = [
        draw.number(),
        [draw.integer(-9, 9) for _ in range(cols)],
        draw.nested(rows, cols),
        [[[draw.integer(0, 9) for _ in range(cols)] for _ in range(rows)] for _ in range(depth)],
    ]
    for data in samples:
        expect(*both(learner, ref, "from_data", data), advice={
            "dtype": "Integers make an int64 tensor and floats a float32 one; torch.Tensor() "
                     "forces float32, torch.tensor() infers.",
        })


@check(points=1, concept="class labels are int64", hints=[
    "Loss functions such as CrossEntropyLoss take class indices as 64-bit integers.",
    "torch.Tensor([0, 1, 2]) is float32 even though the values are whole numbers.",
    "torch.tensor(labels, dtype=torch.int64)",
], docs=MANUAL + "tensor_attributes.html#torch-dtype")
def labels_are_int64(learner, ref, draw):
    labels = [draw.integer(0, 4) for _ in range(draw.integer(3, 8))]
    expect(*both(learner, ref, "labels_tensor", labels), advice={
        "dtype": "torch.Tensor(list) always builds float32, and CrossEntropyLoss then fails "
                 "with 'expected target dtype to be Long'. Ask for torch.int64.",
    })


@check(points=2, concept="NumPy memory sharing", hints=[
    "Some ways of building a tensor from an array reuse the array's memory; others copy it.",
    "torch.from_numpy and torch.as_tensor share memory with the array; torch.tensor copies.",
    "return torch.from_numpy(array)",
], docs=PAGES + "torch.from_numpy.html")
def numpy_shared(learner, ref, draw):
    array = draw.array(draw.integer(2, 4), draw.integer(2, 4))
    expect(*both(learner, ref, "share_numpy", array), storage=True, advice={
        "storage": "torch.tensor(array) always copies. torch.from_numpy(array) (or "
                   "torch.as_tensor) reuses the array's memory, so writes show in both.",
        "dtype": "Sharing memory means keeping the array's dtype (float64 here): any "
                 "conversion copies.",
    })


@check(points=1, concept="NumPy memory sharing", hints=[
    "A copy has the same values but its own memory.",
    "torch.from_numpy keeps using the array's memory, so a later write to the array leaks "
    "into the tensor.",
    "return torch.tensor(array)",
], docs=PAGES + "torch.tensor.html")
def numpy_copied(learner, ref, draw):
    array = draw.array(draw.integer(2, 4), draw.integer(2, 4))
    expect(*both(learner, ref, "copy_numpy", array), storage=True, advice={
        "storage": "torch.from_numpy and torch.as_tensor share the array's memory; "
                   "torch.tensor(array) copies it.",
    })


@check(points=1, concept="float64 leaking from NumPy", hints=[
    "NumPy's default float is float64, but layers hold float32 weights.",
    "Mixing them fails with 'mat1 and mat2 must have the same dtype'.",
    "torch.from_numpy(array).float()  (or .to(torch.float32))",
], docs=[PAGES + "torch.from_numpy.html", MANUAL + "tensor_attributes.html#torch-dtype"])
def numpy_features_float32(learner, ref, draw):
    array = draw.array(draw.integer(2, 5), draw.integer(2, 5))
    expect(*both(learner, ref, "features_from_numpy", array), advice={
        "dtype": "NumPy arrays are float64 by default; convert features with .float() "
                 "before they reach a float32 model.",
    })


@check(points=2, concept="*_like and new_* constructors", hints=[
    "These constructors copy properties of an existing tensor instead of using defaults.",
    "torch.zeros(x.shape) is float32 whatever x is; torch.zeros_like(x) keeps x's dtype and "
    "device, and x.new_full(shape, v) does the same for a new shape.",
    "torch.zeros_like(x) and x.new_full(shape, value)",
], docs=[PAGES + "torch.zeros_like.html", PAGES + "torch.Tensor.new_zeros.html"])
def like_and_new(learner, ref, draw):
    for dtype in (torch.float64, torch.int32):
        x = draw.tensor(*draw.shape(2), dtype=dtype)
        expect(*both(learner, ref, "zeros_like_input", x), advice={
            "dtype": "torch.zeros(x.shape) uses the default float32; zeros_like(x) keeps "
                     "x's dtype.",
        })
        shape = draw.shape(draw.integer(1, 3))
        value = draw.integer(-5, 5) if dtype == torch.int32 else draw.number()
        expect(*both(learner, ref, "new_filled", x, shape, value), advice={
            "dtype": "x.new_full(shape, value) (like new_zeros, new_ones) takes x's dtype; "
                     "torch.full infers its own.",
        })


@check(points=2, concept="constants and ranges", hints=[
    "Ranges differ in whether they include the end point, and constants infer their dtype "
    "from the fill value.",
    "arange stops before `end`; linspace includes both ends and takes a count; "
    "torch.full((2,), 3) is int64.",
    "torch.arange(start, end, step, dtype=torch.float32), torch.linspace(start, end, count), "
    "torch.full(shape, value, dtype=torch.float32)",
], docs=[PAGES + "torch.arange.html", PAGES + "torch.linspace.html", PAGES + "torch.full.html"])
def constants_and_ranges(learner, ref, draw):
    start = float(draw.integer(-3, 3))
    step = draw.choice([0.25, 0.5, 1.0])
    end = start + step * draw.integer(3, 9)
    expect(*both(learner, ref, "steps", start, end, step), advice={
        "shape": "torch.arange stops strictly before `end` (the end is excluded).",
    })
    count = draw.integer(3, 9)
    expect(*both(learner, ref, "evenly_spaced", start, end, count),
           advice={"shape": "linspace takes the number of points and includes both ends."})
    shape, value = draw.shape(2), draw.integer(1, 9)
    expect(*both(learner, ref, "full_of", shape, value), advice={
        "dtype": "torch.full infers int64 from an int fill value; pass dtype=torch.float32.",
    })


def probe_random(m, name, *args):
    import torch

    before = torch.random.get_rng_state()
    first = getattr(m, name)(*args)
    again = getattr(m, name)(*args)
    return {"values": first, "repeatable": again,
            "global_state_untouched": bool(torch.equal(before, torch.random.get_rng_state()))}


DRAWS = {"random_matrix": "torch.randn(rows, cols, generator=g)",
         "random_labels": "torch.randint(0, num_classes, (n,), generator=g)"}


def random_advice(name: str) -> dict[str, str]:
    """What each finding of ``probe_random`` teaches, naming the one draw ``name`` must make."""
    return {
        "['values']": f"{name} must return exactly what {DRAWS[name]} draws from a fresh "
                      "g = torch.Generator().manual_seed(seed): another kind of draw, another "
                      "generator or extra draws before it give other numbers.",
        "['repeatable']": "The same seed must give the same values every call: seed a fresh "
                          "generator inside the function.",
        "['global_state_untouched']": "torch.manual_seed changes the global generator that "
                                      "all other code shares; use your own torch.Generator "
                                      "instead.",
    }


@check(points=2, concept="random numbers from a generator", hints=[
    "Reproducible randomness comes from a seeded generator that belongs to your code.",
    "torch.manual_seed reseeds the global generator, which every other piece of code shares. "
    "A torch.Generator is private.",
    "g = torch.Generator().manual_seed(seed); torch.randn(rows, cols, generator=g); "
    "torch.randint(0, num_classes, (n,), generator=g)",
], docs=[PAGES + "torch.Generator.html", PAGES + "torch.randn.html", PAGES + "torch.randint.html"])
def random_with_generator(learner, ref, draw):
    rows, cols, seed = draw.integer(2, 5), draw.integer(2, 5), draw.seed_value()
    expect(*both(learner, ref, probe_random, "random_matrix", rows, cols, seed),
           name="random_matrix", advice=random_advice("random_matrix"))
    n, classes = draw.integer(20, 40), draw.integer(2, 5)
    expect(*both(learner, ref, probe_random, "random_labels", n, classes, seed),
           name="random_labels", advice=random_advice("random_labels"))


@check(points=1, concept="tensor attributes", hints=[
    "Every tensor carries its shape, dtype and device as attributes.",
    "x.shape is a torch.Size and x.dtype a torch.dtype; x.type() returns a string, and x.size "
    "without parentheses is a method.",
    'return {"shape": x.shape, "dtype": x.dtype, "device": x.device, "ndim": x.ndim, '
    '"numel": x.numel()}',
], docs=MANUAL + "tensor_attributes.html")
def attributes(learner, ref, draw):
    x = draw.tensor(*draw.shape(draw.integer(1, 3)), dtype=draw.choice(
        [torch.float32, torch.float64, torch.int64]))
    expect(*both(learner, ref, "describe", x), advice={
        "type": "Return the attributes themselves: x.shape, x.dtype, x.device are objects, "
                "not strings (x.type() gives a string).",
    })


@check(points=2, concept="matrix multiplication and transpose", hints=[
    "A matrix times its own transpose is a matrix product, not an element-wise one.",
    "`*` multiplies element by element; `@` (torch.matmul) is the matrix product, and .T "
    "swaps the two axes of a matrix.",
    "return matrix @ matrix.T",
], docs=PAGES + "torch.matmul.html", errors={
    # `*` where `@` was meant fails as a broadcasting error; the lesson is the matrix product.
    "broadcasting": "`*` multiplies element by element (broadcasting the shapes); the "
                    "matrix product is `@` (torch.matmul): matrix @ matrix.T.",
})
def matmul_transpose(learner, ref, draw):
    intro = torch.tensor([[1, 2, 3], [4, 5, 6]])
    expect(*both(learner, ref, "gram", intro), advice={
        "shape": "matrix @ matrix.T turns (m, n) into (m, m); matrix.T @ matrix gives (n, n).",
    })
    rows, cols = draw.distinct_shape(2)
    matrix = draw.tensor(rows, cols)
    expect(*both(learner, ref, "gram", matrix))


@check(points=1, concept="batched matrix multiplication", hints=[
    "The batch dimension stays; each pair of matrices is multiplied.",
    "torch.mm only takes 2-D matrices. `@` and torch.matmul broadcast over leading "
    "dimensions, and torch.bmm takes exactly 3-D.",
    "return a @ b",
], docs=PAGES + "torch.bmm.html")
def batched_matmul(learner, ref, draw):
    batch, m, k, n = draw.integer(2, 4), *draw.distinct_shape(3)
    a, b = draw.tensor(batch, m, k), draw.tensor(batch, k, n)
    expect(*both(learner, ref, "batch_matmul", a, b), rtol=1e-5, atol=1e-5)
