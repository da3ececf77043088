"""Checks on spec text that matter before any of it reaches a template or a model."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class TextHit:
    kind: str  # "secret" | "prompt-injection"
    start: int
    end: int
    message: str
    confident: bool = True  # False for guesses from entropy and key names alone


_SECRET_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern))
    for label, pattern in (
        ("a Stripe live/restricted key", r"\b(?:sk|rk)_live_[0-9A-Za-z]{16,}"),
        ("an AWS access key id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
        ("a GitHub token", r"\bgh[pousr]_[0-9A-Za-z]{36,}"),
        ("a Slack token", r"\bxox[abprs]-[0-9A-Za-z-]{10,}"),
        ("a Google API key", r"\bAIza[0-9A-Za-z_\-]{35}\b"),
        ("an Anthropic API key", r"\bsk-ant-[0-9A-Za-z_\-]{20,}"),
        ("an OpenAI API key", r"\bsk-(?:proj-)?[0-9A-Za-z]{32,}"),
        ("a private key", r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"),
        ("a JSON Web Token", r"\beyJ[0-9A-Za-z_\-]{10,}\.eyJ[0-9A-Za-z_\-]{10,}\.[0-9A-Za-z_\-]{10,}"),
    )
)

# Key names whose values, when long and random-looking, are treated as credentials.
_SECRET_NAME = re.compile(r"(?i)(secret|passw(or)?d|token|api[-_]?key|private[-_]?key|credential)")
# Values that say they are not real: placeholders and sandbox/test credentials.
_PLACEHOLDER = re.compile(
    r"(?i)(x{4,}|\*{3,}|example|sample|dummy|placeholder|changeme|your[-_ ]|<|\{\{|\.\.\.|sandbox|test|demo|fake|mock)"
)
_UUID = re.compile(r"(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# One alternation, so long descriptions are scanned once.
_INJECTION = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|earlier|preceding|your)\s+"
            r"(?:instructions|prompts?|rules|directions|context)",
            r"\byou\s+are\s+(?:now\s+)?(?:an?\s+)?(?:ai|assistant|chatgpt|claude|language\s+model|llm)\b",
            r"\b(?:system|developer)\s+prompt\b",
            r"\bas\s+an\s+ai\b",
            r"<\|im_(?:start|end)\|>|\[/?INST\]|<</?SYS>>",
            r"\b(?:add|insert|include|write|generate)\s+(?:a\s+|an\s+)?(?:route|endpoint|handler|function|code|backdoor)\s+"
            r"that\s+(?:runs|executes|evals?|calls)\b",
            r"\bdo\s+not\s+(?:tell|inform|mention\s+(?:this\s+)?to)\s+the\s+(?:user|developer|reviewer)",
        )
    ),
    re.IGNORECASE,
)

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "[::1]"}


def _entropy(value: str) -> float:
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def find_secrets(text: str, key_name: str = "") -> list[TextHit]:
    """Secret-looking substrings of `text`; `key_name` is the field holding it, if any."""
    return list(_secrets(text, key_name))


# Memoized: re-checking an edited spec scans the same thousands of strings again.
@functools.lru_cache(maxsize=65536)
def _secrets(text: str, key_name: str) -> tuple[TextHit, ...]:
    hits = [
        TextHit("secret", m.start(), m.end(), f"This looks like {label}.")
        for label, pattern in _SECRET_PATTERNS
        for m in pattern.finditer(text)
    ]
    if not hits and key_name and _SECRET_NAME.search(key_name):
        stripped = text.strip()
        looks_random = (
            len(stripped) >= 16
            and " " not in stripped
            and not _PLACEHOLDER.search(stripped)
            and not _UUID.match(stripped)
            and _entropy(stripped) >= 3.5
            and any(c.isdigit() for c in stripped)
            and any(c.isalpha() for c in stripped)
        )
        if looks_random:
            start = text.find(stripped)
            hits.append(
                TextHit(
                    "secret",
                    start,
                    start + len(stripped),
                    f"The value of '{key_name}' looks like a real credential.",
                    False,
                )
            )
    return tuple(hits)


def find_prompt_injection(text: str) -> list[TextHit]:
    return list(_injections(text))


@functools.lru_cache(maxsize=65536)
def _injections(text: str) -> tuple[TextHit, ...]:
    return tuple(
        TextHit("prompt-injection", m.start(), m.end(), f"Text addressed to an AI: “{m.group(0)}”.")
        for m in _INJECTION.finditer(text)
    )


def scan_text(text: str, key_name: str = "") -> list[TextHit]:
    """Secrets and prompt injection in one piece of human-written spec text."""
    return find_secrets(text, key_name) + find_prompt_injection(text)


def is_insecure_url(url: str) -> bool:
    """Plain http:// to a host other than this machine."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "http" and (parts.hostname or "") not in _LOCAL_HOSTS
