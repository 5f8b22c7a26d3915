"""No `outsidein` import hides inside a function to dodge the layers contract (ADR 0016).

A function-local import is allowed only where the reason is documented here: each entry names
the module and why. A new one fails this test until its reason is written down (or the code
moves to where a top-level import is allowed).
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "outsidein"

# module (relative to outsidein/) -> why its function-local outsidein imports are there
ALLOWED = {
    # AppConfig.ready runs once the app registry is loaded: the only place an app may import
    # its models and services for start-up wiring (Django's own rule).
    "compliance/apps.py": "AppConfig.ready registers compliance's change listener",
    "common/apps.py": "AppConfig.ready registers the SECRET_KEY deploy check",
}


def function_local_imports() -> dict[str, list[int]]:
    """module -> lines of `outsidein` imports placed inside a function, tests excluded."""
    found: dict[str, list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in f"/{relative}":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                names = []
                if isinstance(inner, ast.ImportFrom) and inner.module:
                    names = [inner.module]
                elif isinstance(inner, ast.Import):
                    names = [a.name for a in inner.names]
                if any(n == "outsidein" or n.startswith("outsidein.") for n in names):
                    found.setdefault(relative, []).append(inner.lineno)
    return {k: sorted(set(v)) for k, v in found.items()}


def test_every_function_local_outsidein_import_has_a_documented_reason():
    undocumented = {m: lines for m, lines in function_local_imports().items() if m not in ALLOWED}
    assert not undocumented, (
        f"outsidein imports inside functions: {undocumented}. Move them to the top of the module "
        "(if the layers contract then breaks, the code is in the wrong layer), or document the "
        "reason in tests/test_local_imports.py ALLOWED.")


def test_the_documented_list_holds_nothing_stale():
    assert set(ALLOWED) <= set(function_local_imports()), "remove entries that no longer apply"
