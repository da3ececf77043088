"""The deterministic provider: a versioned template pack, the floor of every fallback chain.

It renders what a pack fully describes (OpenAPI CRUD for python/fastapi) and nothing else: asked
for an ADR, a story or a language without a pack it says so, and the router records it as skipped.
"""

from __future__ import annotations

from .base import Capabilities, Completion, Prompt, StreamProgress, Unsupported


class TemplateProvider:
    name = kind = "template"
    model = "packs"

    async def generate(self, prompt: Prompt, context: dict, on_progress: StreamProgress | None = None) -> Completion:
        pack, spec = context.get("pack"), context.get("spec")
        kind = getattr(spec, "kind", None) or context.get("kind", "this spec")
        if pack is None or kind != "openapi":
            target = "/".join(filter(None, (context.get("language"), context.get("framework"))))
            raise Unsupported(f"no template pack renders {kind} for {target or 'this language'}")
        from specloom.templates.generate import render_spec

        result = render_spec(pack, spec, context.get("operations"), context.get("variables") or {})
        return Completion(text="", model=pack.ref, files={f.path: f.content for f in result.files})

    def capabilities(self) -> Capabilities:
        return Capabilities(streaming=False)

    def cost_estimate(self, tokens_in: int, tokens_out: int = 0) -> float:
        return 0.0

    async def health(self) -> str:
        return "ok"
