"""Step 2 of the pipeline: what is already in the target, read with tree-sitter.

Generation must fit the code that exists: which modules and route handlers are there,
how they are named, and which files Specloom generated before (so a later delivery can
merge instead of overwrite).
"""

from __future__ import annotations

import json
import re
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


def build_context(root: Path) -> TargetContext:
    ctx = TargetContext(root=root, exists=root.is_dir())
    if not ctx.exists:
        return ctx
    manifest = root / ".specloom" / "manifest.json"
    if manifest.is_file():
        try:
            files = json.loads(manifest.read_text("utf-8")).get("files", {})
            ctx.generated_before = {p: str(v.get("sha256", "")) for p, v in files.items() if isinstance(v, dict)}
        except (OSError, ValueError, AttributeError):
            ctx.generated_before = {}
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
