"""The house's floors (docs/architecture.md): each app imports only apps on floors below it (or
on its own floor, without a circle), and no module circle forms inside an app. Read from the
source with `ast`, counting imports inside functions too: a lazy import is still a dependency.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Bottom to top. Apps on one floor may import each other only without forming a circle.
FLOORS = [
    {"core"},
    {"accounts"},
    {"catalog"},
    {"search"},
    {"marketplace"},
    {"maturity"},
    {"events", "changes"},
    {"importer"},
    {"config"},
]
FLOOR_OF = {app: level for level, apps in enumerate(FLOORS) for app in apps}


def _modules():
    found = {}
    for app in FLOOR_OF:
        base = ROOT / app
        if not base.is_dir():
            continue
        for path in base.rglob("*.py"):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts:
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _imports(name, path, modules):
    """The project modules `name` imports (absolute and relative, at any depth)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            candidates = [f"{stem}.{alias.name}" for alias in node.names]
        else:
            continue
        for candidate in candidates:
            # Each name imported counts: the longest project module it names (`from a import
            # b, c` is a.b and a.c when they are modules, else a).
            while candidate and candidate not in modules:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                targets.add(candidate)
    return targets


def _graph():
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _app(module):
    return module.split(".")[0]


def _upward(graph):
    found = defaultdict(set)
    for source, targets in graph.items():
        for target in targets:
            a, b = _app(source), _app(target)
            if a != b and FLOOR_OF[b] > FLOOR_OF[a]:
                found[(a, b)].add(f"{source} -> {target}")
    return found


def _circles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def _app_circles(graph):
    # Every circle between apps on different floors runs back up once, which the test above
    # refuses; this one catches a circle between apps on the same floor.
    apps = defaultdict(set)
    for source, targets in graph.items():
        for target in targets:
            pair = (_app(source), _app(target))
            if pair[0] != pair[1]:
                apps[pair[0]].add(pair[1])
    return _circles(apps)


def test_no_app_imports_a_floor_above_it():
    upward = {pair: sorted(lines) for pair, lines in _upward(_graph()).items()}
    assert upward == {}, f"imports that run back up: {upward}"


def test_no_circle_between_apps():
    assert _app_circles(_graph()) == []


def test_no_module_circle():
    circles = [sorted(circle) for circle in _circles(_graph())]
    assert circles == [], f"module circles: {circles}"


def _models_by_string(path):
    """App labels of the project's apps that a module names to `get_model` ("app", "Model" or
    "app.Model"): a dependency on another app's tables that no import shows."""
    labels = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "get_model"
                and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            label = node.args[0].value.split(".")[0]
            if label in FLOOR_OF:
                labels.add(label)
    return labels


def test_no_app_reaches_another_apps_tables_by_string():
    # Migrations may (they run on historical models); the code imports what it uses.
    found = {name: sorted(labels - {_app(name)}) for name, path in _modules().items()
             if (labels := _models_by_string(path)) - {_app(name)}}
    assert found == {}


def test_the_reader_sees_a_lazy_upward_import(tmp_path):
    # The reader itself: a lazy import inside a function is counted.
    source = tmp_path / "mod.py"
    source.write_text("def f():\n    from events.services import emit\n")
    modules = {"accounts.mod": source, "events.services": source}
    assert _imports("accounts.mod", source, modules) == {"events.services"}


def test_the_reader_sees_every_name_of_one_import(tmp_path):
    source = tmp_path / "mod.py"
    source.write_text("from . import limits, workflow\nfrom .models import Solution\n")
    modules = {name: source for name in ("catalog.mod", "catalog", "catalog.limits",
                                         "catalog.workflow", "catalog.models")}
    assert _imports("catalog.mod", source, modules) == {
        "catalog.limits", "catalog.workflow", "catalog.models"}
