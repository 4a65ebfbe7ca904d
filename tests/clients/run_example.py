#!/usr/bin/python3
"""Runs a client example against a real meshdexd on free loopback ports.

  run_example.py MESHDEXD [--skip-unless PATH] [--expect TEXT]... -- COMMAND...

Starts MESHDEXD (fresh data dir, port 0, ready file), runs COMMAND with
`{server}` replaced by the gRPC address, and passes when it exits 0 and its
output holds every --expect TEXT. Exits 77 (ctest SKIP_RETURN_CODE) when
--skip-unless PATH does not exist (e.g. node_modules before `make deps`).
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77


def wait_ready(process, ready_file, timeout_seconds=60):
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        try:
            with open(ready_file, encoding="utf-8") as f:
                return json.load(f)["grpc"]
        except (FileNotFoundError, ValueError, KeyError):
            time.sleep(0.05)  # polling the ready file, bounded by the deadline
    return None


def main():
    if "--" not in sys.argv:
        print("usage: run_example.py MESHDEXD [--skip-unless PATH] [--expect TEXT]... -- COMMAND...")
        return 2
    split = sys.argv.index("--")
    parser = argparse.ArgumentParser()
    parser.add_argument("meshdexd")
    parser.add_argument("--skip-unless")
    parser.add_argument("--expect", action="append", default=[])
    args = parser.parse_args(sys.argv[1:split])
    command = sys.argv[split + 1:]
    if args.skip_unless and not os.path.exists(args.skip_unless):
        print(f"SKIP: {args.skip_unless} is missing (run `make deps`)")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="meshdex-client-") as work:
        ready_file = os.path.join(work, "ready.json")
        log = open(os.path.join(work, "meshdexd.log"), "w+", encoding="utf-8")
        server = subprocess.Popen(
            [args.meshdexd, f"--data_dir={work}/data", "--grpc_listen=127.0.0.1:0",
             "--http_listen=127.0.0.1:0", f"--ready_file={ready_file}"],
            stdout=log, stderr=subprocess.STDOUT)
        try:
            address = wait_ready(server, ready_file)
            if address is None:
                log.seek(0)
                print("FAIL: meshdexd did not get ready:\n" + log.read())
                return 1
            argv = [part.replace("{server}", address) for part in command]
            result = subprocess.run(argv, capture_output=True, text=True, timeout=120)
            print(result.stdout, end="")
            print(result.stderr, end="", file=sys.stderr)
            if result.returncode != 0:
                print(f"FAIL: {argv[0]} exited {result.returncode}")
                return 1
            missing = [text for text in args.expect if text not in result.stdout]
            if missing:
                print(f"FAIL: output lacks {missing}")
                return 1
            return 0
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
