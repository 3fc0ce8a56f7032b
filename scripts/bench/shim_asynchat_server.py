"""CPython 3.11 asynchat reference receiver for scripts/bench/shim.mjs.

Listens on 127.0.0.1 (ephemeral port) with an asyncore dispatcher, prints 'PORT <n>', then serves
--connections connections, one after the other, with an async_chat line handler (terminator
b'\\n', default buffers: ac_in_buffer_size = ac_out_buffer_size = 65536):
  --mode count : count the lines
  --mode echo  : push(line + b'\\n') for every line
At EOF the handler prints one JSON line {"frames", "bytes", "reads", "writes", "cpu"} (reads =
handle_read calls, writes = socket send calls, cpu = process CPU seconds since accept) and closes. Same protocol as the Node receivers of shim.mjs.
"""
import argparse
import json
import time
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import asynchat  # noqa: E402
import asyncore  # noqa: E402
import socket  # noqa: E402


class LineHandler(asynchat.async_chat):
    def __init__(self, sock, channels, mode):
        asynchat.async_chat.__init__(self, sock, channels)
        self.set_terminator(b"\n")
        self.echo = mode == "echo"
        self.parts = []
        self.frames = 0
        self.payload = 0
        self.reads = 0
        self.writes = 0
        self.reported = False
        self.cpu_start = time.process_time()

    def collect_incoming_data(self, data):
        self.parts.append(data)

    def found_terminator(self):
        line = b"".join(self.parts)
        self.parts = []
        self.frames += 1
        self.payload += len(line)
        if self.echo:
            self.push(line + b"\n")

    def handle_read(self):
        self.reads += 1
        asynchat.async_chat.handle_read(self)

    def send(self, data):
        self.writes += 1
        return asynchat.async_chat.send(self, data)

    def handle_close(self):
        if not self.reported:
            self.reported = True
            print(json.dumps({"frames": self.frames, "bytes": self.payload,
                              "reads": self.reads, "writes": self.writes,
                              "cpu": time.process_time() - self.cpu_start}), flush=True)
        self.close()


class Listener(asyncore.dispatcher):
    def __init__(self, channels, mode, connections):
        asyncore.dispatcher.__init__(self, map=channels)
        self.create_socket(socket.AF_INET, socket.SOCK_STREAM)
        self.set_reuse_addr()
        self.bind(("127.0.0.1", 0))
        self.listen(5)
        self.channels = channels
        self.mode = mode
        self.remaining = connections

    def handle_accepted(self, sock, addr):
        LineHandler(sock, self.channels, self.mode)
        self.remaining -= 1
        if self.remaining == 0:
            self.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("count", "echo"), required=True)
    parser.add_argument("--connections", type=int, required=True)
    options = parser.parse_args()
    channels = {}
    listener = Listener(channels, options.mode, options.connections)
    print("PORT %d" % listener.socket.getsockname()[1], flush=True)
    asyncore.loop(timeout=1.0, map=channels, count=10_000_000)


if __name__ == "__main__":
    main()
