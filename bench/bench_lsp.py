"""Benchmark the language server through a real LSP client over stdio, and `check` over a size ladder.

Run: .venv/bin/python bench/bench_lsp.py [--no-ladder] [--redocly]  (or `make bench`). Prints cold start
to the initialize result, didChange -> publishDiagnostics on bookstore and on Plaid after a one-line
edit, p50/p95 of each navigation request on Plaid, hover latency percentiles idle and while a
generation of the whole bookstore runs (in a temporary workspace); then `specloom check` seconds per
MB of JSON specs from 50 KB to 20 MB built from Plaid (a part of its paths with the components they
use, or its components and paths replicated under new names), and with --redocly the same files
through Redocly CLI 1.34.20's `lint` (installed from npm on first use).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import statistics
import subprocess
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
PETSTORE = ROOT / "examples/openapi/public/petstore-expanded.yaml"
# The last 1.x that installs from this machine's npm registry (1.34.21 needs a package it does not serve).
REDOCLY = "@redocly/cli@1.34.20"
REDOCLY_CACHE = Path.home() / ".cache/specloom/bench-redocly-1.34.20"


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


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"p50 {ordered[len(ordered) // 2] * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


async def navigation_latencies(client: Client, runs: int) -> None:
    """Each navigation request on Plaid, at a `$ref` (and at a fresh key for completion)."""
    uri = PLAID.as_uri()
    text = PLAID.read_text()
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text))
    )
    await wait_version(client, uri, 1)
    lines = text.split("\n")
    line = next(i for i, text in enumerate(lines) if "$ref: '#/components/schemas/" in text)
    ref = types.Position(line, lines[line].index("#/components/schemas/") + 22)
    doc = types.TextDocumentIdentifier(uri)
    context = types.ReferenceContext(include_declaration=True)
    requests = {
        "definition": lambda: client.text_document_definition_async(types.DefinitionParams(doc, ref)),
        "references": lambda: client.text_document_references_async(
            types.ReferenceParams(context=context, text_document=doc, position=ref)
        ),
        "prepareRename": lambda: client.text_document_prepare_rename_async(types.PrepareRenameParams(doc, ref)),
        "rename": lambda: client.text_document_rename_async(types.RenameParams(doc, ref, new_name="Renamed")),
        "completion ($ref)": lambda: client.text_document_completion_async(types.CompletionParams(doc, ref)),
        "completion (key)": lambda: client.text_document_completion_async(
            types.CompletionParams(doc, types.Position(line, len(lines[line]) - len(lines[line].lstrip())))
        ),
        "documentSymbol": lambda: client.text_document_document_symbol_async(types.DocumentSymbolParams(doc)),
        "foldingRange": lambda: client.text_document_folding_range_async(types.FoldingRangeParams(doc)),
        "semanticTokens": lambda: client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(doc)),
        "workspaceSymbol": lambda: client.workspace_symbol_async(types.WorkspaceSymbolParams(query="account")),
    }
    for name, request in requests.items():
        await request()  # the first answer builds what later ones reuse
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            await request()
            samples.append(time.perf_counter() - start)
        target = " (target p95 30 ms)" if name.startswith(("definition", "references", "completion")) else ""
        print(f"{name} on Plaid: {percentiles(samples)}{target}")


def _rename_refs(value, suffix: str):
    """A copy of `value` whose local component `$ref`s name the copies with `suffix`."""
    if isinstance(value, dict):
        out = {k: _rename_refs(v, suffix) for k, v in value.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            out["$ref"] = ref + suffix
        return out
    if isinstance(value, list):
        return [_rename_refs(v, suffix) for v in value]
    return value


def _used_components(value, found: set[tuple[str, str]], components: dict) -> None:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/"):
                kind, name = ref.split("/")[2:4]
                if (kind, name) not in found and name in components.get(kind, {}):
                    found.add((kind, name))
                    stack.append(components[kind][name])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def spec_of_size(base: dict, size: int) -> dict:
    """A valid spec of about `size` bytes as indented JSON, from `base` (Plaid)."""
    whole = len(json.dumps(base, indent=2))
    components = base.get("components", {})
    if size < whole:  # the first paths with the components they use
        spec = {k: v for k, v in base.items() if k not in ("paths", "components")}
        spec["paths"], used = {}, set()
        for path, item in base["paths"].items():
            spec["paths"][path] = item
            _used_components(item, used, components)
            spec["components"] = {
                kind: {n: m for n, m in members.items() if (kind, n) in used or kind == "securitySchemes"}
                for kind, members in components.items()
            }
            if len(json.dumps(spec, indent=2)) >= size:
                break
        return spec
    spec = json.loads(json.dumps(base))
    for copy in range(1, round(size / whole)):
        suffix = f"_{copy}"
        for kind, members in components.items():
            if kind == "securitySchemes":
                continue
            for name, member in members.items():
                spec["components"][kind][name + suffix] = _rename_refs(member, suffix)
        for path, item in base["paths"].items():
            item = _rename_refs(item, suffix)
            for operation in item.values():
                if isinstance(operation, dict) and "operationId" in operation:
                    operation["operationId"] += suffix
            spec["paths"][f"/copy{copy}{path}"] = item
    return spec


def check_seconds(command: list[str], ran: str) -> float:
    """Seconds of `command`, which exits non-zero when it finds errors; `ran` is what its output says when it
    checked the file (so a tool that failed to start is not timed as a fast check)."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if ran not in done.stdout + done.stderr:
        raise SystemExit(f"{' '.join(command)} did not check the file: {(done.stdout + done.stderr)[-1500:]}")
    return seconds


def redocly_command() -> list[str]:
    """Redocly CLI installed once from npm, run by its own binary: npx's resolution (seconds) is not timed."""
    binary = REDOCLY_CACHE / "node_modules/.bin/redocly"
    if not binary.is_file():
        args = ["npm", "install", "--prefix", str(REDOCLY_CACHE), "--no-fund", "--no-audit", "--loglevel=error"]
        subprocess.run([*args, REDOCLY], check=True)
    return [str(binary), "lint"]


def size_ladder(redocly: bool) -> None:
    import yaml_rs

    plaid = yaml_rs.loads(PLAID.read_text(), parse_datetime=False)
    petstore = yaml_rs.loads(PETSTORE.read_text(), parse_datetime=False)  # Plaid's first path alone is 127 KB
    folder = Path(tempfile.mkdtemp(prefix="specloom-ladder-"))
    for size in (50_000, 200_000, 1_000_000, 3_700_000, 10_000_000, 20_000_000):
        path = folder / f"spec-{size // 1000}k.json"
        path.write_text(json.dumps(spec_of_size(petstore if size <= 50_000 else plaid, size), indent=2))
        megabytes = path.stat().st_size / 1e6
        ours = min(
            check_seconds([sys.executable, "-m", "specloom", "check", str(path)], " in 1 file(s)") for _ in range(2)
        )
        line = f"check {megabytes:6.2f} MB JSON: {ours:6.2f} s, {ours / megabytes:5.2f} s/MB"
        if redocly:
            theirs = check_seconds([*redocly_command(), str(path)], "validated in")
            line += f"; redocly lint {theirs:6.2f} s ({theirs / ours:4.1f}x ours)"
        print(line)
    shutil.rmtree(folder, ignore_errors=True)


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
            f"{statistics.median(plaid) * 1000:.0f} ms, max {max(plaid) * 1000:.0f} ms (target 150 ms)"
        )
    await navigation_latencies(client, 40)
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
    if "--no-ladder" not in sys.argv:
        size_ladder("--redocly" in sys.argv)


if __name__ == "__main__":
    asyncio.run(main())
