"""Benchmark the language server through a real LSP client over stdio.

Run: .venv/bin/python bench/bench_lsp.py  (or `make bench`). Prints cold start to the initialize
result, didChange -> publishDiagnostics on bookstore and on Plaid after a one-line edit, and hover
latency percentiles, idle and while a generation of the whole bookstore runs (in a temporary workspace).
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import BaseLanguageClient

ROOT = Path(__file__).resolve().parent.parent
WORKSPACE = Path(tempfile.mkdtemp(prefix="specloom-bench-"))
BOOKSTORE = WORKSPACE / "bookstore.yaml"
PLAID = ROOT / "examples/openapi/public/plaid-2020-09-14.yml"


class Client(BaseLanguageClient):
    def __init__(self):
        super().__init__("bench", "1")
        self.published: asyncio.Queue = asyncio.Queue()

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published.put_nowait((time.perf_counter(), params))


async def wait_version(client: Client, uri: str, version: int) -> float:
    while True:
        when, params = await client.published.get()
        if params.uri == uri and params.version == version:
            return when


async def edit_latency(client: Client, path: Path, runs: int, line: int = 2, column: int = 0) -> list[float]:
    """Insert a comment line (at column 0), or type at the end of a line, `runs` times."""
    uri = path.as_uri()
    text = path.read_text()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text))
    )
    await wait_version(client, uri, 1)
    samples = []
    for version in range(2, runs + 2):
        start = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(types.Position(line, column), types.Position(line, column)),
                        text="  # edited\n" if column == 0 else "x",
                    )
                ],
            )
        )
        samples.append(await wait_version(client, uri, version) - start)
    return samples


async def hover_latencies(client: Client, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(BOOKSTORE.as_uri()), types.Position(14, 5))
        )
        samples.append(time.perf_counter() - t)
    return sorted(samples)


async def main() -> None:
    shutil.copy(ROOT / "examples/openapi/bookstore.yaml", BOOKSTORE)
    (WORKSPACE / "specloom.toml").write_text('[identity]\nuser = "bench@example.com"\n')
    client = Client()
    start = time.perf_counter()
    await client.start_io(sys.executable, "-m", "specloom", "serve")
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=WORKSPACE.as_uri())
    )
    cold = time.perf_counter() - start
    client.initialized(types.InitializedParams())
    print(f"cold start to initialize result: {cold * 1000:.0f} ms (target 600 ms)")
    book = await edit_latency(client, BOOKSTORE, 20)
    print(
        f"didChange -> publishDiagnostics, bookstore: median {statistics.median(book) * 1000:.1f} ms, "
        f"max {max(book) * 1000:.1f} ms (target 50 ms)"
    )
    lines = PLAID.read_text().split("\n")
    middle = next(i for i in range(len(lines) // 2, len(lines)) if lines[i].strip().startswith("description:"))
    for where, (line, column) in {
        "a comment line near the top": (2, 0),
        "typing in a description": (middle, len(lines[middle])),
    }.items():
        plaid = await edit_latency(client, PLAID, 7, line, column)
        print(
            f"didChange -> publishDiagnostics, Plaid one-line edit ({where}): median "
            f"{statistics.median(plaid) * 1000:.0f} ms, max {max(plaid) * 1000:.0f} ms (target 300 ms)"
        )
    hovers = await hover_latencies(client, 100)
    print(f"hover on bookstore: p50 {hovers[49] * 1000:.1f} ms, p95 {hovers[94] * 1000:.1f} ms (target 20 ms)")
    generation = asyncio.ensure_future(
        client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="specloom.generate", arguments=[BOOKSTORE.as_uri(), None])
        )
    )
    await asyncio.sleep(0.5)  # past parsing and planning: into rendering and the gates
    busy = []
    while not generation.done():
        busy += await hover_latencies(client, 10)
    busy.sort()
    outcome = (await generation)["outcome"]
    p95 = busy[int(len(busy) * 0.95) - 1] if busy else float("nan")
    print(
        f"hover while a generation runs ({len(busy)} hovers, generation {outcome}): "
        f"p50 {busy[len(busy) // 2] * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms (target 50 ms)"
    )
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    shutil.rmtree(WORKSPACE, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
