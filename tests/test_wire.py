"""The sandbox data format: values round-trip, nothing else crosses, claims are verified."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from torchdojo.sandbox import wire


def roundtrip(value, args=()):
    sent = wire.pack_call(tuple(args), {})
    call = wire.unpack_call(wire.from_bytes(wire.to_bytes(sent)))
    result = wire.pack_result(value(*call.args) if callable(value) else value, call.storages)
    return wire.verify_sharing(wire.unpack_result(wire.from_bytes(wire.to_bytes(result))), sent)


def test_plain_data_round_trips():
    value = {"a": [1, 2.5, True, None, "s"], "t": (1, 2), 3: torch.Size([2, 3]),
             "d": torch.float16, "dev": torch.device("cpu")}
    assert roundtrip(value) == value


def test_tensor_properties_survive():
    x = torch.arange(6.0, requires_grad=True)
    (x * 2).sum().backward()
    got = roundtrip(x)
    assert got.requires_grad and got.is_leaf and got.shape == (6,)
    assert torch.equal(got.values, torch.arange(6.0))
    assert torch.equal(got.grad.values, torch.full((6,), 2.0))


def test_inputs_that_require_grad_arrive_as_leaves_that_require_grad():
    w = torch.arange(3.0, requires_grad=True)
    sent = wire.pack_call((w, torch.ones(2)), {})
    call = wire.unpack_call(wire.from_bytes(wire.to_bytes(sent)))
    got, plain = call.args
    assert got.requires_grad and got.is_leaf and not plain.requires_grad
    (got * 2).sum().backward()
    assert torch.equal(got.grad, torch.full((3,), 2.0)) and w.grad is None


def test_non_contiguous_inputs_arrive_as_views():
    x = torch.arange(6.0).reshape(2, 3).T
    got = roundtrip(lambda t: t, [x])
    assert got.stride == (1, 3) and not got.contiguous and got.shares == "args[0]"


def test_views_and_copies_are_told_apart():
    x = torch.arange(6.0).reshape(2, 3)
    assert roundtrip(lambda t: t.view(-1), [x]).shares == "args[0]"
    assert roundtrip(lambda t: t.reshape(-1).clone(), [x]).shares is None
    assert roundtrip(lambda a: torch.from_numpy(a), [np.arange(3.0)]).shares == "args[0]"


def test_forged_sharing_claims_are_dropped():
    x = torch.arange(6.0)
    sent = wire.pack_call((x,), {})
    forged = wire.pack_result(torch.zeros(6))
    forged.header["value"]["shares"] = "args[0]"
    value = wire.verify_sharing(wire.unpack_result(forged), sent)
    assert value.shares is None


@pytest.mark.parametrize("value, name", [
    (np.float64(1.5), "numpy.float64"),
    (torch.zeros(2).as_subclass(type("Sub", (torch.Tensor,), {})), "Sub"),
    (object(), "object"),
    (torch.zeros(2).to_sparse(), "sparse"),
])
def test_foreign_values_become_markers(value, name):
    got = roundtrip(value)
    assert isinstance(got, wire.Foreign) and name in got.type_name


def test_meta_tensors_carry_no_values():
    got = roundtrip(torch.empty(2, 3, device="meta"))
    assert got.device == "meta" and got.values is None and got.shape == (2, 3)


@pytest.mark.parametrize("data", [b"", b"\x00" * 8, b"\xff" * 40,
                                  (10).to_bytes(8, "little") + (0).to_bytes(8, "little") + b"{"])
def test_malformed_bytes_are_refused(data):
    with pytest.raises(wire.WireError):
        wire.from_bytes(data)


def test_oversized_results_are_refused():
    with pytest.raises(wire.WireError):
        wire.pack_result(torch.zeros(wire.MAX_TENSOR_BYTES // 4 + 1))


def test_malformed_headers_are_refused():
    for header in ({"value": {"t": "tensor"}}, {"value": {"t": "nope"}},
                   {"value": {"t": "dict", "items": [[[1], 2]]}}):
        with pytest.raises(wire.WireError):
            wire.unpack_result(wire.Message(header))
