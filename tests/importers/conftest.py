from pathlib import Path

import pytest

from tests.fixtures import SAMPLES


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.fail(f"The public sample files are expected at {SAMPLES}")
    return SAMPLES
