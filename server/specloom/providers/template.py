"""The template provider's place in a fallback chain: the floor under the AI providers.

The pipeline renders a pack itself, before any model is asked, for everything a pack describes
(OpenAPI CRUD for python/fastapi). What reaches the chain is work no pack can do, so here the
template provider declines it, by name; the router records that as skipped, and the templates'
own output is what remains when every model fails.
"""

from __future__ import annotations

from .base import Capabilities, Completion, Prompt, StreamProgress, Unsupported


class TemplateProvider:
    name = kind = "template"
    model = "packs"

    async def generate(self, prompt: Prompt, context: dict, on_progress: StreamProgress | None = None) -> Completion:
        kind = context.get("kind", "this spec")
        target = "/".join(filter(None, (context.get("language"), context.get("framework")))) or "this language"
        raise Unsupported(f"no template pack renders {kind} for {target}")

    def capabilities(self) -> Capabilities:
        return Capabilities()

    def cost_estimate(self, tokens_in: int, tokens_out: int = 0) -> float:
        return 0.0

    async def health(self) -> str:
        return "ok"
