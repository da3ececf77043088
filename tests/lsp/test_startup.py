"""The start-up code cache: filled on the first start, used after, and never a reason not to start."""

import os
import subprocess
import sys

from tests.lsp.raw_client import RawServer


def initialize(env: dict) -> dict:
    with RawServer(env) as server:
        server.send({"id": 1, "method": "initialize", "params": {"capabilities": {}}})
        return server.answer(1)


def test_the_cache_is_written_on_the_first_start_and_a_corrupt_one_is_ignored(tmp_path):
    env = os.environ | {"XDG_CACHE_HOME": str(tmp_path)}
    assert initialize(env)["result"]["serverInfo"]["name"] == "specloom"
    [cache] = (tmp_path / "specloom").glob("attrs-*.marshal")
    assert cache.stat().st_size > 100_000  # the methods of several hundred classes
    cache.write_bytes(b"\x00garbage")
    assert initialize(env)["result"]["capabilities"]["hoverProvider"]


def test_cached_code_gives_the_same_classes(tmp_path):
    """Run in a fresh interpreter: the cache must produce working attrs classes, not just load."""
    script = (
        "from specloom.lsp.startup import install_code_cache\n"
        f"save = install_code_cache(__import__('pathlib').Path({str(tmp_path / 'c.marshal')!r}))\n"
        "from lsprotocol import types\n"
        "save()\n"
        "p = types.Position(line=1, character=2)\n"
        "assert p == types.Position(1, 2) and p != types.Position(1, 3) and p.character == 2\n"
    )
    cache = tmp_path / "c.marshal"
    subprocess.run([sys.executable, "-c", script], check=True)  # fills the cache
    filled = cache.stat().st_mtime_ns
    subprocess.run([sys.executable, "-c", script], check=True)  # runs from it: nothing new to save
    assert cache.stat().st_mtime_ns == filled
