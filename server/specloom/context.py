"""Step 2 of the pipeline: what is already in the target, read with tree-sitter.

Generation must fit the code that exists: which modules and route handlers are there,
how they are named, and which files Specloom generated before (so a later delivery can
merge instead of overwrite). Its results are read by the plan's report (`existing_files`: which
planned files exist, and what delivery will do with each), by the prompts (`relevant_code`: the
existing files a model must fit, within its context window) and by hovers.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILES = 2000
MAX_FILE_BYTES = 512 * 1024
_SKIP = {".git", ".venv", "venv", "node_modules", "__pycache__", ".specloom", ".tox", "build", "dist"}
_ROUTE_DECORATOR = re.compile(r"^@\w+\.(get|post|put|patch|delete|head|options)\(\s*[\"']([^\"']+)[\"']")


@dataclass(frozen=True, slots=True)
class Handler:
    path: str  # file, relative to the target
    line: int  # 1-based
    function: str
    method: str
    route: str


@dataclass(slots=True)
class TargetContext:
    root: Path
    exists: bool
    python_files: list[str] = field(default_factory=list)
    handlers: list[Handler] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    generated_before: dict[str, str] = field(default_factory=dict)  # path -> sha256 from the last manifest
    naming: str = "snake_case"

    def handler_for(self, method: str, route: str) -> Handler | None:
        return next((h for h in self.handlers if h.method == method and h.route == route), None)

    def to_json(self) -> dict:
        return {
            "root": str(self.root),
            "exists": self.exists,
            "python_files": len(self.python_files),
            "handlers": [_handler_json(h) for h in self.handlers],
            "generated_before": sorted(self.generated_before),
            "naming": self.naming,
        }


def _handler_json(h: Handler) -> dict:
    return {"path": h.path, "line": h.line, "function": h.function, "method": h.method, "route": h.route}


def _parser():
    import tree_sitter
    import tree_sitter_python

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_python.language()))


def _generated_before(root: Path) -> dict[str, str] | None:
    """path -> sha256 of what the last generation wrote, {} if it wrote nothing, None if its manifest is damaged."""
    manifest = root / ".specloom" / "manifest.json"
    if not manifest.is_file():
        return {}
    try:
        files = json.loads(manifest.read_text("utf-8")).get("files", {})
        return {p: str(v.get("sha256", "")) for p, v in files.items() if isinstance(v, dict)}
    except (OSError, ValueError, AttributeError):
        return None


def build_context(root: Path) -> TargetContext:
    ctx = TargetContext(root=root, exists=root.is_dir())
    if not ctx.exists:
        return ctx
    ctx.generated_before = _generated_before(root) or {}
    parser = None
    for path in sorted(_python_files(root))[:MAX_FILES]:
        rel = path.relative_to(root).as_posix()
        ctx.python_files.append(rel)
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if len(data) > MAX_FILE_BYTES:
            continue
        parser = parser or _parser()
        _scan(parser.parse(data).root_node, data, rel, ctx)
    camel = sum(1 for f in ctx.functions if re.search(r"[a-z][A-Z]", f))
    ctx.naming = "camelCase" if camel > len(ctx.functions) / 2 else "snake_case"
    return ctx


def _python_files(root: Path):
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                continue  # never follow links out of the target
            if entry.is_dir() and entry.name not in _SKIP and not entry.name.startswith("."):
                stack.append(entry)
            elif entry.suffix == ".py" and entry.is_file():
                yield entry


def _scan(node, data: bytes, rel: str, ctx: TargetContext) -> None:
    for child in node.children:
        target = child
        decorators: list[str] = []
        if child.type == "decorated_definition":
            decorators = [
                data[d.start_byte : d.end_byte].decode("utf-8", "replace")
                for d in child.children
                if d.type == "decorator"
            ]
            target = child.child_by_field_name("definition") or child
        if target.type == "function_definition":
            name_node = target.child_by_field_name("name")
            name = data[name_node.start_byte : name_node.end_byte].decode("utf-8", "replace") if name_node else ""
            ctx.functions.append(name)
            for decorator in decorators:
                m = _ROUTE_DECORATOR.match(decorator)
                if m:
                    ctx.handlers.append(Handler(rel, target.start_point[0] + 1, name, m.group(1), m.group(2)))
        elif target.type == "class_definition":
            body = target.child_by_field_name("body")
            if body is not None:
                _scan(body, data, rel, ctx)


# --- what the plan, the prompts and hovers read ------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExistingFile:
    """A planned file already in the target: where it came from and what delivery will do with it."""

    path: str
    origin: str  # "generated" (unchanged since) | "edited" (generated, then edited) | "hand-written" | "unknown"
    delivery: str  # "update" | "merge" | "blocked" | "unknown", as delivery/deliver.py's plan_delivery decides

    @property
    def label(self) -> str:
        return {
            "generated": "exists, will update: generated, unchanged",
            "edited": "exists, will merge: generated, edited by you",
            "hand-written": "exists, not generated by Specloom: delivery stops until it is moved",
        }.get(self.origin, "exists (Specloom's manifest cannot be read)")

    def to_json(self) -> dict:
        return {"origin": self.origin, "delivery": self.delivery}


def existing_files(
    root: Path | None, paths: Iterable[str], generated_before: dict[str, str] | None = None
) -> dict[str, ExistingFile]:
    """The planned `paths` that exist under `root` (never through a symlink), by path."""
    if root is None or not root.is_dir():
        return {}
    from specloom.delivery.paths import UnsafePath, resolve_inside

    records = _generated_before(root) if generated_before is None else generated_before
    out: dict[str, ExistingFile] = {}
    for rel in paths:
        try:
            path = resolve_inside(root, rel)
            if not path.is_file():
                continue
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except (UnsafePath, OSError):
            continue
        if records is None:
            out[rel] = ExistingFile(rel, "unknown", "unknown")
        elif rel not in records:
            out[rel] = ExistingFile(rel, "hand-written", "blocked")
        elif records[rel] == digest:
            out[rel] = ExistingFile(rel, "generated", "update")
        else:
            out[rel] = ExistingFile(rel, "edited", "merge")
    return out


_MODEL_FILE = re.compile(r"(^|/)(models?|schemas?|types|entities)\.py$")
CHARS_PER_TOKEN = 3  # a cautious estimate for code; Prompt.estimated_tokens counts about 4
CODE_SHARE = 0.25  # of the smallest context window, for existing code


def code_budget(context_windows: Iterable[int], prompt_tokens: int) -> int:
    """Characters of existing code a prompt may carry: a share of the smallest window, less the prompt."""
    windows = [w for w in context_windows if w > 0]
    if not windows:
        return 0
    tokens = min(int(min(windows) * CODE_SHARE), min(windows) - prompt_tokens * 2)
    return max(tokens, 0) * CHARS_PER_TOKEN


def relevant_code(ctx: TargetContext, planned: Iterable[str], budget_chars: int) -> dict[str, str]:
    """Existing files the new code must fit, most relevant first, whole files only, within the budget.

    First the planned files that exist (a model rewriting one must keep what is there), then the
    modules with route handlers, then model modules.
    """
    if not ctx.exists or budget_chars <= 0:
        return {}
    from specloom.delivery.paths import UnsafePath, resolve_inside

    planned = list(planned)
    python = set(ctx.python_files)
    order = [p for p in planned if p in python or (ctx.root / p).is_file()]
    order += sorted({h.path for h in ctx.handlers} - set(order))
    order += [p for p in ctx.python_files if _MODEL_FILE.search(p) and p not in order]
    out: dict[str, str] = {}
    left = budget_chars
    for rel in order:
        try:
            text = resolve_inside(ctx.root, rel).read_text("utf-8")
        except (UnsafePath, OSError, UnicodeDecodeError):
            continue
        if len(text) <= left:
            out[rel] = text
            left -= len(text)
    return out
