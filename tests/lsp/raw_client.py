"""`specloom serve` over stdio, spoken to in hand-written JSON-RPC: for what pygls' own client cannot send."""

import json
import subprocess
import sys


class RawServer:
    def __init__(self, env: dict | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "specloom", "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )

    def __enter__(self) -> "RawServer":
        return self

    def __exit__(self, *exc) -> None:
        self.process.kill()
        self.process.wait()

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        self.process.stdin.flush()

    def answer(self, request_id: int) -> dict:
        """The response to request `request_id`, skipping the notifications before it."""
        while True:
            length = 0
            while line := self.process.stdout.readline().strip():
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            message = json.loads(self.process.stdout.read(length))
            if message.get("id") == request_id:
                return message
