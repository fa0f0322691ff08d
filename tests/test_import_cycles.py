"""No import cycles among our modules, counting imports inside functions too.

A cycle broken by a function-local import is still a cycle (it only moves the failure to run
time), so this reads every ``import`` statement in the module, wherever it is, except those
under ``if TYPE_CHECKING:`` (never run).
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("shared", "services", "deploy")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, known: set[str]) -> set[str]:
    """The modules of ours that this file imports (``from a import b`` counts a.b if a module)."""
    found: set[str] = set()
    for node in _run_time_nodes(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name in known}


def _run_time_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node, leaving out the bodies of ``if TYPE_CHECKING:``."""
    nodes: list[ast.AST] = []
    waiting = [tree]
    while waiting:
        node = waiting.pop()
        nodes.append(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            waiting.extend(node.orelse)
            continue
        waiting.extend(ast.iter_child_nodes(node))
    return nodes


def _graph(package: str) -> dict[str, set[str]]:
    files = {
        _module_name(path): path
        for path in (ROOT / package).rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    }
    known = set(files)
    graph = {}
    for name, path in files.items():
        # a package's __init__ is imported with each submodule: not an edge of its own
        imported = _imports(path, known)
        graph[name] = {m for m in imported if m != name and not name.startswith(m + ".")}
    return graph


@pytest.mark.parametrize("package", ["shared", "deploy", "services"])
def test_a_package_has_no_import_cycle(package: str) -> None:
    graph = _graph(package)
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        pytest.fail(f"import cycle: {' -> '.join(error.args[1])}")
