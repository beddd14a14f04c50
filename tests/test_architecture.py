"""The floors hold: every import points down (or sideways within an app), and no two modules import each other.

Floors, lowest first: skills_admin/lib (imports no app) → plans → targets → reports → the project package
(settings, urls, Celery app). Every import counts, function-local ones too: an import put inside a function
to dodge a cycle is still a dependency a newcomer has to follow. See docs/architecture.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("skills_admin", "plans", "targets", "reports")
FLOORS = {"skills_admin.lib": 0, "plans": 1, "targets": 2, "reports": 3, "skills_admin": 4}
FLOOR_NAMES = {0: "skills_admin/lib", 1: "plans", 2: "targets", 3: "reports", 4: "the project package"}

# Pairs known to import each other, each with its reason; the list is meant to shrink.
ALLOWED_CYCLES: set[frozenset[str]] = set()  # none: name one here only with the reason it cannot be cut


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def _imports(path: Path, known: set[str]) -> set[str]:
    """The project modules `path` imports: `from a import b` names a.b when b is a module, else a."""
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only = {  # `if TYPE_CHECKING:` imports are for annotations; they never run
        id(child) for node in ast.walk(tree) if _is_type_checking(node) for child in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = {f"{node.module}.{alias.name}" for alias in node.names} & known
            found.update(subs or {node.module})
    return {name for name in found if name in known}


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, known) - {name} for name, path in modules.items()}


def floor_of(module: str) -> int:
    prefix = next(p for p in sorted(FLOORS, key=len, reverse=True) if module == p or module.startswith(p + "."))
    return FLOORS[prefix]


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan, iteration-free enough for ~150)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_walker_sees_the_apps():
    graph = _graph()
    assert {"plans.models", "targets.services", "reports.views", "skills_admin.lib.versions"} <= set(graph)
    assert "plans.models" in graph["targets.models"]
    assert "targets.queries" in graph["reports.api"]  # `from targets import queries` names the module


def test_no_import_runs_from_a_lower_floor_to_a_higher_one():
    upward = [
        f"{module} ({FLOOR_NAMES[floor_of(module)]}) imports {target} ({FLOOR_NAMES[floor_of(target)]})"
        for module, targets in sorted(_graph().items())
        for target in sorted(targets)
        if floor_of(target) > floor_of(module)
    ]
    assert upward == []


def test_no_two_modules_import_each_other():
    cycles = [sorted(c) for c in _cycles(_graph()) if frozenset(c) not in ALLOWED_CYCLES]
    assert cycles == []


def test_floor_walker_catches_an_upward_import_and_a_cycle():
    graph = {"plans.a": {"targets.b"}, "targets.b": {"plans.a"}}
    assert floor_of("plans.a") < floor_of("targets.b")
    assert _cycles(graph) == [{"plans.a", "targets.b"}]
    assert floor_of("skills_admin.lib.versions") == 0 and floor_of("skills_admin.urls") == 4


ENGINE_MAY_IMPORT = {"plans.models", "targets.models"}


def test_the_engine_imports_only_the_models():
    """The progress engine is its own package: arithmetic, kinds, rows, the report and projections read the
    models and nothing else of the project (no page, form, service or report module)."""
    graph = _graph()
    engine = {name for name in graph if name == "targets.engine" or name.startswith("targets.engine.")}
    assert len(engine) >= 6, engine
    strays = {
        (module, imported)
        for module in engine
        for imported in graph[module]
        if imported not in ENGINE_MAY_IMPORT and imported not in engine
    }
    assert not strays, f"the engine imports outside the models: {sorted(strays)}"
