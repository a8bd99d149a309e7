"""Compare a learner's value with the reference's and say, like a TA would, what differs first.

Properties are compared in a fixed order: type, shape, dtype, device, requires_grad and grad,
storage sharing and contiguity (only where a check asks), then values with per-dtype tolerances
and the first differing index. The first difference raises ``Mismatch`` with a message and the
advice for that property; the plugin adds the concept the check grades.
"""

from __future__ import annotations

import math
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

ADVICE = {
    "type": "Return a plain torch.Tensor: not a list, a NumPy array or a Tensor subclass.",
    "shape": "Check which dimensions each operation adds, removes or reorders.",
    "dtype": "Pass dtype= when you create the tensor, or convert with .to(dtype).",
    "device": "Create new tensors on the input's device and move inputs with .to(device).",
    "requires_grad": "Only leaf tensors you create with requires_grad=True are tracked; "
                     "results of no_grad() or detach() are not.",
    "grad": "Gradients accumulate in .grad until you zero them.",
    "storage": "view() and reshape() on a contiguous tensor share its storage; clone() copies.",
    "contiguous": "transpose() and permute() give non-contiguous views; .contiguous() copies "
                  "into row-major order.",
    "values": "The shape and dtype are right but the numbers are not: check the operation.",
    "length": "Check how many items you return.",
}


class Mismatch(AssertionError):
    """The learner's value differs from the reference's.

    ``subject`` names the value (``None``: the last learner call), ``path`` the part of it that
    differs (``"[0]"``, ``".grad"``), ``prop`` the property, ``advice`` what to try.
    """

    def __init__(self, detail: str, advice: str = "", prop: str = "values",
                 subject: str | None = None, path: str = "", diff: str = "") -> None:
        super().__init__(detail)
        self.detail = detail
        self.advice = advice
        self.prop = prop
        self.subject = subject
        self.path = path
        self.diff = diff  # a few lines setting got beside expected, shown under the detail

    def describe(self, default_subject: str) -> str:
        subject = self.subject or default_subject
        # "f(x)[0]" reads as indexing a call; a described subject needs a colon before its path
        glue = ": " if self.path and not subject.endswith((")", "]")) else ""
        return f"{subject}{glue}{self.path} {self.detail}"


def expect(got: Any, want: Any, *, name: str | None = None, advice: str | dict[str, str] = "",
           rtol: float | None = None, atol: float | None = None, storage: bool = False,
           contiguity: bool = False, grad: bool = True) -> None:
    """Raise ``Mismatch`` at the first property where ``got`` differs from ``want``.

    ``advice`` is one text, or a dict keyed by property (``"dtype"``) or by the path of the
    differing part (``"['loss']"``), so each way of being wrong gets its own lesson.
    """
    comparer = _Comparer(name, advice, rtol, atol, storage, contiguity, grad)
    comparer.compare(got, want, "")


def expect_true(ok: bool, detail: str, advice: str = "", prop: str = "values",
                name: str | None = None) -> None:
    """For checks of a property rather than of a value: fail with ``detail`` unless ``ok``."""
    if not ok:
        raise Mismatch(detail, advice or ADVICE.get(prop, ""), prop, name)


def expect_inputs_kept(got: Reply, want: Reply, advice: str | dict[str, str],
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
    def __init__(self, name: str | None, advice: str | dict[str, str], rtol: float | None,
                 atol: float | None, storage: bool, contiguity: bool, grad: bool) -> None:
        self.name = name
        self.advice = advice
        self.rtol, self.atol = rtol, atol
        self.storage, self.contiguity, self.grad = storage, contiguity, grad

    def fail(self, prop: str, path: str, detail: str, diff: str = "") -> None:
        raise Mismatch(detail, self._advice(prop, path), prop, self.name, path, diff)

    def _advice(self, prop: str, path: str) -> str:
        """Advice keyed by path (longest matching prefix), then by property, then the default."""
        if not isinstance(self.advice, dict):
            return self.advice or ADVICE.get(prop, "")
        paths = [k for k in self.advice if k.startswith("[") and path.startswith(k)]
        if paths:
            return self.advice[max(paths, key=len)]
        return self.advice.get(prop) or ADVICE.get(prop, "")

    def compare(self, got: Any, want: Any, path: str) -> None:
        if isinstance(got, Foreign) and not isinstance(want, Foreign):
            # named by the learner's code, which can give any class any name: never data
            self.fail("type", path, f"is a {type_name(got)} object that is not plain data; "
                                    f"expected a {type_name(want)}.")
        if type_name(got) != type_name(want):
            self.fail("type", path, f"is a {type_name(got)}; expected a {type_name(want)}.")
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
                                    f"{'a gradient' if want.grad is not None else 'none'}.")
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
