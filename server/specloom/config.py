"""Configuration: `specloom.toml` (or `[tool.specloom]` in pyproject.toml), then SPECLOOM_* variables.

Every invalid setting becomes one ConfigError naming where it came from (file or environment
variable), the dotted key, the bad value and the fix. rapidfuzz and tomllib are imported only
when needed, so importing this module stays cheap.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from specloom.core.errors import ConfigError
from specloom.core.model import Language
from specloom.core.source import DEFAULT_MAX_BYTES

CONFIG_FILE = "specloom.toml"
PYPROJECT = "pyproject.toml"
ENV_PREFIX = "SPECLOOM_"
ENV_ALIASES = {
    "SPECLOOM_LANGUAGE": ("generation", "language"),
    "SPECLOOM_OUTPUT_DIR": ("generation", "output_dir"),
    "SPECLOOM_COVERAGE_THRESHOLD": ("generation", "coverage_threshold"),
    "SPECLOOM_USER": ("identity", "user"),
    "SPECLOOM_TENANT": ("identity", "tenant"),
}
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GenerationConfig(_Section):
    language: Language = Field("python", description="one of rust, go, python, typescript, java, csharp")
    framework: str | None = Field(None, description="a framework name such as fastapi (default: the language's own)")
    output_dir: str = Field("generated", min_length=1, description="a folder path, relative to the workspace")
    coverage_threshold: float = Field(95.0, ge=0, le=100, description="a percentage from 0 to 100")
    operations: list[str] | None = Field(None, description="a list of operation ids, e.g. ['listBooks']")
    templates: dict[str, str] = Field(
        default_factory=dict, description="pack version ranges by pack name, e.g. {python-fastapi = '^1.0'}"
    )
    template_overlays: list[str] = Field(
        default_factory=list, description="folders of your own packs, relative to the workspace"
    )
    variables: dict[str, str] = Field(default_factory=dict, description="pack variables, e.g. {package = 'shop'}")
    test_python: str | None = Field(
        None, description="the interpreter that runs generated tests (it needs the pack's dependencies)"
    )
    gate_timeouts: dict[str, float] = Field(default_factory=dict, description="seconds per gate, e.g. {tests = 300}")
    fallback_chain: list[str] = Field(
        default_factory=lambda: ["template"],
        description="provider names in the order tried, e.g. ['primary', 'backup', 'template']",
    )
    repair_attempts: int = Field(2, ge=0, le=10, description="a number of repair rounds from 0 to 10")
    deadline_seconds: float = Field(600.0, gt=0, description="seconds for all provider calls of one generation")
    max_retries: int = Field(2, ge=0, le=10, description="retries per provider for 429, 5xx and timeouts, 0 to 10")
    retry_base_delay: float = Field(0.5, ge=0, description="seconds of the first backoff, doubled per retry")
    max_cost_usd: float | None = Field(None, ge=0, description="a cost in US dollars a provider call may not exceed")


class ProviderConfig(_Section):
    kind: Literal["anthropic", "openai", "gemini", "ollama", "template"] = Field(
        description="one of anthropic, openai, gemini, ollama, template"
    )
    model: str = Field("", description="the model name, e.g. 'gpt-4.1'")
    base_url: str | None = Field(None, description="the API's base URL, e.g. 'http://127.0.0.1:8001/v1'")
    api_key_env: str | None = Field(
        None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="the NAME of the variable holding the key"
    )
    timeout: float = Field(120.0, gt=0, description="seconds to wait for the provider between bytes")
    max_tokens: int = Field(8192, gt=0, description="the most output tokens per call")
    context_window: int = Field(128_000, gt=0, description="the model's context window in tokens")
    languages: list[str] | None = Field(None, description="languages this provider may write; empty means any")
    input_cost_per_million: float = Field(0.0, ge=0, description="US dollars per million input tokens")
    output_cost_per_million: float = Field(0.0, ge=0, description="US dollars per million output tokens")
    breaker_threshold: int = Field(3, gt=0, description="failures in a row that open its circuit breaker")
    breaker_reset_seconds: float = Field(30.0, gt=0, description="seconds before an open breaker lets a trial call")


class WorkspaceConfig(_Section):
    adr_folders: list[str] = Field(
        default_factory=lambda: ["docs/adr", "doc/adr", "adr", "docs/decisions"],
        description="a list of folders, e.g. ['docs/adr']",
    )
    exclude: list[str] = Field(default_factory=list, description="a list of glob patterns, e.g. ['vendor/**']")
    max_file_bytes: int = Field(DEFAULT_MAX_BYTES, gt=0, description="a positive number of bytes, e.g. 52428800")


class AuditConfig(_Section):
    backend: Literal["sqlite", "foundationdb"] = Field("sqlite", description="'sqlite' or 'foundationdb'")
    path: str = Field(".specloom/audit.db", min_length=1, description="a file path for the audit database")
    cluster_file: str | None = Field(
        None,
        min_length=1,
        description="the path of a FoundationDB cluster file, e.g. '/etc/foundationdb/fdb.cluster' "
        "(unset: FDB_CLUSTER_FILE or the client's default)",
    )


class IdentityConfig(_Section):
    user: str | None = Field(None, description="a user name")
    tenant: str = Field("default", min_length=1, description="a tenant name")


class ApiConfig(_Section):
    host: str = Field("127.0.0.1", min_length=1, description="the address `specloom api` listens on")
    port: int = Field(8400, ge=0, le=65535, description="a TCP port from 0 to 65535")
    jwt_secret_env: str | None = Field(
        None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="the NAME of the variable holding the HS256 secret"
    )
    jwt_public_key_file: str | None = Field(
        None, min_length=1, description="a PEM file with the RS256/ES256 public key, relative to the workspace"
    )
    jwks_file: str | None = Field(
        None, min_length=1, description="a JWKS file (RS256/ES256 keys by kid), relative to the workspace"
    )
    jwt_issuer: str | None = Field(None, min_length=1, description="the `iss` every token must carry")
    jwt_audience: str | None = Field(None, min_length=1, description="the `aud` every token must carry")
    tenant_claim: str = Field("tenant_id", min_length=1, description="the claim naming the tenant")
    roles_claim: str | None = Field("roles", min_length=1, description="the claim listing role names")
    scopes_claim: str | None = Field(None, min_length=1, description="a claim of space-separated scopes, e.g. 'scope'")
    policy_file: str = Field("policy.toml", min_length=1, description="the policy file, relative to the workspace")
    max_queue: int = Field(32, ge=1, description="generations queued or running at once; beyond it: 429")
    workers: int | None = Field(
        None, ge=1, description="generations run at once by the API's pool or by one `specloom worker` (unset: CPUs)"
    )
    max_spec_bytes: int = Field(1_048_576, gt=0, description="the largest spec a request may carry, in bytes")
    queue: Literal["local", "redis"] = Field("local", description="'local' (in-process pool) or 'redis' (arq workers)")
    redis_url: str = Field("redis://127.0.0.1:6379/0", min_length=1, description="the Redis URL of the arq queue")
    job_timeout_seconds: float = Field(
        900.0,
        gt=0,
        description="seconds a worker may spend on one generation; a killed worker's job is re-run after it",
    )
    job_max_tries: int = Field(3, ge=1, le=10, description="attempts of one generation on the Redis queue, 1 to 10")
    results_path: str = Field(
        ".specloom/results.db", min_length=1, description="the SQLite file holding generation results"
    )

    @model_validator(mode="after")
    def _one_key_source(self) -> ApiConfig:
        given = [n for n in ("jwt_secret_env", "jwt_public_key_file", "jwks_file") if getattr(self, n)]
        if len(given) > 1:
            raise ValueError(f"sets {' and '.join(given)}: give exactly one source of token keys")
        if self.roles_claim is None and self.scopes_claim is None:
            raise ValueError("sets neither roles_claim nor scopes_claim: the policy would grant nothing")
        return self


class LoggingConfig(_Section):
    file: str | None = Field(None, min_length=1, description="a file for the JSON log lines (unset: stderr)")
    level: Literal["debug", "info", "warning", "error"] = Field("info", description="debug, info, warning or error")


class Config(_Section):
    generation: GenerationConfig = Field(default_factory=GenerationConfig, description="a table")
    workspace: WorkspaceConfig = Field(default_factory=WorkspaceConfig, description="a table")
    audit: AuditConfig = Field(default_factory=AuditConfig, description="a table")
    identity: IdentityConfig = Field(default_factory=IdentityConfig, description="a table")
    api: ApiConfig = Field(default_factory=ApiConfig, description="a table")
    logging: LoggingConfig = Field(default_factory=LoggingConfig, description="a table")
    providers: dict[str, ProviderConfig] = Field(
        default_factory=dict, description="tables [providers.<name>] with kind, model, base_url, api_key_env"
    )

    @model_validator(mode="after")
    def _chain_names_providers(self) -> Config:
        unknown = [n for n in self.generation.fallback_chain if n != "template" and n not in self.providers]
        if unknown:
            raise ValueError(
                f"names {', '.join(map(repr, unknown))}, which no [providers.<name>] "
                f"table defines (defined: {', '.join(self.providers) or 'none'}; 'template' is built in)"
            )
        return self


def load_config(root: Path, env: Mapping[str, str] = os.environ) -> Config:
    """Settings for the workspace at `root`: defaults < config file < environment."""
    data, origin, prefix = _read_file(Path(root))
    # Where each overridden key came from, so an error names the variable, not the file.
    env_origins: dict[tuple[str, ...], str] = {}
    for name, key in _env_overrides(env):
        section = data.setdefault(key[0], {})
        if not isinstance(section, dict):
            raise ConfigError(origin, ".".join(prefix + key[:1]), "must be a table", f"Write it as [{key[0]}].")
        section[key[1]] = _env_value(key, env[name])
        env_origins[key] = f"environment variable {name}"
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise _config_error(exc, origin, prefix, env_origins) from None


def _read_file(root: Path) -> tuple[dict, str, tuple[str, ...]]:
    """(settings, file shown in errors, key prefix inside that file)."""
    own = root / CONFIG_FILE
    if own.is_file():
        return _load_toml(own), str(own), ()
    pyproject = root / PYPROJECT
    if pyproject.is_file():
        tool = _load_toml(pyproject).get("tool", {})
        settings = tool.get("specloom", {}) if isinstance(tool, dict) else {}
        if not isinstance(settings, dict):
            raise ConfigError(str(pyproject), "tool.specloom", "must be a table", "Write it as [tool.specloom].")
        return settings, str(pyproject), ("tool", "specloom")
    return {}, str(own), ()


def _load_toml(path: Path) -> dict:
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        reason = _TOML_POSITION.sub("", message).strip()
        where = f"line {position[1]}, column {position[2]}" if position else "somewhere in the file"
        raise ConfigError(
            str(path),
            None,
            f"not valid TOML at {where}: {reason}",
            "Fix the TOML syntax there: strings need quotes, tables are written [section], keys as key = value.",
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), None, "not valid UTF-8", "Re-save the file as UTF-8.") from None
    except OSError as exc:
        raise ConfigError(
            str(path), None, f"cannot be read: {exc.strerror or exc}", "Make the file readable."
        ) from None


def _env_overrides(env: Mapping[str, str]) -> list[tuple[str, tuple[str, str]]]:
    """(variable, (section, key)) for every override; short aliases first so full names win."""
    aliases = [(name, key) for name, key in ENV_ALIASES.items() if name in env]
    nested = []
    for name in sorted(env):
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue  # other SPECLOOM_* variables belong to other parts of Specloom
        parts = tuple(name[len(ENV_PREFIX) :].lower().split("__"))
        if len(parts) != 2 or not all(parts):
            raise ConfigError(
                f"environment variable {name}",
                ".".join(p for p in parts if p) or None,
                "names no setting",
                "Use SPECLOOM_<SECTION>__<KEY>, e.g. SPECLOOM_GENERATION__COVERAGE_THRESHOLD=90.",
            )
        nested.append((name, parts))
    return aliases + nested


def _env_value(key: tuple[str, ...], raw: str) -> Any:
    """Environment values are text; lists may be written as JSON or comma-separated."""
    if not _is_list_setting(key):
        return raw
    if raw.lstrip().startswith("["):
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return raw  # validation then reports it as "not a list"
    return [item.strip() for item in raw.split(",") if item.strip()]


def _is_list_setting(key: tuple[str, ...]) -> bool:
    section = Config.model_fields.get(key[0])
    model = section.annotation if section else None
    field = model.model_fields.get(key[1]) if isinstance(model, type) and issubclass(model, BaseModel) else None
    if field is None:
        return False
    annotation = field.annotation
    return get_origin(annotation) is list or any(get_origin(arg) is list for arg in get_args(annotation))


def _config_error(
    exc: ValidationError, origin: str, prefix: tuple[str, ...], env_origins: dict[tuple[str, ...], str]
) -> ConfigError:
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = tuple(str(part) for part in first["loc"])
    setting = loc[:2]  # list items and nested values are reported against the setting holding them
    from_env = next((name for key, name in env_origins.items() if key[: len(setting)] == setting), None)
    source, key = (from_env, ".".join(loc)) if from_env else (origin, ".".join(prefix + loc))
    more = f" ({len(errors) - 1} more problem(s) after this one)" if len(errors) > 1 else ""
    if not loc:  # a check across sections
        reason = first["msg"].removeprefix("Value error, ")
        return ConfigError(
            source, "generation.fallback_chain", reason + more, "Define each named provider, or remove it."
        )
    if len(loc) == 1 and first["type"] == "value_error":  # a check across one table's keys
        reason = first["msg"].removeprefix("Value error, ")
        return ConfigError(source, key, reason + more, f"Change the keys of [{loc[0]}] as the message says.")
    if first["type"] == "extra_forbidden":
        return ConfigError(source, key, f"unknown setting{more}", _did_you_mean(setting))
    shown = repr(first["input"])
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    message = f"{first['msg'][:1].lower()}{first['msg'][1:]}, got {shown}{more}"
    return ConfigError(source, key, message, f"Set `{setting[-1]}` to {_describe(setting)}.")


def _model_at(loc: tuple[str, ...]) -> type[BaseModel] | None:
    """The settings model that holds the last part of `loc`."""
    model: type[BaseModel] = Config
    for part in loc[:-1]:
        field = model.model_fields.get(part)
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def _describe(loc: tuple[str, ...]) -> str:
    model = _model_at(loc)
    field = model.model_fields.get(loc[-1]) if model else None
    return field.description if field and field.description else "a valid value"


def _did_you_mean(loc: tuple[str, ...]) -> str:
    model = _model_at(loc)
    known = list(model.model_fields) if model else []
    if not known:
        return "Remove it."
    from rapidfuzz import process

    match = process.extractOne(loc[-1], known, score_cutoff=60)
    where = f"[{'.'.join(loc[:-1])}]" if len(loc) > 1 else "the top level"
    listed = ", ".join(known)
    if match is not None:
        return f"Did you mean `{match[0]}`? Known keys in {where}: {listed}."
    return f"Remove it; known keys in {where}: {listed}."
