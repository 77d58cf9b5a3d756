"""Print the project's import graph between its modules: packages, loops, and imports that run upward.

    python scripts/imports.py            # summary: edges between packages, loops, upward imports
    python scripts/imports.py --modules  # every module-to-module edge
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP = ("vocab", "matching", "search", "market", "bench")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    out = {}
    for top in TOP:
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" not in path.parts:
                out[module_name(path)] = path
    return out


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Modules of the project that ``name`` imports (at any depth of the file, lazily or not)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from pkg import sub` names the submodule; `from pkg import thing` names the package.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def third_party(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            out.add(node.module.split(".")[0])
    return out - set(TOP)


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def floor(name: str) -> tuple[int, str]:
    """Where a module stands: 0 vocab; 1 the libraries; 2 the site's ground (models, db, errors, …);
    3 a feature's rules; 4 views and the web layer; 5 the app factory, commands and benchmarks."""
    parts = name.split(".")
    if parts[0] == "vocab":
        return 0, "vocab"
    if parts[0] in ("matching", "search"):
        return 1, parts[0]
    if parts[0] == "bench" or name in ("market", "market.cli", "market.launch", "market.demo"):
        return 5, name
    if parts[-1] in ("views", "recommend_views", "pages") or name in ("market.web", "market.pages", "market.health",
                                                             "market.openapi", "market.api_schemas", "market.errors_http",
                                                             "market.extensions"):
        return 4, name
    if len(parts) >= 3 or name in ("market.recommend", "market.search_index", "market.importer"):
        return 3, name
    return 2, name


def loops(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for v in g:
        if v not in index:
            visit(v)
    return out


def feature(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if parts[0] == "market" and len(parts) >= 3 else None


def problems(g: dict[str, set[str]]) -> list[str]:
    out = []
    paths = modules()
    for a, targets in sorted(g.items()):
        fa, _ = floor(a)
        for b in sorted(targets):
            fb, _ = floor(b)
            if a.split(".")[0] in ("matching", "search") and b.split(".")[0] in ("matching", "search") \
                    and a.split(".")[0] != b.split(".")[0]:
                out.append(f"library imports library: {a} -> {b}")
            elif fb > fa and not (fa == 1 and b.split(".")[0] == a.split(".")[0]):
                out.append(f"upward: {a} (floor {fa}) -> {b} (floor {fb})")
            elif fa == fb == 4 and b.endswith("views") and feature(a) != feature(b):
                out.append(f"a view imports another feature's views: {a} -> {b}")
        if floor(a)[0] <= 3 and "flask" in third_party(paths[a]) | {"flask_login"} & third_party(paths[a]):
            out.append(f"Flask below the web floor: {a}")
    for group in loops(g):
        out.append("loop: " + " <-> ".join(group))
    return out


def main() -> int:
    g = graph()
    if "--modules" in sys.argv:
        for a in sorted(g):
            print(a, "->", ", ".join(sorted(g[a])) or "-")
        return 0
    packages: dict[str, set[str]] = defaultdict(set)
    for a, targets in g.items():
        for b in targets:
            pa, pb = a.split(".")[0], b.split(".")[0]
            if pa != pb:
                packages[pa].add(pb)
    print("packages:")
    for a in TOP:
        if any(m.split(".")[0] == a for m in g):
            print(f"  {a} -> {', '.join(sorted(packages[a])) or 'nothing of the project'}")
    found = problems(g)
    print(f"problems: {len(found)}")
    for line in found:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
