"""Compare a learner's value with the reference's and say, like a TA would, what differs first.

Properties are compared in a fixed order: type, shape, dtype, device, requires_grad and grad,
storage sharing and contiguity (only where a check asks), then values with per-dtype tolerances
and the first differing index. The first difference raises ``Mismatch`` with a message and the
lesson for *that* property: what the check's author wrote for it, or a default that names its
own concept (a dtype that differs is a lesson about dtypes, whatever the check's headline).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch

from torchdojo.sandbox.wire import Foreign, TensorData

if TYPE_CHECKING:
    from torchdojo.sandbox.host import Reply

# (rtol, atol) per dtype, as torch.testing.assert_close uses them.
TOLERANCES = {
    torch.float16: (1e-3, 1e-5),
    torch.bfloat16: (1.6e-2, 1e-5),
    torch.float32: (1.3e-6, 1e-5),
    torch.float64: (1e-7, 1e-7),
}


@dataclass(frozen=True)
class Lesson:
    """What a way of failing teaches: the concept it is about, and what to try.

    Advice written as a plain string belongs to the check's own concept. A ``Lesson`` names
    another one, for a way of failing that the check's headline does not describe (forgetting
    ``zero_grad()`` inside a check about the GradScaler is a lesson about zeroing gradients).
    An empty ``concept`` means the check's own.
    """

    concept: str
    advice: str


Advice = str | Lesson

# The lesson of each property when a check says nothing about it. A property other than the
# values teaches its own concept: the check asked for numbers, and the form came back wrong.
LESSONS = {
    "shape": Lesson("shapes", "Check which dimensions each operation adds, removes or "
                              "reorders."),
    "dtype": Lesson("dtypes", "Pass dtype= when you create the tensor, or convert with "
                              ".to(dtype)."),
    "device": Lesson("devices", "Create new tensors on the input's device and move inputs "
                                "with .to(device)."),
    "requires_grad": Lesson("the autograd graph", "Only leaf tensors you create with "
                            "requires_grad=True are tracked, and results computed under "
                            "no_grad() or detach()ed are not; a result of tracked operations "
                            "on them requires grad."),
    "storage": Lesson("views and copies", "view() and reshape() on a contiguous tensor share "
                                          "its storage; clone() copies."),
    "contiguous": Lesson("contiguity", "transpose() and permute() give non-contiguous views; "
                                       ".contiguous() copies into row-major order."),
    "values": Lesson("", "The shape and dtype are right but the numbers are not: check the "
                         "operation."),
    "length": Lesson("", "Check how many items you return."),
}


def default_lesson(prop: str, got: Any = None, want: Any = None) -> Lesson:
    """The lesson of ``prop`` for a check that gave none, worded for how it differs."""
    if prop == "type":
        return Lesson("return types", _type_advice(type_name(want)))
    if prop == "grad":
        if want is not None and getattr(want, "grad", None) is None:
            return Lesson("gradients in .grad", "A .grad appeared that should not be there: "
                          "backward() stores gradients in the leaves' .grad (and adds to what "
                          "is there); torch.autograd.grad returns them instead.")
        return Lesson("gradients in .grad", "backward() fills .grad only for leaf tensors "
                      "that require grad and that the loss depends on.")
    return LESSONS.get(prop, LESSONS["values"])


def _type_advice(expected: str) -> str:
    if expected == "torch.Tensor":
        return "Return a plain torch.Tensor: not a list, a NumPy array, a Python number or a " \
               "Tensor subclass."
    if expected in ("float", "int", "bool"):
        return f"Return a Python {expected}: .item() turns a one-element tensor into a number."
    if expected == "None":
        return "Return nothing (None): the result of this function is what it changes."
    return f"Return a {expected}."


class Mismatch(AssertionError):
    """The learner's value differs from the reference's.

    ``subject`` names the value (``None``: the last learner call), ``path`` the part of it that
    differs (``"[0]"``, ``".grad"``), ``prop`` the property, ``advice`` what to try and
    ``concept`` what it teaches (empty: the check's own concept). ``advice`` may be given as a
    ``Lesson``, which sets both.
    """

    def __init__(self, detail: str, advice: Advice = "", prop: str = "values",
                 subject: str | None = None, path: str = "", diff: str = "",
                 concept: str = "") -> None:
        super().__init__(detail)
        if isinstance(advice, Lesson):
            concept, advice = concept or advice.concept, advice.advice
        self.detail = detail
        self.advice = advice
        self.concept = concept
        self.prop = prop
        self.subject = subject
        self.path = path
        self.diff = diff  # a few lines setting got beside expected, shown under the detail

    def teach(self, lesson: Advice) -> None:
        """Replace what this mismatch teaches (a check that knows better why it differs)."""
        if isinstance(lesson, Lesson):
            self.concept, self.advice = lesson.concept, lesson.advice
        else:
            self.concept, self.advice = "", lesson

    def describe(self, default_subject: str) -> str:
        subject = self.subject or default_subject
        # "f(x)[0]" reads as indexing a call; a described subject needs a colon before its path
        glue = ": " if self.path and not subject.endswith((")", "]")) else ""
        return f"{subject}{glue}{self.path} {self.detail}"


def expect(got: Any, want: Any, *, name: str | None = None,
           advice: Advice | dict[str, Advice] = "", rtol: float | None = None,
           atol: float | None = None, storage: bool = False, contiguity: bool = False,
           grad: bool = True) -> None:
    """Raise ``Mismatch`` at the first property where ``got`` differs from ``want``.

    ``advice`` says what each way of differing teaches, so the lesson follows the property that
    differed rather than the check's headline. One text (or ``Lesson``) is the lesson for wrong
    values (and a wrong number of items); a dict keys lessons by property (``"dtype"``) or by
    the path of the differing part (``"['loss']"``, longest prefix first), where a path's
    lesson holds for every property under it. A property without a lesson gets its default,
    which names its own concept ("dtypes", "shapes", ...).
    """
    comparer = _Comparer(name, advice, rtol, atol, storage, contiguity, grad)
    comparer.compare(got, want, "")


def expect_true(ok: bool, detail: str, advice: Advice = "", prop: str = "values",
                name: str | None = None) -> None:
    """For checks of a property rather than of a value: fail with ``detail`` unless ``ok``.

    A property check must never be the only thing a check grades: it passes wrong values, so
    compare them too (``expect``) before or after it."""
    if not ok:
        raise Mismatch(detail, advice or default_lesson(prop), prop, name)


def expect_inputs_kept(got: Reply, want: Reply, advice: Advice | dict[str, Advice],
                       **options: Any) -> None:
    """The arguments after the learner's call must equal the arguments after the reference's.

    Needs ``learner.call(..., after=True)`` and ``ref.call(...)``. ``options`` go to ``expect``
    (``grad=False`` when what is left in ``.grad`` is up to the learner).
    """
    try:
        expect(got.after, want.after, advice=advice, **options)
    except Mismatch as miss:
        head, _, rest = miss.path.partition("]")
        if head.startswith("[") and head[1:].isdigit():
            miss.subject, miss.path = f"argument {int(head[1:]) + 1} after the call", rest
        raise


def type_name(value: Any) -> str:
    if isinstance(value, TensorData):
        return "numpy.ndarray" if value.kind == "ndarray" else "torch.Tensor"
    if isinstance(value, Foreign):
        return value.type_name
    if value is None:
        return "None"
    if isinstance(value, (torch.dtype, torch.device, torch.Size)):
        return f"torch.{type(value).__name__}"
    return type(value).__name__


def input_name(path: str) -> str:
    """'args[0]' -> 'the input', 'args[1]' -> 'argument 2', "kwargs['x']" -> 'argument x'."""
    if path == "args[0]":
        return "the input"
    if path.startswith("args[") and path[5:-1].isdigit():
        return f"argument {int(path[5:-1]) + 1}"
    if path.startswith("kwargs['"):
        return f"argument {path[8:].split(chr(39))[0]}"
    return path


def show_shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


class _Comparer:
    def __init__(self, name: str | None, advice: Advice | dict[str, Advice], rtol: float | None,
                 atol: float | None, storage: bool, contiguity: bool, grad: bool) -> None:
        self.name = name
        self.advice = advice
        self.rtol, self.atol = rtol, atol
        self.storage, self.contiguity, self.grad = storage, contiguity, grad

    def fail(self, prop: str, path: str, detail: str, diff: str = "", got: Any = None,
             want: Any = None) -> None:
        raise Mismatch(detail, self._lesson(prop, path, got, want), prop, self.name, path, diff)

    def _lesson(self, prop: str, path: str, got: Any, want: Any) -> Advice:
        """Advice keyed by path (longest matching prefix), then by property; a single advice
        for the values; otherwise the property's default lesson."""
        if isinstance(self.advice, dict):
            paths = [k for k in self.advice if k.startswith("[") and path.startswith(k)]
            if paths:
                return self.advice[max(paths, key=len)]
            if self.advice.get(prop):
                return self.advice[prop]
        elif self.advice and prop in ("values", "length"):
            return self.advice
        return default_lesson(prop, got, want)

    def compare(self, got: Any, want: Any, path: str) -> None:
        if isinstance(got, Foreign) and not isinstance(want, Foreign):
            # named by the learner's code, which can give any class any name: never data
            self.fail("type", path, f"is a {type_name(got)} object that is not plain data; "
                                    f"expected a {type_name(want)}.")
        if type_name(got) != type_name(want):
            self.fail("type", path, f"is a {type_name(got)}; expected a {type_name(want)}.",
                      got=got, want=want)
        if isinstance(want, TensorData):
            self.tensor(got, want, path)
        elif isinstance(want, (list, tuple)):
            self.sequence(got, want, path)
        elif isinstance(want, dict):
            self.mapping(got, want, path)
        elif isinstance(want, float):
            self.number(got, want, path)
        elif got != want:
            self.fail("values", path, f"is {got!r}; expected {want!r}.")

    def sequence(self, got: Any, want: Any, path: str) -> None:
        if len(got) != len(want):
            self.fail("length", path, f"has {len(got)} items; expected {len(want)}.")
        for i, (g, w) in enumerate(zip(got, want, strict=False)):
            self.compare(g, w, f"{path}[{i}]")

    def mapping(self, got: dict, want: dict, path: str) -> None:
        missing = [k for k in want if k not in got]
        extra = [k for k in got if k not in want]
        if missing or extra:
            parts = [f"is missing keys {missing}" if missing else "",
                     f"has unexpected keys {extra}" if extra else ""]
            self.fail("length", path, " and ".join(p for p in parts if p) + ".")
        for k in want:
            self.compare(got[k], want[k], f"{path}[{k!r}]")

    def number(self, got: float, want: float, path: str) -> None:
        rtol = self.rtol if self.rtol is not None else 1e-6
        atol = self.atol if self.atol is not None else 1e-6
        same = (math.isnan(got) and math.isnan(want)) or math.isclose(
            got, want, rel_tol=rtol, abs_tol=atol)
        if not same:
            self.fail("values", path, f"is {got:.6g}; expected {want:.6g}.")

    def tensor(self, got: TensorData, want: TensorData, path: str) -> None:
        if got.shape != want.shape:
            self.fail("shape", path, f"has shape {show_shape(got.shape)}; "
                                     f"expected {show_shape(want.shape)}.", summaries(got, want))
        if got.dtype != want.dtype:
            self.fail("dtype", path, f"has dtype {got.dtype}; expected {want.dtype}.",
                      summaries(got, want))
        if got.device_type != want.device_type:
            self.fail("device", path, f"is on device {got.device}; expected {want.device}.",
                      summaries(got, want))
        if got.requires_grad != want.requires_grad:
            state = "requires" if got.requires_grad else "does not require"
            self.fail("requires_grad", path,
                      f"{state} grad; expected requires_grad={want.requires_grad}.")
        if self.grad and (got.grad is None) != (want.grad is None):
            has = "has a .grad" if got.grad is not None else "has no .grad"
            self.fail("grad", path, f"{has}; expected "
                                    f"{'a gradient' if want.grad is not None else 'none'}.",
                      got=got, want=want)
        if self.storage and (got.shares is None) != (want.shares is None):
            if want.shares:
                self.fail("storage", path, f"is a copy; expected a view that shares storage "
                                           f"with {input_name(want.shares)}.")
            self.fail("storage", path, f"shares storage with {input_name(got.shares)}; "
                                       f"expected an independent copy.")
        if self.contiguity and got.contiguous != want.contiguous:
            state = "contiguous" if got.contiguous else "not contiguous"
            self.fail("contiguous", path, f"is {state}; expected "
                                          f"{'contiguous' if want.contiguous else 'not'}.")
        self.values(got, want, path)
        if self.grad and got.grad is not None and want.grad is not None:
            self.tensor(got.grad, want.grad, f"{path}.grad")

    def values(self, got: TensorData, want: TensorData, path: str) -> None:
        if got.values is None or want.values is None:  # meta tensors carry no data
            return
        g, w = got.values, want.values
        if g.dtype.is_floating_point:
            rtol, atol = TOLERANCES.get(g.dtype, (1e-6, 1e-6))
            rtol = self.rtol if self.rtol is not None else rtol
            atol = self.atol if self.atol is not None else atol
            close = torch.isclose(g.double(), w.double(), rtol=rtol, atol=atol, equal_nan=True)
        else:
            close = g == w
        if bool(close.all()):
            return
        differing = torch.nonzero(~close)
        index = tuple(differing[0].tolist())
        at = f" at index {index}" if index else ""
        wrong = int((~close).sum())
        self.fail("values", path, f"differs from the expected values in {wrong} of "
                                  f"{close.numel()} elements; first{at}: got {_item(g, index)}, "
                                  f"expected {_item(w, index)}.", side_by_side(g, w, differing))


def _item(t: torch.Tensor, index: tuple) -> str:
    value = t[index].item() if index else t.item()
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


# ----------------------------------------------------------------------------- diffs
# A few lines under a mismatch that set what came back beside what was expected. They stay
# short: a learner reads them in a terminal, and a report may hold one per check.

DIFF_ROWS = 3
PREVIEW_ITEMS = 4


def summaries(got: TensorData, want: TensorData) -> str:
    """'got' and 'expected' lines: shape, dtype, device and the first few values of each."""
    rows = [("got", got), ("expected", want)]
    return "\n".join(f"  {label:<9} {_summary(t)}" for label, t in rows)


def _summary(t: TensorData) -> str:
    kind = "array" if t.kind == "ndarray" else "tensor"
    dtype = str(t.dtype).removeprefix("torch.")
    text = f"{kind} {show_shape(t.shape)} {dtype} on {t.device}"
    if t.values is not None and t.values.ndim == 0:
        text += f"  {_number_text(t.values.item())}"
    elif t.values is not None and t.values.numel():
        flat = t.values.reshape(-1)[:PREVIEW_ITEMS].tolist()
        more = ", …" if t.values.numel() > PREVIEW_ITEMS else ""
        text += f"  [{', '.join(_number_text(v) for v in flat)}{more}]"
    return text


def side_by_side(got: torch.Tensor, want: torch.Tensor, differing: torch.Tensor) -> str:
    """A small table of the first differing elements, with the largest difference below."""
    if len(differing) <= 1:
        return ""  # the detail line already shows the one value
    numeric = got.dtype != torch.bool
    rows = [("index", "got", "expected", "difference")[: 3 + numeric]]
    for position in differing[:DIFF_ROWS].tolist():
        index = tuple(position)
        cells = (str(index), _number_text(got[index].item()), _number_text(want[index].item()))
        rows.append(cells + ((_difference(got[index], want[index]),) if numeric else ()))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    rest = len(differing) - DIFF_ROWS
    if rest > 0:
        lines.append(f"  … {rest} more differ{_largest(got, want, differing)}")
    return "\n".join(lines)


def _difference(got: torch.Tensor, want: torch.Tensor) -> str:
    delta = (got.double() - want.double()).item()
    if not math.isfinite(delta):
        return str(delta)
    return f"{delta:+.3g}" if got.dtype.is_floating_point else f"{int(delta):+d}"


def _largest(got: torch.Tensor, want: torch.Tensor, differing: torch.Tensor) -> str:
    if got.dtype == torch.bool:
        return ""
    delta = (got.double() - want.double()).abs().nan_to_num(nan=math.inf)
    index = tuple(torch.nonzero(delta == delta.max())[0].tolist())
    if index in [tuple(p) for p in differing[:DIFF_ROWS].tolist()]:
        return ""
    return (f"; largest difference at {index}: got {_number_text(got[index].item())}, "
            f"expected {_number_text(want[index].item())}")


def _number_text(value: object) -> str:
    """Floats keep a decimal point (0.0, not 0), so a dtype difference shows in the values."""
    if not isinstance(value, float):
        return repr(value)
    return f"{value:.1f}" if value.is_integer() and abs(value) < 1e6 else f"{value:.4g}"
