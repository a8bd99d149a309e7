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


# ----------------------------------------------------------------------------- decoding cost


def _framed(header: bytes, body: bytes = b"") -> bytes:
    import struct

    return struct.pack("<QQ", len(header), len(body)) + header + body


@pytest.mark.parametrize("data, says", [
    (_framed(b"[" * 100_000 + b"]" * 100_000), "malformed"),
    (_framed(b"[" + b"0," * (4 * wire.MAX_ITEMS + 1) + b"0]"), "too many items"),
    (_framed(b'{"value": ' + b"9" * (wire.MAX_DIGITS + 1) + b"}"), "digits"),
    (_framed(b"{}", b"\x10" + b"\x00" * 7 + b'{"a": "b"}'), "too large"),
])
def test_replies_that_cost_too_much_to_decode_are_refused_first(data, says):
    with pytest.raises(wire.WireError, match=says):
        wire.from_bytes(data)


def test_many_tiny_tensors_are_refused_before_they_are_built():
    import json
    import struct

    entries = {f"t{i}": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}
               for i in range(wire.MAX_TENSORS + 1)}
    head = json.dumps(entries).encode()
    with pytest.raises(wire.WireError, match="more than"):
        wire.from_bytes(_framed(b"{}", struct.pack("<Q", len(head)) + head))
    with pytest.raises(wire.WireError, match="more than"):
        wire.pack_result([torch.zeros(1) for _ in range(wire.MAX_TENSORS + 1)])


def test_values_are_bounded_in_items_and_claims_must_be_paths():
    items = {"value": list(range(wire.MAX_ITEMS + 1))}
    with pytest.raises(wire.WireError, match="too many items"):
        wire.unpack_result(wire.Message(items))
    sent = wire.pack_call((torch.arange(3.0),), {})
    claim = wire.pack_result(torch.arange(3.0))
    claim.header["value"]["shares"] = ["args[0]"]  # not a path: no claim at all
    assert wire.verify_sharing(wire.unpack_result(claim), sent).shares is None


# ----------------------------------------------------------------------------- deadlines


def _peer(act):
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    ours, theirs = ctx.Pipe()
    proc = ctx.Process(target=act, args=(theirs,))
    proc.start()
    theirs.close()
    return ours, proc


def _half_then_stop(conn):
    import os
    import signal

    os.write(conn.fileno(), (1000).to_bytes(4, "big") + b"x" * 10)
    os.kill(os.getpid(), signal.SIGSTOP)


def _announce_huge(conn):
    import os
    import time

    os.write(conn.fileno(), (2**31 - 1).to_bytes(4, "big"))
    time.sleep(30)


def test_a_reply_stopped_half_way_ends_at_the_deadline():
    from torchdojo.sandbox.channel import Channel, Stalled

    conn, proc = _peer(_half_then_stop)
    try:
        with pytest.raises(Stalled) as stalled:
            Channel(conn, 1 << 20).receive(0.5)
        assert stalled.value.started
    finally:
        proc.kill()
        proc.join()


def test_a_frame_larger_than_the_limit_is_refused_from_its_length():
    from torchdojo.sandbox.channel import Channel, TooLarge

    conn, proc = _peer(_announce_huge)
    try:
        with pytest.raises(TooLarge):
            Channel(conn, 1 << 20).receive(10)
    finally:
        proc.kill()
        proc.join()


def test_whole_messages_come_through_and_a_gone_peer_is_eof():
    from torchdojo.sandbox.channel import Channel, Stalled

    def chatty(conn):
        conn.send_bytes(b"one")
        conn.send_bytes(b"two" * 100_000)

    conn, proc = _peer(chatty)
    channel = Channel(conn, 1 << 20)
    assert channel.receive(30) == b"one" and channel.receive(30) == b"two" * 100_000
    proc.join()
    with pytest.raises(EOFError):
        channel.receive(5)
    idle, proc = _peer(_half_then_stop)
    try:  # a reader that never reads: writing gives up at the deadline
        with pytest.raises(Stalled):
            Channel(idle, 1 << 30).send(b"x" * (64 << 20), 0.5)
    finally:
        proc.kill()
        proc.join()
