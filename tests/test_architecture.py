"""The package's shape, checked from its source: no import cycle, and every import points to
the same stage of the pipeline or an earlier one (docs/architecture.md lists the stages).

Every `import` is read with `ast`: at module level, inside functions (a lazy import still runs,
so it can still close a cycle) and under `if TYPE_CHECKING:` (never run, so it cannot close a
runtime cycle, and may close one inside a package, but the stage order applies to it). An
`importlib.import_module("cilint.x." + ...)` counts as importing every module under
`cilint.x` (the formats of `cilint.report`, the extractors of `cilint.facts`).
"""

from __future__ import annotations

import ast
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "lint" / "cilint"

# The stages, in pipeline order; a module may import its own stage or an earlier one.
STAGES: tuple[tuple[str, ...], ...] = (
    ("base",),
    ("inputs",),
    ("yaml",),
    ("schema",),
    ("config",),
    ("facts",),
    ("graph",),
    ("rules",),
    ("suppression",),
    ("cache",),
    ("pipeline",),
    ("change",),
    ("report", "explain", "fix", "baseline"),
    ("cli",),
)
# Modules directly under cilint/ that every stage may use. `__main__` is the `python -m cilint`
# entry, a part of the cli.
BASE_MODULES = {
    "errors",
    "findings",
    "location",
    "tags",
    "atomic_write",
    "resources",
    "printable",
    "__init__",
}
TOP_LEVEL_STAGE = {"__main__": "cli"}

# Imports that break the stage order on purpose: (importer, imported) → why. Keep it empty.
ALLOWED_BACKWARD: dict[tuple[str, str], str] = {}

RUNTIME, LAZY, TYPING, DYNAMIC = "module-level", "in a function", "TYPE_CHECKING", "dynamic"


@dataclass(frozen=True)
class Edge:
    importer: str
    imported: str
    how: str  # RUNTIME, LAZY, TYPING or DYNAMIC
    line: int

    def __str__(self) -> str:
        path = module_path(self.importer).relative_to(REPO)
        return f"{self.importer} -> {self.imported}  ({path}:{self.line}, {self.how})"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = _modules()
PACKAGES = {
    module_name(p / "__init__.py")
    for p in [PACKAGE, *PACKAGE.rglob("*")]
    if p.is_dir() and p.name != "__pycache__"
}


def module_path(name: str) -> Path:
    return MODULES[name]


def stage_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "base"
    if len(parts) == 2 and f"{module}" not in PACKAGES:
        if parts[1] in BASE_MODULES:
            return "base"
        if parts[1] in TOP_LEVEL_STAGE:
            return TOP_LEVEL_STAGE[parts[1]]
        raise AssertionError(
            f"{module}: a module directly under cilint/ belongs to no stage: put it in a stage's "
            "package, or add it to BASE_MODULES in tests/test_architecture.py"
        )
    return parts[1]


def level(module: str) -> int:
    stage = stage_of(module)
    for index, stages in enumerate(STAGES):
        if stage in stages:
            return index
    raise AssertionError(
        f"{module}: the package cilint.{stage} is in no stage of STAGES "
        "(tests/test_architecture.py, docs/architecture.md)"
    )


def _targets(module: str, imported: str) -> Iterator[str]:
    """The cilint modules that importing `imported` from `module` runs: it, and the __init__ of
    each package above it that is not above `module` too (those already run)."""
    if imported not in MODULES and imported not in PACKAGES:
        raise AssertionError(f"{module} imports {imported}, which is not a module of cilint")
    parts = imported.split(".")
    own = set(_ancestors(module))
    for end in range(2, len(parts)):
        package = ".".join(parts[:end])
        if package not in own and package in MODULES:
            yield package
    if imported in MODULES:  # not a namespace package (no __init__.py: nothing runs)
        yield imported


def _ancestors(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts))] + [module]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _resolve_from(module: str, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = module if module in PACKAGES else module.rsplit(".", 1)[0]
    base = package.split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _dynamic_prefix(node: ast.Call) -> str | None:
    """`cilint.x.` for `importlib.import_module("cilint.x." ...)` or an f-string so built."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name != "import_module" or not node.args:
        return None
    arg = node.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr) and arg.values:
        first = arg.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    if isinstance(arg, ast.BinOp) and isinstance(arg.left, ast.Constant):
        return str(arg.left.value)
    return None


def _dynamic_imports(module: str, node: ast.Call) -> Iterator[Edge]:
    prefix = _dynamic_prefix(node) or ""
    if not prefix.startswith("cilint."):
        return
    found = [m for m in MODULES if m.startswith(prefix) and m != module]
    assert found, f"{module}:{node.lineno} imports {prefix}..., which matches nothing"
    for name in found:
        for target in _targets(module, name):
            yield Edge(module, target, DYNAMIC, node.lineno)


def _imports(module: str, tree: ast.Module) -> Iterator[Edge]:
    def visit(node: ast.AST, how: str) -> Iterator[Edge]:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from visit(child, TYPING)
            for child in node.orelse:
                yield from visit(child, how)
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            how = LAZY if how == RUNTIME else how
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "cilint":
                    for target in _targets(module, alias.name):
                        yield Edge(module, target, how, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            source = _resolve_from(module, node)
            if source.split(".")[0] == "cilint":
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    imported = submodule if submodule in MODULES else source
                    for target in _targets(module, imported):
                        yield Edge(module, target, how, node.lineno)
        elif isinstance(node, ast.Call):
            yield from _dynamic_imports(module, node)
        for child in ast.iter_child_nodes(node):
            yield from visit(child, how)

    yield from visit(tree, RUNTIME)


def _edges() -> list[Edge]:
    """Every import edge, once per (importer, imported, how) at its first line."""
    edges: dict[tuple[str, str, str], Edge] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for edge in _imports(module, tree):
            if edge.imported != module:
                edges.setdefault((edge.importer, edge.imported, edge.how), edge)
    return list(edges.values())


EDGES = _edges()


def _cycle(edges: list[Edge]) -> list[Edge] | None:
    """One import cycle among `edges`, as its edges, or None."""
    out: dict[str, list[Edge]] = {}
    for edge in edges:
        out.setdefault(edge.importer, []).append(edge)
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(MODULES, WHITE)
    path: list[Edge] = []

    def visit(module: str) -> list[Edge] | None:
        colour[module] = GREY
        for edge in out.get(module, ()):
            if colour[edge.imported] == GREY:
                start = next(
                    (i for i, e in enumerate(path) if e.importer == edge.imported), len(path)
                )
                return path[start:] + [edge]
            if colour[edge.imported] == WHITE:
                path.append(edge)
                found = visit(edge.imported)
                if found:
                    return found
                path.pop()
        colour[module] = BLACK
        return None

    for module in sorted(MODULES):
        if colour[module] == WHITE and (found := visit(module)):
            return found
    return None


def test_the_walk_sees_the_package() -> None:
    # A guard for the guards below: the walk finds the stages and imports of every kind.
    assert {stage_of(m) for m in MODULES} >= {s for stages in STAGES for s in stages}
    kinds = {e.how for e in EDGES}
    assert {RUNTIME, LAZY, TYPING, DYNAMIC} <= kinds, kinds
    assert any(e.importer == "cilint.report" and e.imported == "cilint.report.text" for e in EDGES)


def test_no_import_cycle_at_runtime() -> None:
    """Module-level, function-level and importlib imports: what runs."""
    cycle = _cycle([e for e in EDGES if e.how != TYPING])
    assert cycle is None, "import cycle:\n  " + "\n  ".join(map(str, cycle or []))


def _components(edges: list[Edge]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    out: dict[str, list[str]] = {}
    for edge in edges:
        out.setdefault(edge.importer, []).append(edge.imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in out.get(module, ()):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(component)

    for module in sorted(MODULES):
        if module not in index:
            visit(module)
    return found


def test_type_only_cycles_stay_inside_one_package() -> None:
    """A `TYPE_CHECKING` import back to a module that imports this one (a Protocol naming the
    context it is checked with) never runs; it is fine inside one package, not across two."""
    spread = [
        sorted(component)
        for component in _components(EDGES)
        if len({m.rsplit(".", 1)[0] if m not in PACKAGES else m for m in component}) > 1
    ]
    assert not spread, f"import cycles across packages (through TYPE_CHECKING): {spread}"


def test_imports_follow_the_stage_order() -> None:
    backward = [
        edge
        for edge in EDGES
        if level(edge.imported) > level(edge.importer)
        and (edge.importer, edge.imported) not in ALLOWED_BACKWARD
    ]
    assert not backward, (
        "imports of a later stage (stages: "
        + " → ".join("/".join(s) for s in STAGES)
        + "):\n  "
        + "\n  ".join(f"[{stage_of(e.importer)} → {stage_of(e.imported)}] {e}" for e in backward)
    )


def test_allowed_exceptions_are_still_needed() -> None:
    present = {(e.importer, e.imported) for e in EDGES}
    stale = [pair for pair in ALLOWED_BACKWARD if pair not in present]
    assert not stale, f"ALLOWED_BACKWARD lists imports that no longer exist: {stale}"


EXAMPLES = REPO / "examples" / "release"


@pytest.mark.parametrize("enabled", [True, False], ids=["gc-on", "gc-off"])
@pytest.mark.parametrize(
    "argv",
    [["rules"], ["check", "--root", str(EXAMPLES), "--no-cache", "--jobs", "1"]],
    ids=["rules", "check"],
)
def test_main_leaves_the_garbage_collector_as_it_found_it(
    argv: list[str], enabled: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """The speed tricks (the run's session pauses the collector; `run` ends with os._exit)
    stay out of the in-process entry point."""
    from cilint.cli.entry import main

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        code = main(argv)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    captured = capsys.readouterr()
    assert code in (0, 1), captured.err
    assert "internal error" not in captured.err
