"""Adapters over the official SDKs: anthropic, openai, google-genai and ollama.

Each SDK is imported on first use (they cost hundreds of milliseconds), its own retries are off
(the orchestrator retries, once, with one policy), and it streams so progress can be reported.
The API key is read from the named environment variable at call time and never logged: any
error text is scrubbed of it before it leaves the adapter.
"""

from __future__ import annotations

import asyncio
import email.utils
import os
import time

from .base import Capabilities, Completion, Pricing, Prompt, ProviderFailure, StreamProgress

DEFAULT_MAX_TOKENS = 8192


class SdkProvider:
    """What the four adapters share: settings, the key, error classification, capabilities."""

    kind = ""
    needs_key = True

    def __init__(
        self,
        name: str,
        *,
        model: str,
        base_url: str | None = None,
        api_key_env: str | None = None,
        timeout: float = 120.0,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        capabilities: Capabilities | None = None,
        pricing: Pricing | None = None,
    ) -> None:
        self.name, self.model, self.base_url = name, model, base_url
        self.api_key_env, self.timeout, self.max_tokens = api_key_env, timeout, max_tokens
        self._capabilities = capabilities or Capabilities()
        self._pricing = pricing or Pricing()
        self._client = None

    def capabilities(self) -> Capabilities:
        return self._capabilities

    def cost_estimate(self, tokens_in: int, tokens_out: int = 0) -> float:
        return self._pricing.cost(tokens_in, tokens_out)

    def missing_key(self) -> str | None:
        """The variable to set, when this provider needs a key and it is not set."""
        if not self.needs_key:
            return None
        if not self.api_key_env:
            return f"providers.{self.name}.api_key_env"
        return None if os.environ.get(self.api_key_env) else self.api_key_env

    def _key(self) -> str | None:
        missing = self.missing_key()
        if missing:
            raise ProviderFailure(
                f"{missing} is not set (the API key of provider {self.name!r})", retryable=False, kind="auth"
            )
        return os.environ.get(self.api_key_env) if self.api_key_env else None

    def client(self):
        # SDK clients hold connections of the event loop that made them: one client per loop.
        loop = asyncio.get_running_loop()
        if self._client is None or self._client[0] is not loop:
            self._client = (loop, self._make_client(self._key()))
        return self._client[1]

    async def aclose(self) -> None:
        if self._client is not None and self._client[0] is asyncio.get_running_loop():
            client = self._client[1]
            # google-genai closes its async connections through `client.aio`; the others through `close`.
            close = getattr(getattr(client, "aio", None), "aclose", None) or getattr(client, "close", None)
            self._client = None
            if close is not None:
                result = close()
                if asyncio.iscoroutine(result):
                    await result

    def _make_client(self, key: str | None):
        raise NotImplementedError

    async def generate(self, prompt: Prompt, context: dict, on_progress: StreamProgress | None = None) -> Completion:
        try:
            return await self._stream(self.client(), prompt, on_progress or (lambda received: None))
        except Exception as exc:  # ours, or the SDK's own errors mapped to one vocabulary
            failure = exc if isinstance(exc, ProviderFailure) else classify(exc)
            failure.message = self._scrub(failure.message)
            raise failure from None

    async def health(self) -> str:
        missing = self.missing_key()
        if missing:
            return f"missing key: set {missing}"
        try:
            await asyncio.wait_for(self._probe(self.client()), timeout=min(self.timeout, 5.0))
        except Exception as exc:
            failure = exc if isinstance(exc, ProviderFailure) else classify(exc)
            return f"unreachable: {self._scrub(str(failure))}"
        return "ok"

    async def _stream(self, client, prompt: Prompt, on_progress: StreamProgress) -> Completion:
        raise NotImplementedError

    async def _probe(self, client) -> None:
        raise NotImplementedError

    def _scrub(self, text: str) -> str:
        key = os.environ.get(self.api_key_env or "", "")
        return text.replace(key, "[REDACTED]") if len(key) >= 4 else text


class OpenAIProvider(SdkProvider):
    kind = "openai"

    def _make_client(self, key):
        import openai

        return openai.AsyncOpenAI(api_key=key, base_url=self.base_url, timeout=self.timeout, max_retries=0)

    async def _stream(self, client, prompt, on_progress):
        stream = await client.chat.completions.create(
            model=self.model,
            messages=[{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}],
            stream=True,
            stream_options={"include_usage": True},
            max_completion_tokens=self.max_tokens,
            temperature=0,
        )
        parts, finish, tokens_in, tokens_out = [], None, 0, 0
        async for chunk in stream:
            if chunk.usage is not None:
                tokens_in, tokens_out = chunk.usage.prompt_tokens or 0, chunk.usage.completion_tokens or 0
            for choice in chunk.choices:
                if choice.delta is not None and choice.delta.content:
                    parts.append(choice.delta.content)
                    on_progress(sum(map(len, parts)))
                finish = choice.finish_reason or finish
        return _finished(self, "".join(parts), finish, {"stop"}, {"content_filter"}, tokens_in, tokens_out)

    async def _probe(self, client):
        await client.models.list()


class AnthropicProvider(SdkProvider):
    kind = "anthropic"

    def _make_client(self, key):
        import anthropic

        return anthropic.AsyncAnthropic(api_key=key, base_url=self.base_url, timeout=self.timeout, max_retries=0)

    async def _stream(self, client, prompt, on_progress):
        stream = await client.messages.create(
            model=self.model,
            max_tokens=self.max_tokens,
            system=prompt.system,
            messages=[{"role": "user", "content": prompt.user}],
            stream=True,
        )
        parts, finish, tokens_in, tokens_out, stopped = [], None, 0, 0, False
        async for event in stream:
            if event.type == "message_start":
                tokens_in = event.message.usage.input_tokens or 0
            elif event.type == "content_block_delta" and getattr(event.delta, "text", None):
                parts.append(event.delta.text)
                on_progress(sum(map(len, parts)))
            elif event.type == "message_delta":
                finish = event.delta.stop_reason or finish
                tokens_out = event.usage.output_tokens or tokens_out
            elif event.type == "message_stop":
                stopped = True
        if not stopped:
            finish = None  # the stream ended before the message did
        return _finished(
            self, "".join(parts), finish, {"end_turn", "stop_sequence"}, {"refusal"}, tokens_in, tokens_out
        )

    async def _probe(self, client):
        await client.models.list()


class GeminiProvider(SdkProvider):
    kind = "gemini"

    def _make_client(self, key):
        from google import genai
        from google.genai import types

        options = types.HttpOptions(
            base_url=self.base_url,
            timeout=int(self.timeout * 1000),
            retry_options=types.HttpRetryOptions(attempts=1),
        )
        return genai.Client(api_key=key, http_options=options)

    async def _stream(self, client, prompt, on_progress):
        from google.genai import types

        config = types.GenerateContentConfig(
            system_instruction=prompt.system, temperature=0, max_output_tokens=self.max_tokens
        )
        stream = await client.aio.models.generate_content_stream(model=self.model, contents=prompt.user, config=config)
        parts, finish, tokens_in, tokens_out = [], None, 0, 0
        async for chunk in stream:
            for candidate in chunk.candidates or []:
                for part in (candidate.content.parts if candidate.content else None) or []:
                    if part.text:
                        parts.append(part.text)
                        on_progress(sum(map(len, parts)))
                if candidate.finish_reason is not None:
                    finish = getattr(candidate.finish_reason, "value", str(candidate.finish_reason))
            if chunk.usage_metadata is not None:
                tokens_in = chunk.usage_metadata.prompt_token_count or tokens_in
                tokens_out = chunk.usage_metadata.candidates_token_count or tokens_out
        return _finished(
            self, "".join(parts), finish, {"STOP"}, {"SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST"}, tokens_in, tokens_out
        )

    async def _probe(self, client):
        pager = await client.aio.models.list(config={"page_size": 1})
        async for _model in pager:
            break


class OllamaProvider(SdkProvider):
    kind = "ollama"
    needs_key = False  # a local Ollama has no key; one behind a proxy may, through api_key_env

    def _make_client(self, key):
        import ollama

        headers = {"Authorization": f"Bearer {key}"} if key else None
        return ollama.AsyncClient(host=self.base_url, timeout=self.timeout, headers=headers)

    async def _stream(self, client, prompt, on_progress):
        stream = await client.chat(
            model=self.model,
            messages=[{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}],
            stream=True,
            options={"temperature": 0, "num_predict": self.max_tokens},
        )
        parts, finish, tokens_in, tokens_out = [], None, 0, 0
        async for part in stream:
            if part.message is not None and part.message.content:
                parts.append(part.message.content)
                on_progress(sum(map(len, parts)))
            if part.done:
                finish = part.done_reason or "stop"
                tokens_in, tokens_out = part.prompt_eval_count or 0, part.eval_count or 0
        return _finished(self, "".join(parts), finish, {"stop"}, set(), tokens_in, tokens_out)

    async def _probe(self, client):
        await client.list()


ADAPTERS: dict[str, type[SdkProvider]] = {
    "openai": OpenAIProvider,
    "anthropic": AnthropicProvider,
    "gemini": GeminiProvider,
    "ollama": OllamaProvider,
}


def _finished(
    provider: SdkProvider,
    text: str,
    finish: str | None,
    complete: set[str],
    refused: set[str],
    tokens_in: int,
    tokens_out: int,
) -> Completion:
    usage = {"tokens_in": tokens_in, "tokens_out": tokens_out}
    if finish in refused:
        raise ProviderFailure(f"the model refused ({finish})", retryable=False, kind="content_policy", **usage)
    if finish is None:
        raise ProviderFailure("the response stream ended early (truncated)", retryable=True, kind="truncated", **usage)
    if finish not in complete:
        raise ProviderFailure(
            f"the output stopped before the end ({finish}); raise max_tokens or shorten the task",
            retryable=False,
            kind="length",
            **usage,
        )
    if not text.strip():
        raise ProviderFailure("the model returned no text", retryable=False, kind="empty", **usage)
    return Completion(text=text, model=provider.model, tokens_in=tokens_in, tokens_out=tokens_out)


def classify(exc: BaseException) -> ProviderFailure:
    """An SDK exception as a ProviderFailure: retryable or not, with status and Retry-After."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    status = _status(exc)
    detail = _detail(exc)
    if status is None:
        if isinstance(exc, TimeoutError) or any("Timeout" in n for n in names):
            return ProviderFailure(f"timed out: {detail}", retryable=True, kind="timeout")
        if isinstance(exc, ConnectionError | OSError) or any(
            n.startswith(("APIConnection", "Connect", "RemoteProtocol", "ReadError", "NetworkError")) for n in names
        ):
            return ProviderFailure(f"connection failed: {detail}", retryable=True, kind="connection")
        return ProviderFailure(f"unusable response ({type(exc).__name__}): {detail}", retryable=False, kind="malformed")
    if status == 429:
        return ProviderFailure(
            f"HTTP 429 rate limited: {detail}",
            retryable=True,
            status=status,
            retry_after=_retry_after(exc),
            kind="rate_limited",
        )
    if status in (408, 409) or status >= 500:
        return ProviderFailure(
            f"HTTP {status}: {detail}",
            retryable=True,
            status=status,
            retry_after=_retry_after(exc),
            kind="server_error",
        )
    if status in (401, 403):
        return ProviderFailure(
            f"HTTP {status} (check the API key variable): {detail}", retryable=False, status=status, kind="auth"
        )
    kind = "content_policy" if "policy" in detail.lower() or "safety" in detail.lower() else "invalid_request"
    return ProviderFailure(f"HTTP {status}: {detail}", retryable=False, status=status, kind=kind)


def _status(exc: BaseException) -> int | None:
    for attribute in ("status_code", "code", "status"):
        value = getattr(exc, attribute, None)
        if isinstance(value, int) and 100 <= value <= 599:
            return value
    return None


def _detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    raw = headers.get("retry-after-ms")
    if raw:
        try:
            return max(float(raw) / 1000, 0.0)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(float(raw), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)
