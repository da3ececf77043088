from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# CI machines vary in speed; per-example deadlines there only produce flaky failures.
settings.register_profile("specloom", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("specloom")


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
