"""CPython 3.11 asynchat reference server for scripts/bench/shim-bulk.mjs.

Listens on 127.0.0.1 (ephemeral port) with an asyncore dispatcher, prints 'PORT <n>', then serves
--connections connections, one after the other. Each accepted connection gets the whole payload
(--mebibytes MiB, the same bytes as the Node servers: little-endian uint32 words counting up from
0) from an async_chat with default buffers (ac_out_buffer_size = 65536), then close_when_done():
  --mode push            : push() of every 1 MiB piece (asynchat slices each into 64 KiB copies)
  --mode simple-producer : push_with_producer(simple_producer(memoryview(payload), 65536));
                           a memoryview, because simple_producer on bytes copies the whole rest
                           for every piece (quadratic)
  --mode custom-producer : a producer whose more() returns the next 64 KiB bytes slice (medusa's
                           style)
When the channel closes it prints one JSON line {"cpu": <process CPU seconds since accept>,
"sends": <send() calls>}. Same protocol as the Node servers of shim-bulk.mjs.
"""
import argparse
import array
import json
import sys
import time
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import asynchat  # noqa: E402
import asyncore  # noqa: E402
import socket  # noqa: E402

MIB = 1024 * 1024
SLICE = 65536


def build_payload(mebibytes):
    words = array.array("I", range(mebibytes * MIB // 4))
    if sys.byteorder != "little":
        words.byteswap()
    return words.tobytes()


class SliceProducer:
    """medusa-style producer: the next 64 KiB of the payload, as a bytes slice."""

    def __init__(self, data):
        self.data = data
        self.offset = 0

    def more(self):
        piece = self.data[self.offset:self.offset + SLICE]
        self.offset += len(piece)
        return piece


class BulkHandler(asynchat.async_chat):
    def __init__(self, sock, channels, mode, payload, pieces):
        asynchat.async_chat.__init__(self, sock, channels)
        self.set_terminator(None)
        self.cpu_start = time.process_time()
        self.sends = 0
        self.reported = False
        if mode == "push":
            for piece in pieces:
                self.push(piece)
        elif mode == "simple-producer":
            self.push_with_producer(asynchat.simple_producer(memoryview(payload), SLICE))
        else:
            self.push_with_producer(SliceProducer(payload))
        self.close_when_done()

    def collect_incoming_data(self, data):
        pass

    def found_terminator(self):
        pass

    def send(self, data):
        self.sends += 1
        return asynchat.async_chat.send(self, data)

    def close(self):
        if not self.reported:
            self.reported = True
            print(json.dumps({"cpu": time.process_time() - self.cpu_start, "sends": self.sends}), flush=True)
        asynchat.async_chat.close(self)


class Listener(asyncore.dispatcher):
    def __init__(self, channels, mode, connections, payload):
        asyncore.dispatcher.__init__(self, map=channels)
        self.create_socket(socket.AF_INET, socket.SOCK_STREAM)
        self.set_reuse_addr()
        self.bind(("127.0.0.1", 0))
        self.listen(5)
        self.channels = channels
        self.mode = mode
        self.payload = payload
        # The 1 MiB pieces exist before the timed connections, as the Node servers' views do.
        self.pieces = [payload[offset:offset + MIB] for offset in range(0, len(payload), MIB)]
        self.remaining = connections

    def handle_accepted(self, sock, addr):
        BulkHandler(sock, self.channels, self.mode, self.payload, self.pieces)
        self.remaining -= 1
        if self.remaining == 0:
            self.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("push", "simple-producer", "custom-producer"), required=True)
    parser.add_argument("--connections", type=int, required=True)
    parser.add_argument("--mebibytes", type=int, default=64)
    options = parser.parse_args()
    payload = build_payload(options.mebibytes)
    channels = {}
    listener = Listener(channels, options.mode, options.connections, payload)
    print("PORT %d" % listener.socket.getsockname()[1], flush=True)
    asyncore.loop(timeout=1.0, map=channels, count=10_000_000)


if __name__ == "__main__":
    main()
