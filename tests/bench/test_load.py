"""The load benchmark (``python -m bench.load``), small, on the real services: the load
runs and its accounting holds.

The benchmark proper (`make bench`) is too long for the suite; this keeps it working. Its
database (and the Redis keys and indexes named after it) is named after the test run's
own, so two runs on one server never share it."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.opensearch]


def test_a_small_load_loses_nothing(tmp_path):
    database = f"{urlsplit(os.environ['DATABASE_URL']).path.strip('/')}_bench_load"
    result = subprocess.run(
        [
            sys.executable,
            *("-m", "bench.load"),
            *("--participants", "6", "--readers", "8", "--seconds", "8", "--think", "1"),
            *("--database", database),
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
