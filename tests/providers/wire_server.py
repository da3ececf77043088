"""A local HTTP server that speaks the four providers' wire protocols, with scripted replies and faults.

Not a mock of the SDKs: the official clients talk to it over real HTTP, exactly as they talk to the
vendors. Each provider under test gets a path prefix (its "label") in its base URL, so one server
plays several providers at once:

    openai     http://127.0.0.1:PORT/<label>/v1      POST /chat/completions (SSE), GET /models
    anthropic  http://127.0.0.1:PORT/<label>         POST /v1/messages (SSE), GET /v1/models
    gemini     http://127.0.0.1:PORT/<label>         POST /v1beta/models/M:streamGenerateContent (SSE)
    ollama     http://127.0.0.1:PORT/<label>         POST /api/chat (NDJSON), GET /api/tags
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    text: str
    tokens_in: int = 100
    tokens_out: int = 200
    delay: float = 0.0  # seconds before the answer starts: past the client's timeout, a hang


@dataclass
class Fault:
    status: int = 500
    message: str = "scripted failure"
    headers: dict = field(default_factory=dict)


@dataclass
class Truncated:
    """Starts a well-formed stream, then closes the connection before its end."""

    text: str


@dataclass
class InvalidJson:
    """A stream whose events are not JSON."""


@dataclass
class Request:
    label: str
    path: str
    headers: dict
    body: dict | None
    at: float


class WireServer:
    def __init__(self) -> None:
        self.scripts: dict[str, deque] = defaultdict(deque)
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                server._get(self)

            def do_POST(self) -> None:
                server._post(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> WireServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def base_url(self, kind: str, label: str) -> str:
        return f"{self.root}/{label}/v1" if kind == "openai" else f"{self.root}/{label}"

    def script(self, label: str, *actions) -> None:
        with self._lock:
            self.scripts[label].extend(actions)

    def calls(self, label: str) -> list[Request]:
        return [r for r in self.requests if r.label == label and r.body is not None]

    # --- request handling ---------------------------------------------------------

    def _get(self, handler: BaseHTTPRequestHandler) -> None:
        label, _, rest = handler.path.lstrip("/").partition("/")
        self._record(label, handler, None)
        if rest.endswith("api/tags"):
            payload = {"models": [{"name": "llama3", "model": "llama3", "size": 1, "digest": "0"}]}
        elif "v1beta/models" in rest:
            payload = {"models": [{"name": "models/gemini-test", "displayName": "test"}]}
        else:
            payload = {"object": "list", "data": [{"id": "test-model", "object": "model", "type": "model"}]}
        _send_json(handler, 200, payload)

    def _post(self, handler: BaseHTTPRequestHandler) -> None:
        label, _, rest = handler.path.lstrip("/").partition("/")
        length = int(handler.headers.get("content-length") or 0)
        try:
            body = json.loads(handler.rfile.read(length) or b"{}")
        except ValueError:
            body = {}
        self._record(label, handler, body)
        with self._lock:
            action = self.scripts[label].popleft() if self.scripts[label] else Fault(500, "no scripted reply left")
        kind = _kind(rest)
        try:
            if isinstance(action, Fault):
                _send_json(handler, action.status, _error(kind, action.status, action.message), action.headers)
            elif isinstance(action, Reply):
                time.sleep(action.delay)
                _stream(handler, kind, _events(kind, body, action.text, action.tokens_in, action.tokens_out))
            elif isinstance(action, Truncated):
                events = _events(kind, body, action.text, 10, 10)
                _stream(handler, kind, events[: max(len(events) // 2, 1)], close_early=True)
            elif isinstance(action, InvalidJson):
                _stream(handler, kind, ["{this is not json"], raw=True)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout), as a real one would

    def _record(self, label: str, handler: BaseHTTPRequestHandler, body: dict | None) -> None:
        with self._lock:
            self.requests.append(
                Request(label, handler.path, {k.lower(): v for k, v in handler.headers.items()}, body, time.monotonic())
            )


def _kind(path: str) -> str:
    if path.endswith("chat/completions"):
        return "openai"
    if path.endswith("v1/messages"):
        return "anthropic"
    if "GenerateContent" in path:
        return "gemini"
    if path.endswith("api/chat"):
        return "ollama"
    return "unknown"


def _pieces(text: str) -> list[str]:
    step = max(len(text) // 3, 1)
    return [text[i : i + step] for i in range(0, len(text), step)] or [""]


def _events(kind: str, body: dict, text: str, tokens_in: int, tokens_out: int) -> list[dict | tuple[str, dict]]:
    model = body.get("model", "test-model")
    pieces = _pieces(text)
    if kind == "openai":

        def chunk(delta: dict, finish: str | None) -> dict:
            return {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }

        usage = {"prompt_tokens": tokens_in, "completion_tokens": tokens_out, "total_tokens": tokens_in + tokens_out}
        return [
            chunk({"role": "assistant", "content": ""}, None),
            *(chunk({"content": p}, None) for p in pieces),
            chunk({}, "stop"),
            {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": model,
                "choices": [],
                "usage": usage,
            },
        ]
    if kind == "anthropic":
        start = {
            "type": "message_start",
            "message": {
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "content": [],
                "model": model,
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": tokens_in, "output_tokens": 1},
            },
        }
        return [
            ("message_start", start),
            (
                "content_block_start",
                {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
            ),
            *(
                (
                    "content_block_delta",
                    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}},
                )
                for p in pieces
            ),
            ("content_block_stop", {"type": "content_block_stop", "index": 0}),
            (
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                    "usage": {"output_tokens": tokens_out},
                },
            ),
            ("message_stop", {"type": "message_stop"}),
        ]
    if kind == "gemini":

        def candidate(piece: str, finish: str | None) -> dict:
            data = {"content": {"parts": [{"text": piece}], "role": "model"}, "index": 0}
            return data | ({"finishReason": finish} if finish else {})

        usage = {
            "promptTokenCount": tokens_in,
            "candidatesTokenCount": tokens_out,
            "totalTokenCount": tokens_in + tokens_out,
        }
        return [
            *({"candidates": [candidate(p, None)], "modelVersion": model} for p in pieces[:-1]),
            {"candidates": [candidate(pieces[-1], "STOP")], "usageMetadata": usage, "modelVersion": model},
        ]
    if kind == "ollama":
        stamp = "2026-11-27T00:00:00Z"
        return [
            *(
                {"model": model, "created_at": stamp, "message": {"role": "assistant", "content": p}, "done": False}
                for p in pieces
            ),
            {
                "model": model,
                "created_at": stamp,
                "message": {"role": "assistant", "content": ""},
                "done": True,
                "done_reason": "stop",
                "prompt_eval_count": tokens_in,
                "eval_count": tokens_out,
            },
        ]
    return []


def _stream(handler, kind: str, events: list, *, close_early: bool = False, raw: bool = False) -> None:
    ndjson = kind == "ollama"
    handler.send_response(200)
    handler.send_header("content-type", "application/x-ndjson" if ndjson else "text/event-stream")
    handler.send_header("connection", "close")
    if close_early:
        handler.send_header("content-length", "100000")  # promises more than it sends
    handler.end_headers()
    for event in events:
        if raw:
            line = f"{event}\n" if ndjson else f"data: {event}\n\n"
        elif ndjson:
            line = json.dumps(event) + "\n"
        elif isinstance(event, tuple):
            line = f"event: {event[0]}\ndata: {json.dumps(event[1])}\n\n"
        else:
            line = f"data: {json.dumps(event)}\n\n"
        handler.wfile.write(line.encode())
        handler.wfile.flush()
    if kind == "openai" and not close_early and not raw:
        handler.wfile.write(b"data: [DONE]\n\n")
    handler.wfile.flush()
    handler.close_connection = True


def _error(kind: str, status: int, message: str) -> dict:
    if kind == "anthropic":
        return {"type": "error", "error": {"type": "api_error", "message": message}}
    if kind == "gemini":
        return {"error": {"code": status, "message": message, "status": "INTERNAL" if status >= 500 else "INVALID"}}
    if kind == "ollama":
        return {"error": message}
    return {"error": {"message": message, "type": "server_error", "param": None, "code": None}}


def _send_json(handler, status: int, payload: dict, headers: dict | None = None) -> None:
    data = json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("content-type", "application/json")
    handler.send_header("content-length", str(len(data)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(data)
