"""The data format between the grading process and a sandbox: JSON plus safetensors, no pickle.

A message is a JSON header and a dict of plain tensors. Values are Python data (None, bool, int,
float, str, lists, tuples, dicts) plus tensors, NumPy arrays, dtypes, devices and sizes. Anything
else is sent as a ``Foreign`` marker naming its type, so a check can say what was expected.

Tensors going *to* a sandbox travel as their whole storage plus view geometry, so a transposed
input arrives as a real non-contiguous view. Tensors coming *back* travel as values plus the
geometry the sandbox saw and, when they share storage with an input, the path of that input.
The grading process checks such claims against the storage it sent (``verify_sharing``).
"""

from __future__ import annotations

import json
import re
import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

MAX_TENSOR_BYTES = 64 * 2**20
MAX_HEADER_BYTES = 8 * 2**20
MAX_TENSOR_HEADER = 4 * 2**20  # the safetensors header: names, dtypes, shapes, offsets
MAX_MESSAGE_BYTES = 16 + MAX_HEADER_BYTES + MAX_TENSOR_BYTES + MAX_TENSOR_HEADER
MAX_DEPTH = 24
MAX_ITEMS = 200_000
MAX_TENSORS = 20_000
MAX_DIMS = 64
MAX_DIGITS = 1000
_LONG_NUMBER = re.compile(rb"[0-9]{%d}" % (MAX_DIGITS + 1))

_DTYPES = {
    str(d).removeprefix("torch."): d
    for d in (
        torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
        torch.float16, torch.bfloat16, torch.float32, torch.float64,
    )
}
_PRIMITIVES = (type(None), bool, int, float, str)


class WireError(Exception):
    """A message that does not follow the format: too big, malformed or of a forbidden type."""


@dataclass(frozen=True)
class Foreign:
    """A value of a type that may not cross the boundary (a subclass, a module, an object)."""

    type_name: str

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


@dataclass(frozen=True)
class TensorData:
    """What a tensor looked like where it was produced: values plus the properties checks grade."""

    dtype: torch.dtype
    shape: tuple[int, ...]
    device: str
    values: torch.Tensor | None  # a plain, contiguous CPU tensor; None on the meta device
    requires_grad: bool = False
    is_leaf: bool = True
    grad_fn: str | None = None
    grad: TensorData | None = None
    stride: tuple[int, ...] = ()
    offset: int = 0
    contiguous: bool = True
    shares: str | None = None  # path of the input whose storage this tensor uses, e.g. "args[0]"
    parameter: bool = False
    kind: str = "tensor"  # "tensor" or "ndarray"

    @property
    def device_type(self) -> str:
        return self.device.split(":")[0]

    @property
    def ndim(self) -> int:
        return len(self.shape)


@dataclass
class Message:
    header: Any
    tensors: dict[str, torch.Tensor] = field(default_factory=dict)


# ----------------------------------------------------------------------------- framing


def to_bytes(msg: Message) -> bytes:
    head = json.dumps(msg.header, separators=(",", ":")).encode()
    body = st_save(msg.tensors) if msg.tensors else b""
    return struct.pack("<QQ", len(head), len(body)) + head + body


def from_bytes(data: bytes) -> Message:
    """Decode a message, refusing one whose decoding would cost more than a reply may: the
    sizes, the number of tensors and the tensors' header are checked before anything is built.
    """
    if len(data) < 16:
        raise WireError("truncated message")
    n_head, n_body = struct.unpack_from("<QQ", data)
    if n_head > MAX_HEADER_BYTES or n_body > MAX_TENSOR_BYTES + MAX_TENSOR_HEADER:
        raise WireError("message too large")
    if len(data) != 16 + n_head + n_body:
        raise WireError("message length does not match its frame")
    head, body = data[16 : 16 + n_head], memoryview(data)[16 + n_head:]
    if head.count(b",") > 4 * MAX_ITEMS:  # every item but the first of a list needs one
        raise WireError("the value has too many items")
    if _LONG_NUMBER.search(head):  # reading a number costs the square of its digits
        raise WireError(f"a number with more than {MAX_DIGITS} digits")
    if n_body:
        _check_tensor_header(body)
    try:
        header = json.loads(head)
        tensors = st_load(bytes(body)) if n_body else {}
    except Exception as exc:  # malformed bytes from an untrusted peer
        raise WireError(f"malformed message: {type(exc).__name__}") from None
    if any(type(t) is not torch.Tensor for t in tensors.values()):
        raise WireError("non-tensor entry in tensor block")
    return Message(header, tensors)


def _check_tensor_header(body: memoryview) -> None:
    """The safetensors header: small enough, and naming at most ``MAX_TENSORS`` tensors (many
    tiny tensors are cheap to send and slow to build)."""
    if len(body) < 8:
        raise WireError("truncated tensor block")
    (size,) = struct.unpack_from("<Q", body)
    if size > MAX_TENSOR_HEADER or 8 + size > len(body):
        raise WireError("the tensor block's header is too large")
    if bytes(body[8:8 + size]).count(b'"data_offsets"') > MAX_TENSORS:  # before parsing it
        raise WireError(f"more than {MAX_TENSORS} tensors in one message")
    try:
        entries = json.loads(bytes(body[8:8 + size]))
    except (ValueError, RecursionError):
        raise WireError("malformed tensor block header") from None
    if not isinstance(entries, dict) or len(entries) > MAX_TENSORS + 1:  # + __metadata__
        raise WireError(f"more than {MAX_TENSORS} tensors in one message")


# ----------------------------------------------------------------------------- storage keys


def _storage_key(t: torch.Tensor | np.ndarray) -> tuple[str, int] | None:
    if isinstance(t, np.ndarray):
        return ("cpu", t.__array_interface__["data"][0]) if t.size else None
    if t.device.type == "meta" or t.numel() == 0:
        return None
    return (str(t.device), t.untyped_storage().data_ptr())


# ----------------------------------------------------------------------------- arguments


class _ArgPacker:
    """Packs call arguments; tensors sharing a storage are sent as one base plus views."""

    def __init__(self) -> None:
        self.tensors: dict[str, torch.Tensor] = {}
        self.bases: dict[tuple[str, int], str] = {}

    def pack(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError("arguments nested too deeply")
        if isinstance(value, _PRIMITIVES):
            return value
        if isinstance(value, torch.Tensor):
            return self._tensor(value)
        if isinstance(value, np.ndarray):
            name = f"a{len(self.tensors)}"
            self.tensors[name] = torch.from_numpy(np.ascontiguousarray(value)).clone()
            return {"t": "ndarray", "id": name}
        if isinstance(value, (torch.dtype, torch.device)):
            return _pack_token(value)
        if isinstance(value, torch.Size):
            return {"t": "size", "items": list(value)}
        if isinstance(value, list):
            return [self.pack(v, depth + 1) for v in value]
        if isinstance(value, tuple):
            return {"t": "tuple", "items": [self.pack(v, depth + 1) for v in value]}
        if isinstance(value, dict):
            return {"t": "dict", "items": [[self.pack(k), self.pack(v, depth + 1)]
                                           for k, v in value.items()]}
        raise WireError(f"cannot send a {type(value).__name__} to the sandbox")

    def _tensor(self, t: torch.Tensor) -> dict:
        requires_grad = bool(t.requires_grad)  # read before detach(), which clears it
        t = t.detach()
        device = str(t.device)
        entry = {"t": "tensor", "dtype": _dtype_name(t.dtype), "shape": list(t.shape),
                 "device": device, "requires_grad": requires_grad}
        if t.device.type == "meta":
            return entry
        key = _storage_key(t)
        if key is None:
            entry.update(stride=list(t.stride()), offset=0, base=None)
            return entry
        if key not in self.bases:
            name = f"s{len(self.bases)}"
            self.bases[key] = name
            storage = t.untyped_storage()
            flat = torch.empty(0, dtype=t.dtype, device=t.device).set_(storage)
            self.tensors[name] = flat.cpu().clone()
        entry.update(stride=list(t.stride()), offset=t.storage_offset(), base=self.bases[key])
        return entry


def pack_call(args: tuple, kwargs: dict) -> Message:
    packer = _ArgPacker()
    header = {"args": [packer.pack(a) for a in args],
              "kwargs": {str(k): packer.pack(v) for k, v in kwargs.items()}}
    return Message(header, packer.tensors)


@dataclass
class Unpacked:
    """Arguments rebuilt on the receiving side, with a map from storage to input path."""

    args: list
    kwargs: dict
    storages: dict[tuple[str, int], str]
    tensors: list[tuple[str, torch.Tensor | np.ndarray]]


def unpack_call(msg: Message) -> Unpacked:
    bases: dict[str, torch.Tensor] = {}
    found: list[tuple[str, torch.Tensor | np.ndarray]] = []

    def build(node: Any, path: str) -> Any:
        if isinstance(node, list):
            return [build(v, f"{path}[{i}]") for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        kind = node.get("t")
        if kind == "tensor":
            t = _build_tensor(node, msg.tensors, bases)
            found.append((path, t))
            return t
        if kind == "ndarray":
            arr = msg.tensors[node["id"]].numpy().copy()
            found.append((path, arr))
            return arr
        if kind == "tuple":
            return tuple(build(v, f"{path}[{i}]") for i, v in enumerate(node["items"]))
        if kind == "dict":
            return {k: build(v, f"{path}[{k!r}]") for k, v in node["items"]}
        return _unpack_token(node)

    args = [build(a, f"args[{i}]") for i, a in enumerate(msg.header["args"])]
    kwargs = {k: build(v, f"kwargs[{k!r}]") for k, v in msg.header["kwargs"].items()}
    storages: dict[tuple[str, int], str] = {}
    for path, t in found:
        key = _storage_key(t)
        if key is not None:
            storages.setdefault(key, path)
    return Unpacked(args, kwargs, storages, found)


def _build_tensor(node: dict, blobs: dict, bases: dict) -> torch.Tensor:
    dtype = _DTYPES[node["dtype"]]
    shape = tuple(node["shape"])
    if node["device"] == "meta":
        t = torch.empty(shape, dtype=dtype, device="meta")
    elif node.get("base") is None:
        t = torch.empty_strided(shape, node["stride"], dtype=dtype, device=node["device"])
    else:
        name = node["base"]
        if name not in bases:
            bases[name] = blobs[name].clone().to(node["device"])
        t = bases[name].as_strided(shape, node["stride"], node["offset"])
    return t.detach().requires_grad_(node["requires_grad"])


# ----------------------------------------------------------------------------- results


class _ResultPacker:
    """Packs a returned value, describing tensors and refusing types that may not cross."""

    def __init__(self, storages: dict[tuple[str, int], str]) -> None:
        self.storages = storages
        self.tensors: dict[str, torch.Tensor] = {}
        self.items = 0
        self.bytes = 0

    def pack(self, value: Any, depth: int = 0) -> Any:
        self.items += 1
        if depth > MAX_DEPTH or self.items > MAX_ITEMS:
            raise WireError("the returned value is nested too deeply or has too many items")
        kind = type(value)
        if kind in _PRIMITIVES:
            return value
        if kind is torch.Tensor or kind is torch.nn.Parameter:
            return self._tensor(value)
        if kind is np.ndarray and value.dtype.kind in "biuf":
            return self._array(value)
        if kind is torch.dtype or kind is torch.device:
            return _pack_token(value)
        if kind is torch.Size:
            return {"t": "size", "items": [int(v) for v in value]}
        if kind is list:
            return [self.pack(v, depth + 1) for v in value]
        if kind is tuple:
            return {"t": "tuple", "items": [self.pack(v, depth + 1) for v in value]}
        if kind is dict or kind.__name__ == "OrderedDict" and kind.__module__ == "collections":
            items = [[self.pack(k, depth + 1), self.pack(v, depth + 1)] for k, v in value.items()]
            return {"t": "dict", "items": items}
        return {"t": "foreign", "type": _type_name(kind)}

    def _store(self, t: torch.Tensor) -> str:
        self.bytes += t.numel() * t.element_size()
        if self.bytes > MAX_TENSOR_BYTES:
            raise WireError("the returned tensors are larger than the grader accepts (64 MiB)")
        if len(self.tensors) >= MAX_TENSORS:
            raise WireError(f"the returned value holds more than {MAX_TENSORS} tensors")
        name = f"r{len(self.tensors)}"
        self.tensors[name] = t
        return name

    def _tensor(self, t: torch.Tensor) -> dict:
        if t.layout != torch.strided or _dtype_name(t.dtype) not in _DTYPES:
            return {"t": "foreign", "type": f"torch.Tensor ({t.layout}, {t.dtype})"}
        entry = {"t": "tensor", "dtype": _dtype_name(t.dtype), "shape": list(t.shape),
                 "device": str(t.device), "requires_grad": bool(t.requires_grad),
                 "is_leaf": bool(t.is_leaf), "stride": list(t.stride()),
                 "offset": int(t.storage_offset()), "contiguous": bool(t.is_contiguous()),
                 "parameter": type(t) is torch.nn.Parameter,
                 "grad_fn": type(t.grad_fn).__name__ if t.grad_fn is not None else None}
        key = _storage_key(t)
        if key is not None and key in self.storages:
            entry["shares"] = self.storages[key]
        if t.device.type != "meta":
            entry["values"] = self._store(t.detach().cpu().contiguous().clone())
        grad = t.grad if t.is_leaf else None
        if grad is not None and type(grad) is torch.Tensor:
            entry["grad"] = self._tensor(grad)
        return entry

    def _array(self, a: np.ndarray) -> dict:
        entry = {"t": "ndarray", "dtype": str(a.dtype), "shape": list(a.shape)}
        key = _storage_key(a)
        if key is not None and key in self.storages:
            entry["shares"] = self.storages[key]
        entry["values"] = self._store(torch.from_numpy(np.ascontiguousarray(a)).clone())
        return entry


def pack_result(value: Any, storages: dict[tuple[str, int], str] | None = None) -> Message:
    packer = _ResultPacker(storages or {})
    return Message({"value": packer.pack(value)}, packer.tensors)


def unpack_result(msg: Message) -> Any:
    """Rebuild a returned value as plain data; every tensor becomes a ``TensorData``.

    The value comes from an untrusted peer: its depth and number of items are bounded, and any
    malformed part is a ``WireError``.
    """
    try:
        return _Unpacker(msg.tensors).value(msg.header["value"], 0)
    except WireError:
        raise
    except Exception as exc:  # any shape of malformed header from an untrusted peer
        raise WireError(f"malformed value: {type(exc).__name__}") from None


class _Unpacker:
    def __init__(self, blobs: dict[str, torch.Tensor]) -> None:
        self.blobs = blobs
        self.items = 0

    def _count(self, depth: int) -> None:
        self.items += 1
        if depth > MAX_DEPTH or self.items > MAX_ITEMS:
            raise WireError("the value is nested too deeply or has too many items")

    def value(self, node: Any, depth: int) -> Any:
        self._count(depth)
        if type(node) in _PRIMITIVES:
            return node
        if type(node) is list:
            return [self.value(v, depth + 1) for v in node]
        if type(node) is not dict:
            raise WireError(f"unexpected node {type(node).__name__}")
        kind = node.get("t")
        if kind == "tensor":
            return self.tensor(node, depth)
        if kind == "ndarray":
            return self.array(node)
        if kind == "tuple":
            return tuple(self.value(v, depth + 1) for v in _list(node["items"]))
        if kind == "dict":
            out = {}
            for pair in _list(node["items"]):
                k, v = _list(pair)
                key = self.value(k, depth + 1)
                if type(key) not in _PRIMITIVES and not isinstance(key, tuple):
                    raise WireError("unhashable dict key")
                out[key] = self.value(v, depth + 1)
            return out
        if kind == "foreign":
            return Foreign(str(node["type"])[:200])
        return _unpack_token(node)

    def tensor(self, node: dict, depth: int) -> TensorData:
        self._count(depth)
        dtype = _DTYPES[node["dtype"]]
        shape = _ints(node["shape"])
        device = str(node["device"])[:100]
        values = None if device == "meta" else _blob(self.blobs, node.get("values"), dtype, shape)
        grad = node.get("grad")
        return TensorData(
            dtype=dtype, shape=shape, device=device, values=values,
            requires_grad=bool(node["requires_grad"]), is_leaf=bool(node["is_leaf"]),
            grad_fn=node.get("grad_fn") and str(node["grad_fn"])[:100],
            grad=self.tensor(_dict(grad), depth + 1) if grad is not None else None,
            stride=_ints(node["stride"]), offset=int(node["offset"]),
            contiguous=bool(node["contiguous"]), shares=_path(node.get("shares")),
            parameter=bool(node.get("parameter", False)),
        )

    def array(self, node: dict) -> TensorData:
        dtype = _ARRAY_DTYPES.get(node["dtype"]) if isinstance(node["dtype"], str) else None
        if dtype is None:
            raise WireError("unknown array dtype")
        shape = _ints(node["shape"])
        values = _blob(self.blobs, node.get("values"), dtype, shape)
        stride = tuple(values.stride())
        return TensorData(dtype=dtype, shape=shape, device="cpu", values=values, stride=stride,
                          shares=_path(node.get("shares")), kind="ndarray")


# NumPy dtype names a returned array may have, and the tensor dtype its values travel as.
_ARRAY_DTYPES = {name: torch.from_numpy(np.empty(0, dtype=name)).dtype for name in (
    "bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float16",
    "float32", "float64")}


def _list(node: Any) -> list:
    if type(node) is not list:
        raise WireError("malformed value")
    return node


def _dict(node: Any) -> dict:
    if type(node) is not dict:
        raise WireError("malformed value")
    return node


def _ints(node: Any) -> tuple[int, ...]:
    items = _list(node)
    if len(items) > MAX_DIMS or any(type(i) is not int for i in items):
        raise WireError("malformed shape")
    return tuple(items)


def _path(node: Any) -> str | None:
    """A sharing claim names an input (``args[0]``); anything else is no claim."""
    return node[:200] if isinstance(node, str) else None


def _blob(blobs: dict, name: Any, dtype: torch.dtype, shape: tuple) -> torch.Tensor:
    t = blobs.get(name) if isinstance(name, str) else None
    if t is None or t.dtype != dtype or tuple(t.shape) != shape:
        raise WireError("tensor values do not match their description")
    return t


# ----------------------------------------------------------------------------- sharing claims


def verify_sharing(value: Any, sent: Message) -> Any:
    """Drop sharing claims that the storage we sent cannot explain.

    A sandbox may claim an output is a view of input ``args[0]``. We sent that input's whole
    storage, so the claimed geometry applied to it must reproduce the returned values exactly.
    """
    bases = _bases_by_path(sent)

    def check(node: Any) -> Any:
        if isinstance(node, TensorData):
            return _checked(node, bases)
        if isinstance(node, list):
            return [check(v) for v in node]
        if isinstance(node, tuple):
            return tuple(check(v) for v in node)
        if isinstance(node, dict):
            return {k: check(v) for k, v in node.items()}
        return node

    return check(value)


def _checked(td: TensorData, bases: dict[str, torch.Tensor]) -> TensorData:
    if td.shares is None:
        return td
    base = bases.get(td.shares)
    honest = base is not None and td.values is not None and base.dtype == td.dtype
    if honest and td.kind == "tensor":
        try:
            view = base.as_strided(td.shape, td.stride, td.offset)
            honest = torch.equal(view, td.values) or bool(
                torch.equal(view.isnan(), td.values.isnan())
                and torch.equal(view.nan_to_num(), td.values.nan_to_num()))
        except RuntimeError:
            honest = False
    if honest:
        return td
    return TensorData(**{**td.__dict__, "shares": None})


def _bases_by_path(sent: Message) -> dict[str, torch.Tensor]:
    out: dict[str, torch.Tensor] = {}

    def walk(node: Any, path: str) -> None:
        if isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")
        elif isinstance(node, dict):
            kind = node.get("t")
            if kind == "tensor" and node.get("base"):
                out.setdefault(path, sent.tensors[node["base"]])
            elif kind == "ndarray":
                out.setdefault(path, sent.tensors[node["id"]].flatten())
            elif kind == "tuple":
                walk(node["items"], path)
            elif kind == "dict":
                for k, v in node["items"]:
                    walk(v, f"{path}[{k!r}]")

    for i, a in enumerate(sent.header["args"]):
        walk(a, f"args[{i}]")
    for k, v in sent.header["kwargs"].items():
        walk(v, f"kwargs[{k!r}]")
    return out


# ----------------------------------------------------------------------------- small tokens


def _dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _type_name(kind: type) -> str:
    module = getattr(kind, "__module__", "") or ""
    name = getattr(kind, "__qualname__", "") or "object"
    return f"{module}.{name}" if module not in ("builtins", "") else name


def _pack_token(value: torch.dtype | torch.device) -> dict:
    if isinstance(value, torch.dtype):
        return {"t": "dtype", "name": _dtype_name(value)}
    return {"t": "device", "name": str(value)}


def _unpack_token(node: dict) -> Any:
    kind = node.get("t")
    if kind == "dtype" and node.get("name") in _DTYPES:
        return _DTYPES[node["name"]]
    if kind == "device":
        return torch.device(str(node["name"]))
    if kind == "size":
        return torch.Size(_ints(node["items"]))
    raise WireError(f"unknown value kind {kind!r}")
