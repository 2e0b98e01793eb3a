"""No import cycles among cibwatch's modules (imports under ``if TYPE_CHECKING:`` aside; the
imports inside functions count: a cycle through them is a layering fault all the same)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

#: Cycles kept on purpose, each with its reason. ``runs`` and ``pipeline`` read
#: ``cibwatch.__version__`` (inside functions) from the package that imports them; they
#: belong to the engine work of issue 12 (a ``cibwatch._version`` module would end it).
ALLOWED: set[frozenset[str]] = set()  # none: the version is read from cibwatch._version


def _modules() -> dict[str, tuple[Path, bool]]:
    mods = {}
    for p in (SRC / "cibwatch").rglob("*.py"):
        parts = list(p.relative_to(SRC).with_suffix("").parts)
        package = parts[-1] == "__init__"
        mods[".".join(parts[:-1] if package else parts)] = (p, package)
    return mods


def _type_checking(node: ast.If) -> bool:
    t = node.test
    return ((isinstance(t, ast.Name) and t.id == "TYPE_CHECKING")
            or (isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"))


def _imported(mod: str, package: bool, node: ast.Import | ast.ImportFrom,
              mods: dict[str, tuple[Path, bool]]) -> set[str]:
    """The cibwatch modules an import statement of ``mod`` loads (besides their packages)."""
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in mods}
    base = mod.split(".") if package else mod.split(".")[:-1]
    if node.level:
        base = base[:len(base) - (node.level - 1)]
        prefix = ".".join([*base, *([node.module] if node.module else [])])
    else:
        prefix = node.module or ""
    found = set()
    for a in node.names:
        sub = f"{prefix}.{a.name}"
        found.add(sub if sub in mods else prefix)  # a submodule, else a name of the module
    return {m for m in found if m in mods and m != mod}


def import_graph() -> dict[str, set[str]]:
    mods = _modules()
    graph: dict[str, set[str]] = {}
    for mod, (path, package) in mods.items():
        deps: set[str] = set()

        def walk(nodes: list[ast.stmt], mod: str = mod, package: bool = package,
                 deps: set[str] = deps) -> None:
            for n in nodes:
                if isinstance(n, ast.If) and _type_checking(n):
                    walk(n.orelse)
                    continue
                if isinstance(n, ast.Import | ast.ImportFrom):
                    deps |= _imported(mod, package, n, mods)
                for name in ("body", "orelse", "finalbody", "handlers"):
                    sub = getattr(n, name, None)
                    if isinstance(sub, list):
                        walk(sub)
                if isinstance(n, ast.Match):
                    for c in n.cases:
                        walk(c.body)

        walk(ast.parse(path.read_text(encoding="utf-8")).body)
        graph[mod] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(frozenset(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_finder_sees_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        frozenset({"a", "b", "c"})]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_imports_inside_functions() -> None:
    graph = import_graph()
    assert "cibwatch.report.outputs" in graph["cibwatch.api"]  # imported inside functions
    assert "cibwatch.store" in graph["cibwatch.api"]


def test_no_import_cycles() -> None:
    found = [sorted(c) for c in cycles(import_graph()) if c not in ALLOWED]
    assert not found, f"import cycles among cibwatch's modules: {found}"


def test_the_version_is_the_packages() -> None:
    import tomllib

    import cibwatch

    meta = tomllib.loads((SRC.parent / "pyproject.toml").read_text())
    assert cibwatch.__version__ == meta["project"]["version"]
