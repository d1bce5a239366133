"""The Nu Html Checker (vnu.jar, the W3C's validator) on pages the tests rendered.

``make vnu`` fetches the jar into ``var/vnu/``; it runs on the machine's Java. Without
either the tests that need it are skipped — or fail where everything is required (CI).
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import _services_required

VNU_JAR = Path(settings.BASE_DIR) / "var" / "vnu" / "vnu.jar"


def require_validator() -> tuple[str, Path]:
    java = shutil.which("java")
    missing = None if java else "java is not installed (apt-get install openjdk-17-jre-headless)"
    if missing is None and not VNU_JAR.exists():
        missing = f"{VNU_JAR} is missing (run `make vnu`)"
    if missing:
        if _services_required():
            pytest.fail(f"the HTML validator is required here (CI) but {missing}", pytrace=False)
        pytest.skip(missing)
    return java, VNU_JAR


def html_errors(documents: dict[str, str]) -> list[str]:
    """Every error the checker finds in ``documents`` (name → HTML), as "name: line: message
    — extract". Warnings are not errors: the tests hold pages to valid HTML, not to advice."""
    java, jar = require_validator()
    with tempfile.TemporaryDirectory(prefix="cocrea-html-") as folder:
        files = {}
        for number, (name, html) in enumerate(documents.items()):
            path = Path(folder) / f"{number:04d}.html"
            path.write_text(html, encoding="utf-8")
            files[path.name] = name
        result = subprocess.run(
            [java, "-Xss2m", "-jar", str(jar), "--errors-only", "--format", "json", "--stdout", *sorted(files)],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"the HTML validator did not answer in JSON: {result.stdout[:500]} {result.stderr[:500]}")
    return [
        f"{_document(message, files)}: {message.get('lastLine', '?')}: {message['message']} — "
        f"{message.get('extract', '').strip()[:120]}"
        for message in messages
        if message.get("type") in {"error", "non-document-error"}
    ]


def _document(message: dict, files: dict[str, str]) -> str:
    url = message.get("url", "?")
    return files.get(url.rpartition("/")[2], url)
