"""Lists the import cycles in the application: between its packages, and between its modules.

It reads the same import graph import-linter checks (grimp, which import-linter is built on), so
imports inside functions count too. A cycle between packages is a set of top-level packages of
``interdep`` that reach each other through imports (for example ``couples`` -> ``assessments`` ->
``couples``); a cycle between modules is the same for single modules (a module importing its own
package's ``__init__``, which imports it back, counts). The modules of ``access`` count as packages of their own (see ``SPLIT``).

Usage: ``python scripts/import_cycles.py [PACKAGE]`` (PACKAGE defaults to ``interdep``; run with
``src`` on the path). Prints each cycle and a count line per level; exit 0 when there are none
between modules, 1 otherwise.
"""

from __future__ import annotations

import sys
from collections import defaultdict

import grimp


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """The groups of nodes that all reach each other (Tarjan's algorithm, iterative), larger than
    one node, each sorted, in a stable order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    nodes = sorted(set(edges) | {n for targets in edges.values() for n in targets})
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(edges.get(target, ())))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return sorted(groups)


def import_edges(package: str) -> dict[str, set[str]]:
    graph = grimp.build_graph(package)
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


#: Packages whose modules count one by one: ``access`` holds one module per feature, each reading
#: only its own app's models (so ``access.checkins`` <-> ``checkins`` is expected, but access as a
#: whole would tie every app into one cycle and hide the rest).
SPLIT = ("access",)


def package_of(module: str, package: str) -> str:
    parts = module.split(".")
    depth = 3 if len(parts) > 2 and parts[1] in SPLIT else 2
    return ".".join(parts[:depth]) if len(parts) > 1 else package


def main(argv: list[str]) -> int:
    package = argv[0] if argv else "interdep"
    modules = import_edges(package)
    packages: dict[str, set[str]] = defaultdict(set)
    for source, targets in modules.items():
        for target in targets:
            a, b = package_of(source, package), package_of(target, package)
            if a != b and package not in (a, b):
                packages[a].add(b)
    between_packages = strongly_connected(packages)
    between_modules = strongly_connected(modules)
    for group in between_packages:
        print("packages:", " <-> ".join(group))
    for group in between_modules:
        print("modules:", " <-> ".join(group))
    print(f"{len(between_packages)} cycle(s) between packages of {package}")
    print(f"{len(between_modules)} cycle(s) between modules ({len(modules)} modules read)")
    return 1 if between_modules else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
