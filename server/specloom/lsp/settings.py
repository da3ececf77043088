"""Editor settings (the `specloom` section of `workspace/configuration`) laid over the workspace's Config.

Each setting is validated on its own: an invalid one is reported and the value from specloom.toml
(or the default) is kept, so one typo does not throw away the others.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from specloom.config import Config, load_config
from specloom.core.errors import ConfigError

# editor setting -> place in Config
SETTINGS: dict[str, tuple[str, ...]] = {
    "outputDir": ("generation", "output_dir"),
    "language": ("generation", "language"),
    "framework": ("generation", "framework"),
    "operations": ("generation", "operations"),
    "coverageThreshold": ("generation", "coverage_threshold"),
    "testPython": ("generation", "test_python"),
    "fallbackChain": ("generation", "fallback_chain"),
    "auditBackend": ("audit", "backend"),
    "auditPath": ("audit", "path"),
    "user": ("identity", "user"),
    "tenant": ("identity", "tenant"),
    "adrFolders": ("workspace", "adr_folders"),
    "providers": ("providers",),
}


def workspace_config(root: Path | None, settings: object) -> tuple[Config, list[str]]:
    """The Config for `root` with the editor's settings applied, and a warning per setting not applied."""
    warnings: list[str] = []
    try:
        config = load_config(root) if root is not None else Config()
    except ConfigError as exc:
        warnings.append(f"Specloom: {exc}; using the defaults.")
        config = Config()
    if settings is None:
        return config, warnings
    if not isinstance(settings, dict):
        return config, [*warnings, "Specloom: the `specloom` settings must be an object; they are ignored."]
    data = config.model_dump()
    for name, value in settings.items():
        place = SETTINGS.get(name)
        if (
            place is None
            or (place[0] not in Config.model_fields)
            or (len(place) > 1 and place[1] not in data[place[0]])
        ):
            warnings.append(f"Specloom: unknown setting `specloom.{name}`; it is ignored.")
            continue
        candidate = _with(data, place, value)
        try:
            Config.model_validate(candidate)
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"]
            warnings.append(
                f"Specloom: setting `specloom.{name}` = {value!r} is invalid ({problem}); "
                f"using {_get(data, place)!r} instead."
            )
            continue
        data = candidate
    return Config.model_validate(data), warnings


def _with(data: dict, place: tuple[str, ...], value: object) -> dict:
    out = dict(data)
    if len(place) == 1:
        out[place[0]] = value
    else:
        out[place[0]] = {**out[place[0]], place[1]: value}
    return out


def _get(data: dict, place: tuple[str, ...]) -> object:
    return data[place[0]] if len(place) == 1 else data[place[0]][place[1]]
