"""The protocol every pack backend implements: the one owner of everything about its pack."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from specloom.core.apimodel import ApiModel
    from specloom.gates.base import GateConfig, GateFinding
    from specloom.templates.packs import Pack


@dataclass(slots=True)
class Rendering:
    """What a pack's templates see for one spec and selection: computed once, reused by plan, render, previews."""

    context: dict
    resources: list  # the per-resource views (each has `.module` and `.res`)
    api: ApiModel


class PackBackend(Protocol):
    name: str  # the pack it owns, as its manifest names it
    language: str
    framework: str

    def template_gap(self, spec, op) -> str | None:
        """Why the pack's templates leave an operation to an AI provider; None when they implement it.
        The one capability check: plans, renders and prompts all ask this."""

    def package(self, spec, variables: dict) -> str:
        """The name of the generated project's package (or module), from the spec and the pack's variables."""

    def render_context(self, pack: Pack, spec, operations: list[str] | None, variables: dict, extensions: bool):
        """A `Rendering`; `PackError` naming why when the pack cannot render the selection."""

    def format_commands(self) -> list[list[str]]:
        """The command lines that format rendered files in place (run in their folder), before gates and golden
        comparison; empty when the templates' output is final."""

    def filters(self) -> dict:
        """The Jinja filters the pack's templates use."""

    def extension_files(self, package: str) -> list[tuple[str, str]]:
        """(path, purpose) of the files a model writes beside the pack for the operations it leaves."""

    def extension_prompt(self, module: str, coverage_threshold: float) -> str:
        """How a model's code fits beside the pack's files (instructions, not spec text)."""

    def run_commands(self, spec, variables: dict) -> dict:
        """How the delivered project is run: {"test": shell command, "serve": shell command serving on $PORT
        (default 8000), "credentials_env": [the variables the served project takes credentials from]}."""


class ToolchainError(Exception):
    """Preparing a toolchain folder failed; the message names what failed and how to fix it."""


class LanguageGates(Protocol):
    """One language's share of the style, security and tests gates (server/specloom/backends/languages/)."""

    language: str  # as in core/languages.py
    suffixes: tuple[str, ...]  # the files that are this language's code

    def tool_problem(self, tools: Path) -> str | None:
        """Why this language's tools cannot run from the prepared toolchain folder `tools`, naming the
        missing tool and the exact command that installs it; None when they can."""

    def prepare(self, tools: Path, pack_toolchain: Path | None) -> None:
        """Fill the toolchain folder `tools` (idempotent). `pack_toolchain` is the pack's `toolchain/`
        folder when a pack is prepared. Raises ToolchainError naming what failed."""

    async def style(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]: ...

    async def security(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]: ...

    async def tests(self, root: Path, cfg: GateConfig, tools: Path) -> list[GateFinding]:
        """Runs the project's tests; an error finding when one fails, when line coverage is below
        cfg.coverage_threshold, when no test is found, or when the coverage report is missing."""
