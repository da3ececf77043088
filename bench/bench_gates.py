"""Wall time of each quality gate on a ~300-line generated-like package with full test coverage.

Run: .venv/bin/python bench/bench_gates.py. Prints each gate alone, then all four together
(concurrently, as delivery runs them); figures only, no targets yet.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from specloom.gates import GateConfig, default_gates, run_gates_sync

RESOURCES = ["book", "author", "shelf", "loan", "member", "review", "tag"]

MODULE = '''"""In-memory store for {plural}."""

from __future__ import annotations

from dataclasses import dataclass, field


class {cls}NotFoundError(LookupError):
    pass


@dataclass
class {cls}:
    id: int
    name: str
    tags: list[str] = field(default_factory=list)


class {cls}Store:
    def __init__(self) -> None:
        self._items: dict[int, {cls}] = {{}}
        self._next = 1

    def create(self, name: str, tags: list[str] | None = None) -> {cls}:
        if not name.strip():
            raise ValueError("name must not be blank")
        item = {cls}(self._next, name.strip(), list(tags or []))
        self._items[item.id] = item
        self._next += 1
        return item

    def get(self, item_id: int) -> {cls}:
        try:
            return self._items[item_id]
        except KeyError:
            raise {cls}NotFoundError(item_id) from None

    def list(self, tag: str | None = None) -> list[{cls}]:
        items = sorted(self._items.values(), key=lambda i: i.id)
        return [i for i in items if tag is None or tag in i.tags]

    def delete(self, item_id: int) -> None:
        self.get(item_id)
        del self._items[item_id]
'''

TEST = """import pytest

from app.{name} import {cls}NotFoundError, {cls}Store


def test_create_get_list_delete():
    store = {cls}Store()
    first = store.create(" a ", ["x"])
    store.create("b")
    assert store.get(first.id).name == "a"
    assert [i.name for i in store.list("x")] == ["a"]
    assert len(store.list()) == 2
    store.delete(first.id)
    with pytest.raises({cls}NotFoundError):
        store.get(first.id)


def test_blank_name_is_rejected():
    with pytest.raises(ValueError, match="blank"):
        {cls}Store().create("  ")
"""


def write_project(root: Path) -> int:
    (root / "app").mkdir()
    (root / "tests").mkdir()
    (root / "app/__init__.py").write_text("")
    (root / "tests/__init__.py").write_text("")
    lines = 0
    for name in RESOURCES:
        cls = name.capitalize()
        module = MODULE.format(cls=cls, plural=name + "s")
        (root / f"app/{name}.py").write_text(module)
        (root / f"tests/test_{name}.py").write_text(TEST.format(cls=cls, name=name))
        lines += module.count("\n")
    (root / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0.1.0"\n')
    return lines


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="specloom-bench-") as tmp:
        root = Path(tmp)
        print(f"package: {write_project(root)} lines of code in {len(RESOURCES)} modules, plus tests")
        cfg = GateConfig()
        for gate in default_gates():
            [result] = run_gates_sync(root, cfg, [gate])
            print(f"{gate.name:<10} alone     {result.duration_ms:8.0f} ms   passed={result.passed}")
        start = time.perf_counter()
        results = run_gates_sync(root, cfg)
        wall = (time.perf_counter() - start) * 1000
        for result in results:
            print(f"{result.name:<10} together  {result.duration_ms:8.0f} ms   passed={result.passed}")
        total = sum(r.duration_ms for r in results)
        print(f"{'all four':<10} wall      {wall:8.0f} ms   (sum of gates {total:.0f} ms)")


if __name__ == "__main__":
    main()
