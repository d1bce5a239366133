"""The apps' imports point down the layers, and none hides inside a function.

The layers (see README, "Layout"): ``core`` at the bottom; then ``search``, ``accounts``
and ``discussions`` (in that order: discussions may use the other two, neither uses
discussions); then the discussion hosts (``consultations``, ``forum``, ``budgets``,
``hearings``), which never import each other; then the site, ``cocrea``; then ``demo``.
A module may import its own app and any app of a lower rank.

An import inside a function is refused too, unless it is Django's own pattern (an
``AppConfig.ready()``, a migration's function) or says why on its line with
``# lazy:`` (start-up cost, not a cycle).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RANKS = {
    "core": 0,
    "search": 1,
    "accounts": 2,
    "discussions": 3,
    "consultations": 4,
    "forum": 4,
    "budgets": 4,
    "hearings": 4,
    "cocrea": 5,
    "demo": 6,
}


def _modules():
    for app in RANKS:
        folder = ROOT / app
        if folder.is_dir():
            yield from sorted(folder.rglob("*.py"))


def _imported_apps(node: ast.AST, module_path: Path) -> list[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        if node.level:  # relative: within the module's own package
            return []
        names = [node.module or ""]
    else:
        return []
    return [name.split(".")[0] for name in names if name.split(".")[0] in RANKS]


def _function_imports(tree: ast.AST):
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    yield function, node


def _app_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


def _layer_violations() -> list[str]:
    found = []
    for path in _modules():
        app = _app_of(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            for imported in _imported_apps(node, path):
                if imported == app:
                    continue
                if RANKS[imported] >= RANKS[app]:
                    relation = "a peer" if RANKS[imported] == RANKS[app] else "a higher layer"
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {imported} ({relation})")
    return found


def _hidden_imports() -> list[str]:
    found = []
    for path in _modules():
        relative = path.relative_to(ROOT)
        if "migrations" in relative.parts:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines), filename=str(path))
        for function, node in _function_imports(tree):
            if path.name == "apps.py" and function.name == "ready":
                continue
            if "# lazy:" in lines[node.lineno - 1]:
                continue
            found.append(f"{relative}:{node.lineno} imports inside {function.name}()")
    return found


def test_no_module_imports_from_a_higher_layer_or_a_peer():
    assert _layer_violations() == []


def test_no_import_hides_inside_a_function():
    assert _hidden_imports() == []


@pytest.mark.parametrize(
    ("source", "app", "expected"),
    [
        ("from consultations.models import ConsultationPage\n", "discussions", 1),
        ("from forum.models import Topic\n", "consultations", 1),
        ("from core.models import Territory\n", "discussions", 0),
        ("from .models import Contribution\n", "discussions", 0),
    ],
)
def test_the_checker_itself_sees_an_upward_import(tmp_path, source, app, expected):
    """The rule above cannot pass by reading nothing."""
    module = tmp_path / app / "example.py"
    module.parent.mkdir()
    module.write_text(source, encoding="utf-8")
    tree = ast.parse(source)
    upward = [
        imported
        for node in ast.walk(tree)
        for imported in _imported_apps(node, module)
        if imported != app and RANKS[imported] >= RANKS[app]
    ]
    assert len(upward) == expected
