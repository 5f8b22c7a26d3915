"""The warehouse's modules share a small public interface: none reaches into another's private
names, none hides an import inside a function or a TYPE_CHECKING block, and only `engines`
opens DuckDB or Spark. A new module that breaks one of these fails here, named with its line."""

import ast
from pathlib import Path

import outsidein.warehouse

WAREHOUSE = Path(outsidein.warehouse.__file__).parent
ENGINE_PACKAGES = {"duckdb", "pyspark"}


def modules() -> list[Path]:
    return sorted(p for p in WAREHOUSE.rglob("*.py") if "tests" not in p.relative_to(WAREHOUSE).parts)


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(WAREHOUSE.parent.parent)}:{node.lineno}"


def test_the_checks_see_every_module():
    names = {p.stem for p in modules()}
    assert {"store", "sessions", "undo", "journal", "layout", "engines", "schema"} <= names


def test_no_module_imports_another_modules_private_names():
    found = [f"{where(path, node)} imports {alias.name} from {node.module}"
             for path in modules() for node in ast.walk(ast.parse(path.read_text()))
             if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("outsidein")
             for alias in node.names if private(alias.name)]
    assert found == []


def test_no_module_reaches_into_another_objects_private_attributes():
    # `self._x` and `cls._x` are an object's own business; `store._x` is not.
    found = [f"{where(path, node)} uses {ast.unparse(node)}"
             for path in modules() for node in ast.walk(ast.parse(path.read_text()))
             if isinstance(node, ast.Attribute) and private(node.attr)
             and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))]
    assert found == []


def test_outsidein_imports_are_at_the_top_of_each_module():
    found = []
    for path in modules():
        tree = ast.parse(path.read_text())
        top = set(tree.body)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom | ast.Import) and node not in top:
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [
                    alias.name for alias in node.names]
                if any(name.startswith("outsidein") for name in names):
                    found.append(f"{where(path, node)} imports {', '.join(names)} inside a block")
    assert found == []


def imported(path: Path) -> list[tuple[ast.AST, list[str]]]:
    """Each import statement of a module (at any depth) with the modules it names."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.append((node, [alias.name for alias in node.names]))
        elif isinstance(node, ast.ImportFrom):
            found.append((node, [node.module or ""]))
    return found


def test_only_engines_imports_duckdb_or_spark():
    found = [f"{where(path, node)} imports {', '.join(names)}"
             for path in modules() if path.stem != "engines"
             for node, names in imported(path)
             if any(name.split(".")[0] in ENGINE_PACKAGES for name in names)]
    assert found == []

