"""bench/load.py, small, on the real services: the load runs and its accounting holds.

The benchmark proper (`make bench`) is too long for the suite; this keeps it working."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.opensearch]


def test_a_small_load_loses_nothing(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "bench/load.py",
            *("--participants", "6", "--readers", "8", "--seconds", "8", "--think", "1"),
            *("--database", "cocrea_bench_load_test"),
        ],
        cwd=ROOT,
        env={**os.environ, "BENCH_RESULTS_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "RESULT: lost = 0, nothing missing" in result.stdout
    (written,) = tmp_path.glob("load-*.json")
    run = json.loads(written.read_text())["run"]
    assert run["contributions"]["accepted"] > 0
    assert run["found"]["in_index"] == run["found"]["on_pages"] == run["contributions"]["accepted"]
    assert run["live"]["delivered"] == run["live"]["expected"] > 0
    assert run["workers"]["ok"]
