#!/usr/bin/env python3
"""Record CPython asynchat call traces for the shim's differential tests.

Drives the real `asynchat.async_chat` (CPython 3.11 still ships it) over a scripted socket:
random recv chunkings, terminator sequences (bytes incl. multi-byte and self-overlapping ones,
integers incl. 0, None, empty bytes), terminator changes / pushes / closes / exceptions inside
found_terminator, partial sends, producers, and EOF. Every call the handler sees is recorded,
and the result is committed as JSON so that the TypeScript tests need no Python:

    python3 scripts/vectors/generate.py            # writes fixtures/shim-vectors/asynchat-traces.json
    python3 scripts/vectors/generate.py --check    # regenerates in memory, fails if the file differs

Trace items:
    ["C", hex]          collect_incoming_data(data)
    ["F", terminator]   found_terminator(); the terminator is get_terminator() at entry
    ["X"]               handle_close()  (the probe then calls close())
    ["E"]               handle_error()  (the probe then calls handle_close())
    ["S", hex, n]       send(data) on the socket, which accepted n bytes
Terminators in JSON: {"bytes": hex} | {"int": n} | {"bool": b} | null.
Events: "r" = one read event (asyncore.read), "w" = one write event (asyncore.write).
"""
import argparse
import json
import os
import random
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import asynchat  # noqa: E402
import asyncore  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "..", "..", "fixtures", "shim-vectors", "asynchat-traces.json")
SEED = 20260311
RANDOM_CASES = 420
MAX_ROUNDS = 400


class ScriptError(Exception):
    """Raised by scripted actions; the shim's replay raises an Error with this name."""


def encode_terminator(term):
    if term is None:
        return None
    if isinstance(term, bool):
        return {"bool": term}
    if isinstance(term, int):
        return {"int": term}
    return {"bytes": bytes(term).hex()}


def decode_terminator(value):
    if value is None:
        return None
    if "bool" in value:
        return value["bool"]
    if "int" in value:
        return value["int"]
    return bytes.fromhex(value["bytes"])


class ScriptedSocket:
    """recv() returns the listed chunks (cut to n), then b'' (EOF); send() accepts per `caps`."""

    def __init__(self, chunks, caps, trace):
        self.chunks = [bytes.fromhex(c) for c in chunks]
        self.caps = list(caps)
        self.trace = trace
        self.eof_delivered = False

    def fileno(self):
        return 1000

    def setblocking(self, flag):
        pass

    def getpeername(self):
        return ("127.0.0.1", 1)

    def recv(self, n):
        if not self.chunks:
            self.eof_delivered = True
            return b""
        chunk = self.chunks[0]
        if len(chunk) > n:
            self.chunks[0] = chunk[n:]
            return chunk[:n]
        self.chunks.pop(0)
        return chunk

    def send(self, data):
        cap = self.caps.pop(0) if self.caps else None
        n = len(data) if cap is None else min(cap, len(data))
        self.trace.append(["S", bytes(data).hex(), n])
        return n

    def close(self):
        pass

    def input_pending(self, eof_allowed):
        return bool(self.chunks) or (eof_allowed and not self.eof_delivered)


class Probe(asynchat.async_chat):
    def __init__(self, sock, map, case, trace):
        self.case = case
        self.trace = trace
        self.found_calls = 0
        self.collect_calls = 0
        asynchat.async_chat.__init__(self, sock, map)
        self.ac_in_buffer_size = case["ac_in_buffer_size"]
        self.ac_out_buffer_size = case["ac_out_buffer_size"]
        self.set_terminator(decode_terminator(case["terminator"]))

    def collect_incoming_data(self, data):
        self.collect_calls += 1
        if self.case.get("raise_in_collect") == self.collect_calls:
            raise ScriptError("collect %d" % self.collect_calls)
        self.trace.append(["C", bytes(data).hex()])

    def found_terminator(self):
        self.trace.append(["F", encode_terminator(self.get_terminator())])
        self.found_calls += 1
        for action in self.case["on_found"].get(str(self.found_calls), []):
            run_action(self, action)

    def handle_close(self):
        self.trace.append(["X"])
        self.close()

    def handle_error(self):
        self.trace.append(["E"])
        self.handle_close()


def run_action(channel, action):
    kind = action[0]
    if kind == "set":
        channel.set_terminator(decode_terminator(action[1]))
    elif kind == "push":
        channel.push(bytes.fromhex(action[1]))
    elif kind == "push_producer":
        channel.push_with_producer(asynchat.simple_producer(bytes.fromhex(action[1]), action[2]))
    elif kind == "push_bytes_producer":
        channel.push_with_producer(bytes.fromhex(action[1]))
    elif kind == "close_when_done":
        channel.close_when_done()
    elif kind == "close":
        channel.close()
    elif kind == "discard":
        channel.discard_buffers()
    elif kind == "raise":
        raise ScriptError("found %d" % channel.found_calls)
    else:
        raise AssertionError("unknown action %r" % (action,))


def describe_fifo(fifo):
    items = []
    for item in fifo:
        if item is None:
            items.append(None)
        elif isinstance(item, (bytes, bytearray, memoryview)):
            items.append({"bytes": bytes(item).hex()})
        else:
            items.append({"producer": bytes(item.data).hex()})
    return items


def run_case(case):
    trace = []
    socket_map = {}
    sock = ScriptedSocket(case["chunks"], case["send_caps"], trace)
    channel = Probe(sock, socket_map, case, trace)
    for action in case["setup"]:
        try:
            run_action(channel, action)
        except ScriptError:
            trace.append(["setup-raised"])
    events = []
    # Without eof_early, EOF arrives only once the output queue is idle, so write pacing shows.
    eof_allowed = case["eof_early"]
    for _ in range(MAX_ROUNDS):
        if 1000 not in socket_map:
            break
        progressed = False
        if sock.input_pending(eof_allowed):
            asyncore.read(channel)
            events.append("r")
            progressed = True
        if 1000 not in socket_map:
            break
        if channel.writable():
            asyncore.write(channel)
            events.append("w")
            progressed = True
        if not progressed:
            if eof_allowed:
                break
            eof_allowed = True
    result = dict(case)
    result["events"] = "".join(events)
    result["trace"] = trace
    result["final"] = {
        "ac_in_buffer": bytes(channel.ac_in_buffer).hex(),
        "terminator": encode_terminator(channel.terminator),
        "connected": bool(channel.connected),
        "in_map": 1000 in socket_map,
        "producer_fifo": describe_fifo(channel.producer_fifo),
    }
    return result


def case(name, terminator, chunks, *, in_size=65536, out_size=65536, on_found=None, setup=(),
         send_caps=(), raise_in_collect=None, eof_early=True):
    return {
        "name": name,
        "terminator": encode_terminator(terminator),
        "chunks": [c.hex() for c in chunks],
        "ac_in_buffer_size": in_size,
        "ac_out_buffer_size": out_size,
        "on_found": {str(k): v for k, v in (on_found or {}).items()},
        "setup": list(setup),
        "send_caps": list(send_caps),
        "raise_in_collect": raise_in_collect,
        "eof_early": eof_early,
    }


def T(term):
    return encode_terminator(term)


def named_cases():
    """The edge cases of the semantics reference (E1-E15, P-cases), one each."""
    return [
        case("E1 several messages in one recv", b"\n", [b"one\ntwo\nthree\n"]),
        case("E2 terminator split across reads", b"\r\n", [b"abc\r", b"\ndef\r\n"]),
        case("E2 whole buffer is a prefix", b"\r\n.\r\n", [b"\r\n.", b"\r", b"\nX\r\n.\r\n"]),
        case("E3 false prefix", b"\r\n", [b"a\r", b"b\r\n"]),
        case("E4 one-byte terminator never holds back", b"\n", [b"ab", b"c\n"]),
        case("E5 empty messages", b"\n", [b"\n\nx\n\n"]),
        case("E6 integer count-down across reads", 5, [b"ab", b"cd", b"efg", b"hij"]),
        case("E6 count then everything collected", 3, [b"abcdefgh"]),
        case("E7 terminator 0 collects everything", 0, [b"abc", b"def"]),
        case("E7 empty bytes terminator", b"", [b"abc", b"def"]),
        case("E8 None collects until close", None, [b"abc\n", b"def"]),
        case("E9 header then count then line in one recv", b"\n",
             [b"LEN 4\nbodyrest of line\nnext\n"],
             on_found={1: [["set", T(4)]], 2: [["set", T(b"\n")]]}),
        case("E9 switch to a longer terminator", b"\n", [b"a\nb\r\nc\r\n"],
             on_found={1: [["set", T(b"\r\n")]]}),
        case("E9 switch to None", b"\n", [b"a\nrest\nmore"], on_found={1: [["set", None]]}),
        case("E10 close inside found_terminator keeps parsing", b"\n", [b"a\nb\nc\n"],
             on_found={1: [["close"]]}),
        case("E10 close_when_done inside found_terminator", b"\n", [b"a\nb\n"],
             on_found={1: [["push", b"bye".hex()], ["close_when_done"]]}, eof_early=False),
        case("E10 push inside found_terminator sends at once", b"\n", [b"a\nb\n"],
             on_found={1: [["push", b"A".hex()]], 2: [["push", b"B".hex()]]}, eof_early=False),
        case("E11 exception in found_terminator", b"\n", [b"a\nb\nc\n"], on_found={1: [["raise"]]}),
        case("E11 exception in collect_incoming_data", b"\n", [b"abc\ndef\n"], raise_in_collect=2),
        case("E13 EOF drops the held prefix", b"\r\n", [b"abc\r"]),
        case("E13 EOF does not flush collected bytes", b"\n", [b"abc"]),
        case("E14 overlapping terminator ABABC", b"ABABC", [b"xABAB", b"ABC", b"ABABABC"]),
        case("E15 collect granularity follows recv chunks", b"\n", [b"abcdefgh\n"], in_size=3),
        case("P2 push(b'') sends b''", b"\n", [], setup=[["push", ""], ["push", b"x".hex()]], eof_early=False),
        case("P3 push longer than ac_out_buffer_size is sliced", b"\n", [],
             out_size=8, setup=[["push", (b"0123456789" * 3).hex()]], eof_early=False),
        case("P4 partial sends keep the tail at the head", b"\n", [],
             setup=[["push", b"abcdef".hex()], ["push", b"gh".hex()]], send_caps=[2, 0, 3, None], eof_early=False),
        case("P5 simple_producer pieces", b"\n", [],
             setup=[["push_producer", b"abcdefghij".hex(), 4]], eof_early=False),
        case("P6 bytes used as a producer", b"\n", [], out_size=4,
             setup=[["push_bytes_producer", b"abcdefghij".hex()]], eof_early=False),
        case("P9 close_when_done on an empty queue", b"\n", [b"a\n"], setup=[["close_when_done"]]),
        case("P10 push after close_when_done is never sent", b"\n", [],
             setup=[["push", b"a".hex()], ["close_when_done"], ["push", b"b".hex()]], eof_early=False),
        case("P13 discard_buffers drops the close marker", b"\n", [b"a\nbc"],
             on_found={1: [["close_when_done"], ["discard"]]}),
    ]


TERMINATOR_POOL = [b"\n", b"\r\n", b"qqq", b"ABABC", b"\r\n.\r\n", b"aa", b"\x00", b"xyzzy",
                   0, 1, 2, 3, 5, 8, 17, None, b"", True]


def random_bytes(rng, terminators, length):
    alphabet = bytearray(b"ab")
    for term in terminators:
        if isinstance(term, bytes):
            alphabet.extend(term)
    pieces = []
    while sum(len(p) for p in pieces) < length:
        roll = rng.random()
        if roll < 0.25:
            term = rng.choice([t for t in terminators if isinstance(t, bytes) and t] or [b"\n"])
            pieces.append(term if rng.random() < 0.7 else term[: rng.randint(1, len(term))])
        else:
            pieces.append(bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 6))))
    return b"".join(pieces)[:length]


def random_chunks(rng, data):
    if not data:
        return []
    style = rng.random()
    if style < 0.2:
        return [data]
    if style < 0.4:
        return [data[i:i + 1] for i in range(len(data))]
    cuts = sorted(rng.sample(range(1, len(data)), min(len(data) - 1, rng.randint(1, 12)))) if len(data) > 1 else []
    bounds = [0] + cuts + [len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:])]


def random_case(rng, index):
    terminators = rng.sample(TERMINATOR_POOL, rng.randint(1, 3))
    first = terminators[0]
    data = random_bytes(rng, terminators, rng.randint(0, 160))
    on_found = {}
    for call in range(1, 40):
        actions = []
        if len(terminators) > 1 and rng.random() < 0.35:
            actions.append(["set", encode_terminator(rng.choice(terminators))])
        if rng.random() < 0.12:
            actions.append(["push", bytes(rng.choice(b"pqrs") for _ in range(rng.randint(0, 9))).hex()])
        if rng.random() < 0.02:
            actions.append(["push_producer", b"PRODUCED-DATA".hex(), rng.randint(1, 6)])
        roll = rng.random()
        if roll < 0.015:
            actions.append(["close"])
        elif roll < 0.03:
            actions.append(["close_when_done"])
        elif roll < 0.045:
            actions.append(["raise"])
        elif roll < 0.05:
            actions.append(["discard"])
        if actions:
            on_found[call] = actions
    setup = []
    if rng.random() < 0.15:
        setup.append(["push", b"hello".hex()])
    send_caps = [rng.choice([None, 0, 1, 2, 3]) for _ in range(rng.randint(0, 6))] if rng.random() < 0.25 else []
    return case(
        "random %03d" % index,
        first,
        random_chunks(rng, data),
        in_size=rng.choice([65536, 65536, 65536, 1, 2, 3, 5, 7, 16]),
        out_size=rng.choice([65536, 65536, 65536, 3, 4]),
        on_found=on_found,
        setup=setup,
        send_caps=send_caps,
        raise_in_collect=rng.randint(1, 12) if rng.random() < 0.04 else None,
        eof_early=rng.random() < 0.5,
    )


def generate():
    rng = random.Random(SEED)
    cases = named_cases() + [random_case(rng, i) for i in range(RANDOM_CASES)]
    return {
        "generator": "scripts/vectors/generate.py",
        "python": sys.version.split()[0],
        "seed": SEED,
        "cases": [run_case(c) for c in cases],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed file differs")
    parser.add_argument("--output", default=OUTPUT)
    args = parser.parse_args()
    text = json.dumps(generate(), separators=(",", ":")).replace('{"name"', '\n{"name"') + "\n"
    if args.check:
        with open(args.output) as existing:
            if existing.read() != text:
                sys.exit("vectors differ from %s: regenerate them" % args.output)
        print("vectors up to date")
        return
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w") as out:
        out.write(text)
    print("wrote %d cases, %d bytes to %s" % (RANDOM_CASES + len(named_cases()), len(text), args.output))


if __name__ == "__main__":
    main()
