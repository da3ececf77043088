"""Template packs on disk: `<root>/<pack>/<semver>/manifest.toml` plus `templates/` and `tests/`.

Packs are data. A pack is refused at load when a template contains a forbidden
construct or when no golden test covers one of its templates.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from specloom import __version__

BUILTIN_PACKS = Path(__file__).resolve().parent.parent / "packs"

# The seed design's forbidden constructs, plus dunder attribute access (the classic sandbox escape).
FORBIDDEN = (
    (re.compile(r"\beval\s*\("), "eval("),
    (re.compile(r"\bexec\s*\("), "exec("),
    (re.compile(r"__import__"), "__import__"),
    (re.compile(r"\bsubprocess\b"), "subprocess"),
    (re.compile(r"\bos\.system\b"), "os.system"),
    (re.compile(r"\bRuntime\.exec\b"), "Runtime.exec"),
    (re.compile(r"\.\s*__\w+__|\[\s*['\"]__\w+__['\"]\s*\]|\|\s*attr\s*\(\s*['\"]__"), "dunder attribute access"),
)
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?$")


class PackError(Exception):
    """A pack that cannot be used, with the file and line that say why."""

    def __init__(self, message: str, path: Path | None = None, line: int | None = None):
        super().__init__(message)
        self.path = path
        self.line = line


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    id: str
    source: str
    output: str
    category: str
    purpose: str
    per: str = "api"  # "api": once; "resource": once per resource
    when: str | None = None  # a flag of the render context that must be true


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    type: str
    required: bool
    default: object
    pattern: str | None
    description: str


@dataclass(slots=True)
class Pack:
    name: str
    version: str
    language: str
    framework: str
    backend: str  # the backend package that owns the pack (server/specloom/backends/)
    root: Path
    min_specloom: str
    dependencies: list[str]
    test_dependencies: list[str]
    templates: list[TemplateSpec]
    variables: dict[str, Variable] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def version_key(self) -> tuple[int, int, int]:
        return semver_key(self.version)

    def template_path(self, spec: TemplateSpec) -> Path:
        return self.root / "templates" / spec.source

    def golden_cases(self) -> list[Path]:
        tests = self.root / "tests"
        return sorted(p for p in tests.iterdir() if any(p.glob("spec.*"))) if tests.is_dir() else []


def semver_key(version: str) -> tuple[int, int, int]:
    m = _SEMVER.match(version)
    if not m:
        raise ValueError(f"{version!r} is not a semantic version (MAJOR.MINOR.PATCH)")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def matches(version: str, spec: str) -> bool:
    """Does `version` satisfy `spec`: "1.2.3", "^1.2", "~1.2", ">=1.0,<2", "*"?"""
    v = semver_key(version)
    spec = spec.strip()
    if spec in ("", "*", "latest"):
        return True
    if spec.startswith("^"):
        base = _loose(spec[1:])
        upper = (base[0] + 1, 0, 0) if base[0] else (0, base[1] + 1, 0)
        return base <= v < upper
    if spec.startswith("~"):
        base = _loose(spec[1:])
        return base <= v < (base[0], base[1] + 1, 0)
    if any(spec.startswith(op) for op in ("<", ">", "=", "!")):
        return all(_compare(v, part.strip()) for part in spec.split(","))
    return (
        v == _loose(spec) if spec.count(".") == 2 else v[: spec.count(".") + 1] == _loose(spec)[: spec.count(".") + 1]
    )


def _loose(text: str) -> tuple[int, int, int]:
    parts = [int(p) for p in text.split(".") if p.isdigit()] + [0, 0, 0]
    return parts[0], parts[1], parts[2]


def _compare(v: tuple[int, int, int], clause: str) -> bool:
    m = re.match(r"(>=|<=|==|!=|>|<|=)\s*([\d.]+)$", clause)
    if not m:
        raise ValueError(f"cannot read version range clause {clause!r}")
    other = _loose(m.group(2))
    return {
        ">=": v >= other,
        "<=": v <= other,
        ">": v > other,
        "<": v < other,
        "==": v == other,
        "=": v == other,
        "!=": v != other,
    }[m.group(1)]


def load_pack(root: Path) -> Pack:
    manifest_path = root / "manifest.toml"
    try:
        data = tomllib.loads(manifest_path.read_text("utf-8"))
    except OSError as exc:
        raise PackError(f"cannot read the pack manifest: {exc.strerror}", manifest_path) from exc
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"the pack manifest is not valid TOML: {exc}", manifest_path) from exc
    try:
        templates = [TemplateSpec(**t) for t in data.get("templates", [])]
        variables = {
            name: Variable(
                name,
                v.get("type", "string"),
                bool(v.get("required", False)),
                v.get("default"),
                v.get("pattern"),
                v.get("description", ""),
            )
            for name, v in data.get("variables", {}).items()
        }
        pack = Pack(
            name=data["name"],
            version=data["version"],
            language=data["language"],
            framework=data["framework"],
            backend=data["backend"],
            root=root,
            min_specloom=data.get("min_specloom", "0.0.0"),
            dependencies=list(data.get("dependencies", [])),
            test_dependencies=list(data.get("test_dependencies", [])),
            templates=templates,
            variables=variables,
        )
        semver_key(pack.version)
    except (KeyError, TypeError, ValueError) as exc:
        raise PackError(f"the pack manifest is incomplete or invalid: {exc}", manifest_path) from exc
    if root.name != pack.version or root.parent.name != pack.name:
        raise PackError(f"manifest says {pack.ref} but the folder is {root.parent.name}/{root.name}", manifest_path)
    if semver_key(pack.min_specloom) > semver_key(__version__):
        raise PackError(f"{pack.ref} needs specloom >= {pack.min_specloom}; this is {__version__}", manifest_path)
    check_backend(pack, manifest_path)
    check_security(pack)
    check_tested(pack)
    return pack


def check_backend(pack: Pack, manifest_path: Path) -> None:
    from specloom.backends import backend_named, known_backends

    backend = backend_named(pack.backend)
    if backend is None:
        raise PackError(
            f"{pack.ref} names backend {pack.backend!r}, which this specloom does not have; "
            f"known: {', '.join(known_backends())}",
            manifest_path,
        )
    if (backend.language, backend.framework) != (pack.language, pack.framework):
        raise PackError(
            f"{pack.ref} is for {pack.language}/{pack.framework}, but its backend {pack.backend} renders "
            f"{backend.language}/{backend.framework}",
            manifest_path,
        )


def check_security(pack: Pack) -> None:
    for spec in pack.templates:
        path = pack.template_path(spec)
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise PackError(f"template {spec.id} is missing: {exc.strerror}", path) from exc
        for number, line in enumerate(text.splitlines(), 1):
            for pattern, label in FORBIDDEN:
                if pattern.search(line):
                    raise PackError(
                        f"template {spec.id} uses a forbidden construct ({label}); the pack is refused", path, number
                    )


def check_tested(pack: Pack) -> None:
    """Every template must produce at least one file of some reviewed golden case."""
    expected = [
        str(p.relative_to(case / "expected"))
        for case in pack.golden_cases()
        if (case / "expected").is_dir()
        for p in (case / "expected").rglob("*")
        if p.is_file()
    ]
    for spec in pack.templates:
        glob = re.sub(r"\{[^}]+\}", "*", spec.output)
        if not any(fnmatch.fnmatchcase(path, glob) for path in expected):
            raise PackError(
                f"template {spec.id} ({spec.output}) has no golden test; untested templates are refused",
                pack.template_path(spec),
            )


def discover(overlays: list[Path] | None = None) -> tuple[list[Pack], list[PackError]]:
    """All packs: built-in first, then overlays (a user's pack with the same name@version wins)."""
    found: dict[str, Pack] = {}
    errors: list[PackError] = []
    for base in [BUILTIN_PACKS, *(overlays or [])]:
        if not base.is_dir():
            if base is not BUILTIN_PACKS:
                errors.append(PackError(f"template overlay folder {base} does not exist", base))
            continue
        for manifest in sorted(base.glob("*/*/manifest.toml")):
            try:
                pack = load_pack(manifest.parent)
            except PackError as exc:
                errors.append(exc)
                continue
            found[pack.ref] = pack
    return sorted(found.values(), key=lambda p: (p.name, p.version_key)), errors


def select(packs: list[Pack], name: str, version_range: str = "*") -> Pack | None:
    candidates = [p for p in packs if p.name == name and matches(p.version, version_range)]
    return max(candidates, key=lambda p: p.version_key) if candidates else None


def validate_variables(pack: Pack, given: dict[str, object]) -> dict[str, object]:
    unknown = sorted(set(given) - set(pack.variables))
    if unknown:
        raise PackError(
            f"{pack.ref} has no variable(s) {', '.join(unknown)}; it knows {', '.join(sorted(pack.variables))}"
        )
    values: dict[str, object] = {}
    for name, var in pack.variables.items():
        value = given.get(name, var.default)
        if value is None:
            if var.required:
                raise PackError(f"{pack.ref} needs the variable `{name}`: {var.description}")
            continue
        if var.type == "string" and not isinstance(value, str):
            raise PackError(f"variable `{name}` of {pack.ref} must be a string, not {value!r}")
        if var.pattern and not re.fullmatch(var.pattern, str(value)):
            raise PackError(f"variable `{name}` = {value!r} does not match {var.pattern}")
        values[name] = value
    return values
