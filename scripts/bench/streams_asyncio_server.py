"""CPython asyncio reference receiver for scripts/bench/streams.mjs.

Listens on 127.0.0.1 (ephemeral port), prints 'PORT <n>', then for each of --connections
connections reads lines with `await reader.readuntil(b'\\n')` until EOF (IncompleteReadError),
counting lines and payload bytes (separator excluded), and prints one JSON line:
  {"frames": <n>, "bytes": <n>, "seconds": <accept to EOF>, "cpuSeconds": <process CPU time>}
Then exits. Same protocol as the Node receivers of streams.mjs, so the two compare directly.
"""
import argparse
import asyncio
import json
import sys
import time


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, required=True)
    options = parser.parse_args()
    remaining = options.connections
    finished = asyncio.Event()

    async def count_lines(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal remaining
        started = time.perf_counter()
        cpu_started = time.process_time()
        frames = 0
        payload = 0
        try:
            while True:
                try:
                    line = await reader.readuntil(b"\n")
                except asyncio.IncompleteReadError as error:
                    if error.partial:
                        raise
                    break
                frames += 1
                payload += len(line) - 1
            seconds = time.perf_counter() - started
            cpu_seconds = time.process_time() - cpu_started
            print(json.dumps({"frames": frames, "bytes": payload, "seconds": seconds, "cpuSeconds": cpu_seconds}), flush=True)
        finally:
            writer.close()
            remaining -= 1
            if remaining == 0:
                finished.set()

    server = await asyncio.start_server(count_lines, "127.0.0.1", 0)
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await asyncio.wait_for(finished.wait(), timeout=600)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(130)
