"""Configuration: file < environment, and errors that name the file, key, value and fix."""

from pathlib import Path

import pytest

from specloom.config import Config, load_config
from specloom.core.errors import ConfigError
from specloom.core.source import DEFAULT_MAX_BYTES


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.write_text(text, encoding="utf-8")
    return path


def failure(root: Path, env: dict | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as exc:
        load_config(root, env or {})
    return exc.value


def test_defaults_without_any_file(tmp_path):
    config = load_config(tmp_path, {})
    assert config == Config()
    assert config.generation.language == "python"
    assert config.generation.framework is None  # the language's own: core/languages.py
    assert config.generation.output_dir == "generated"
    assert config.generation.coverage_threshold == 95
    assert config.generation.operations is None
    assert config.workspace.adr_folders == ["docs/adr", "doc/adr", "adr", "docs/decisions"]
    assert config.workspace.max_file_bytes == DEFAULT_MAX_BYTES == 50 * 1024 * 1024
    assert config.audit.backend == "sqlite"
    assert config.audit.path == ".specloom/audit.db"
    assert config.identity.tenant == "default"


def test_specloom_toml_is_read(tmp_path):
    write(
        tmp_path,
        "specloom.toml",
        '[generation]\nlanguage = "go"\ncoverage_threshold = 80\noperations = ["listBooks"]\n'
        '[workspace]\nexclude = ["vendor/**"]\n[audit]\nbackend = "foundationdb"\n[identity]\nuser = "ann"\n',
    )
    config = load_config(tmp_path, {})
    assert config.generation.language == "go"
    assert config.generation.coverage_threshold == 80
    assert config.generation.operations == ["listBooks"]
    assert config.workspace.exclude == ["vendor/**"]
    assert config.audit.backend == "foundationdb"
    assert config.identity.user == "ann"


def test_pyproject_tool_section_is_used_without_specloom_toml(tmp_path):
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n[tool.specloom.generation]\noutput_dir = "out"\n')
    assert load_config(tmp_path, {}).generation.output_dir == "out"


def test_specloom_toml_wins_over_pyproject(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.specloom.generation]\noutput_dir = "from-pyproject"\n')
    write(tmp_path, "specloom.toml", '[generation]\noutput_dir = "from-specloom"\n')
    assert load_config(tmp_path, {}).generation.output_dir == "from-specloom"


def test_pyproject_without_tool_section_gives_defaults(tmp_path):
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n')
    assert load_config(tmp_path, {}) == Config()


# --- environment ------------------------------------------------------------------


def test_environment_overrides_the_file(tmp_path):
    write(tmp_path, "specloom.toml", '[generation]\ncoverage_threshold = 80\nlanguage = "go"\n')
    env = {
        "SPECLOOM_GENERATION__COVERAGE_THRESHOLD": "90",
        "SPECLOOM_OUTPUT_DIR": "build/gen",
        "SPECLOOM_USER": "ann",
        "SPECLOOM_TENANT": "acme",
        "SPECLOOM_WORKSPACE__EXCLUDE": "vendor/**, dist/**",
        "SPECLOOM_WORKSPACE__ADR_FOLDERS": '["decisions"]',
        "SPECLOOM_WORKSPACE__MAX_FILE_BYTES": "1024",
        "SPECLOOM_LOG_LEVEL": "debug",  # not a setting of this file: ignored
        "HOME": "/root",
    }
    config = load_config(tmp_path, env)
    assert config.generation.coverage_threshold == 90
    assert config.generation.language == "go"  # from the file, not overridden
    assert config.generation.output_dir == "build/gen"
    assert (config.identity.user, config.identity.tenant) == ("ann", "acme")
    assert config.workspace.exclude == ["vendor/**", "dist/**"]
    assert config.workspace.adr_folders == ["decisions"]
    assert config.workspace.max_file_bytes == 1024


def test_full_variable_name_wins_over_short_alias(tmp_path):
    env = {"SPECLOOM_LANGUAGE": "rust", "SPECLOOM_GENERATION__LANGUAGE": "java"}
    assert load_config(tmp_path, env).generation.language == "java"


def test_short_alias_for_coverage(tmp_path):
    assert load_config(tmp_path, {"SPECLOOM_COVERAGE_THRESHOLD": "75.5"}).generation.coverage_threshold == 75.5


def test_reads_os_environ_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("SPECLOOM_LANGUAGE", "typescript")
    assert load_config(tmp_path).generation.language == "typescript"


# --- errors -------------------------------------------------------------------------


def test_out_of_range_value_names_file_key_value_and_fix(tmp_path):
    path = write(tmp_path, "specloom.toml", "[generation]\ncoverage_threshold = 150\n")
    error = failure(tmp_path)
    assert error.path == str(path)
    assert error.key == "generation.coverage_threshold"
    assert "less than or equal to 100, got 150" in error.message
    assert error.suggestion == "Set `coverage_threshold` to a percentage from 0 to 100."
    assert str(path) in str(error) and error.suggestion in str(error)


def test_bad_choice_lists_the_valid_ones(tmp_path):
    write(tmp_path, "specloom.toml", '[audit]\nbackend = "mysql"\n')
    error = failure(tmp_path)
    assert error.key == "audit.backend"
    assert "'sqlite' or 'foundationdb', got 'mysql'" in error.message


def test_unknown_key_suggests_the_nearest(tmp_path):
    write(tmp_path, "specloom.toml", "[generation]\ncoverage_treshold = 90\n")
    error = failure(tmp_path)
    assert error.key == "generation.coverage_treshold"
    assert "unknown setting" in error.message
    assert error.suggestion.startswith("Did you mean `coverage_threshold`?")
    assert "language, framework, output_dir, coverage_threshold, operations" in error.suggestion


def test_unknown_section_in_pyproject_is_named_with_its_full_key(tmp_path):
    path = write(tmp_path, "pyproject.toml", "[tool.specloom.workspaces]\nexclude = []\n")
    error = failure(tmp_path)
    assert error.path == str(path)
    assert error.key == "tool.specloom.workspaces"
    assert "Did you mean `workspace`?" in error.suggestion


def test_unknown_key_far_from_any_known_one(tmp_path):
    write(tmp_path, "specloom.toml", "[identity]\nzzzzzz = 1\n")
    assert failure(tmp_path).suggestion == "Remove it; known keys in [identity]: user, tenant."


def test_wrong_type_inside_a_list(tmp_path):
    write(tmp_path, "specloom.toml", "[workspace]\nadr_folders = ['docs/adr', 3]\n")
    error = failure(tmp_path)
    assert error.key == "workspace.adr_folders.1"
    assert "valid string, got 3" in error.message
    assert "a list of folders" in error.suggestion


def test_section_that_is_not_a_table(tmp_path):
    write(tmp_path, "specloom.toml", "generation = 5\n")
    error = failure(tmp_path)
    assert error.key == "generation"
    assert error.suggestion == "Set `generation` to a table."


def test_malformed_toml_reports_line_and_column(tmp_path):
    path = write(tmp_path, "specloom.toml", '[generation]\nlanguage = "go"\noutput_dir = generated\n')
    error = failure(tmp_path)
    assert error.path == str(path)
    assert error.key is None
    assert "not valid TOML at line 3, column 14" in error.message
    assert "strings need quotes" in error.suggestion


def test_file_that_is_not_utf8(tmp_path):
    (tmp_path / "specloom.toml").write_bytes(b'[identity]\nuser = "\xe9"\n')
    assert "not valid UTF-8" in failure(tmp_path).message


def test_bad_environment_value_names_the_variable(tmp_path):
    write(tmp_path, "specloom.toml", "[generation]\ncoverage_threshold = 80\n")
    error = failure(tmp_path, {"SPECLOOM_COVERAGE_THRESHOLD": "ninety"})
    assert error.path == "environment variable SPECLOOM_COVERAGE_THRESHOLD"
    assert error.key == "generation.coverage_threshold"
    assert "got 'ninety'" in error.message


def test_unknown_environment_setting_suggests_the_nearest(tmp_path):
    error = failure(tmp_path, {"SPECLOOM_GENERATION__OUTPUTDIR": "x"})
    assert error.path == "environment variable SPECLOOM_GENERATION__OUTPUTDIR"
    assert error.key == "generation.outputdir"
    assert error.suggestion.startswith("Did you mean `output_dir`?")


def test_environment_variable_with_too_many_parts(tmp_path):
    error = failure(tmp_path, {"SPECLOOM_GENERATION__OUTPUT__DIR": "x"})
    assert error.path == "environment variable SPECLOOM_GENERATION__OUTPUT__DIR"
    assert "SPECLOOM_<SECTION>__<KEY>" in error.suggestion


def test_environment_override_of_a_section_that_is_not_a_table(tmp_path):
    write(tmp_path, "specloom.toml", "generation = 5\n")
    error = failure(tmp_path, {"SPECLOOM_LANGUAGE": "go"})
    assert error.key == "generation"
    assert error.suggestion == "Write it as [generation]."


def test_the_api_section_of_the_issue_is_read(tmp_path):
    write(
        tmp_path,
        "specloom.toml",
        """[api]
jwt_secret_env = "SPECLOOM_JWT_SECRET"
jwt_issuer = "https://id.example.com"
jwt_audience = "specloom"
tenant_claim = "tenant_id"
roles_claim = "roles"
policy_file = "policy.toml"
max_queue = 32
""",
    )
    api = load_config(tmp_path, {}).api
    assert (api.jwt_secret_env, api.jwt_issuer, api.jwt_audience, api.max_queue) == (
        "SPECLOOM_JWT_SECRET",
        "https://id.example.com",
        "specloom",
        32,
    )


def test_an_api_key_misspelt_is_named_with_the_nearest(tmp_path):
    write(tmp_path, "specloom.toml", '[api]\njwt_audiance = "specloom"\n')
    error = failure(tmp_path)
    assert error.key == "api.jwt_audiance" and error.suggestion.startswith("Did you mean `jwt_audience`?")


def test_two_sources_of_token_keys_are_refused(tmp_path):
    write(tmp_path, "specloom.toml", '[api]\njwt_secret_env = "S"\njwks_file = "jwks.json"\n')
    error = failure(tmp_path)
    assert error.key == "api" and "jwt_secret_env and jwks_file" in error.message


def test_a_queue_bound_below_one_names_the_key(tmp_path):
    error = failure(tmp_path, {"SPECLOOM_API__MAX_QUEUE": "0"})
    assert error.key == "api.max_queue" and "SPECLOOM_API__MAX_QUEUE" in error.path
