"""The pure cores stay pure: a module under `sixfold/core/` may import only what
this file lists (DESIGN.md, "Code rules"): pure parts of the standard library,
other core modules, `sixfold.constants` and `sixfold.errors`. Anything else (network,
disk, clock, randomness, threads, the OS, or a module nobody has looked at yet) is a
violation, so a new import has to be added here on purpose.

The check is static (`ast`), so it also sees imports inside functions, and it
follows every `sixfold.*` import out of the core: `sixfold.constants` and
`sixfold.errors` (and anything they import from sixfold) must be pure too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE_ROOT = REPO  # the directory that holds the `sixfold` package
CORE_PACKAGE = "sixfold.core"
# The standard library modules a core may import: no I/O, clock, randomness or threads.
ALLOWED_STDLIB = frozenset({
    "__future__", "abc", "bisect", "collections", "dataclasses", "enum", "functools", "heapq", "itertools",
    "math", "operator", "struct", "typing", "zlib",
})
# Named in failure messages and kept as a second line of defence for the tests below.
FORBIDDEN = frozenset({"grpc", "lmdb", "asyncio", "time", "random", "socket", "threading", "os", "uvloop"})
# Dynamic imports would hide a dependency from this check, so they are banned too.
FORBIDDEN_DYNAMIC = frozenset({"importlib"})
ALLOWED_NON_CORE = frozenset({"sixfold", "sixfold.constants", "sixfold.errors"})


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Absolute names of every module `source` imports (relative imports resolved
    against `module`, the dotted name of the file)."""
    tree = ast.parse(source)
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package_parts[: len(package_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names.add(base)
            # `from pkg import sub` may import the submodule pkg.sub.
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__":
            names.add("__import__")
    return names


def forbidden_imports(source: str, module: str = "sixfold.core.x", is_package: bool = False) -> set[str]:
    """The top-level modules (or dynamic import devices) `source` uses that are not on
    the allowlist (sixfold's own modules are followed separately)."""
    bad = set()
    for name in imported_modules(source, module, is_package):
        top = name.split(".")[0]
        if name == "__import__" or top in FORBIDDEN_DYNAMIC or (top != "sixfold" and top not in ALLOWED_STDLIB):
            bad.add(top)
    return bad


def module_file(name: str, root: Path = PACKAGE_ROOT) -> Path | None:
    """The source file of a module under `root`, or None if it is not a module there
    (e.g. `sixfold.errors.StaleEpoch`, an attribute)."""
    path = root.joinpath(*name.split("."))
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    if path.with_suffix(".py").is_file():
        return path.with_suffix(".py")
    return None


def purity_violations(core_package: str = CORE_PACKAGE, root: Path = PACKAGE_ROOT) -> list[str]:
    """Every violation of the purity rule reachable from `core_package`, as messages."""
    top = core_package.split(".")[0]
    core_dir = root.joinpath(*core_package.split("."))
    start = []
    for f in sorted(core_dir.rglob("*.py")):
        rel = f.relative_to(root).with_suffix("")
        parts = list(rel.parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        start.append((".".join(parts), f, is_pkg))
    assert start, f"no modules found under {core_dir}"
    problems: list[str] = []
    seen: set[str] = set()
    todo = list(start)
    while todo:
        name, path, is_pkg = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        source = path.read_text()
        for bad in sorted(forbidden_imports(source, name, is_pkg)):
            problems.append(f"{path.relative_to(root)} ({name}) imports {bad}")
        for imp in imported_modules(source, name, is_pkg):
            if imp.split(".")[0] != top:
                continue
            if not (imp == core_package or imp.startswith(core_package + ".")) and imp not in ALLOWED_NON_CORE:
                # `from sixfold.errors import StaleEpoch` also yields the non-module
                # name sixfold.errors.StaleEpoch; only real modules count.
                if module_file(imp, root) is not None:
                    problems.append(f"{path.relative_to(root)} ({name}) imports non-core module {imp}")
                continue
            f = module_file(imp, root)
            if f is not None:
                todo.append((imp, f, f.name == "__init__.py"))
    return problems


# --- the rule holds for the real tree ---------------------------------------------


def test_core_modules_are_pure():
    """No module under sixfold/core (nor anything it imports from sixfold) imports I/O,
    clocks, randomness or threads."""
    problems = purity_violations()
    assert not problems, "pure cores import forbidden modules:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", ["sixfold.constants", "sixfold.errors", "sixfold"])
def test_allowed_shared_modules_are_pure(name):
    """constants.py, errors.py and the package __init__ are imported by the cores,
    so they import none of the forbidden modules themselves."""
    path = module_file(name)
    assert path is not None
    assert forbidden_imports(path.read_text(), name, path.name == "__init__.py") == set()


def test_check_sees_every_core_module():
    """The walk covers every core file (a renamed directory would otherwise pass vacuously)."""
    files = {p.name for p in (REPO / "sixfold" / "core").glob("*.py")}
    assert {"records.py", "geometry.py", "segment_state.py", "write_tracker.py", "recovery.py"} <= files


# --- the check itself can fail ------------------------------------------------------


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import time\n", {"time"}),
        ("import os.path\n", {"os"}),
        ("from os import path\n", {"os"}),
        ("from asyncio import sleep as nap\n", {"asyncio"}),
        ("import grpc.aio\n", {"grpc"}),
        ("import lmdb, socket\n", {"lmdb", "socket"}),
        ("def f():\n    import random\n    return random.random()\n", {"random"}),
        ("class C:\n    def m(self):\n        from threading import Lock\n", {"threading"}),
        ("try:\n    import uvloop\nexcept ImportError:\n    pass\n", {"uvloop"}),
        ("import importlib\nimportlib.import_module('time')\n", {"importlib"}),
        ("t = __import__('time')\n", {"__import__"}),
        ("import json\n", {"json"}),  # harmless, but not on the list: someone must decide
        ("import numpy\n", {"numpy"}),
    ],
)
def test_detects_forbidden_import(source, expected):
    assert forbidden_imports(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "import struct, zlib\nfrom bisect import bisect_right\n",
        "from dataclasses import dataclass\nfrom collections.abc import Callable\n",
        "import heapq, itertools\nfrom math import gcd\n",
        "from sixfold.errors import StaleEpoch\n",
        "x = 'import time'\n",  # a string is not an import
    ],
)
def test_allows_pure_imports(source):
    assert forbidden_imports(source) == set()


def test_relative_imports_resolve():
    assert "sixfold.core.records" in imported_modules("from .records import LogRecord\n", "sixfold.core.recovery")
    assert "sixfold.errors" in imported_modules("from ..errors import StaleEpoch\n", "sixfold.core.recovery")
    assert "sixfold.core.geometry" in imported_modules("from . import geometry\n", "sixfold.core", is_package=True)


def _write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def test_transitive_violation_through_non_core_module(tmp_path):
    """A core module importing a non-core sixfold module (here one that imports
    socket) is a violation, even though the core file itself looks clean."""
    _write_tree(tmp_path, {
        "sixfold/__init__.py": "",
        "sixfold/constants.py": "X = 1\n",
        "sixfold/errors.py": "class E(Exception):\n    pass\n",
        "sixfold/net.py": "import socket\n",
        "sixfold/core/__init__.py": "",
        "sixfold/core/good.py": "from sixfold.constants import X\nfrom sixfold.errors import E\n",
        "sixfold/core/bad.py": "from sixfold import net\n",
    })
    problems = purity_violations("sixfold.core", tmp_path)
    assert any("non-core module sixfold.net" in p for p in problems), problems
    assert not any("good.py" in p for p in problems), problems


def test_violation_in_allowed_shared_module(tmp_path):
    """If errors.py itself imported `time`, the cores importing it would be impure."""
    _write_tree(tmp_path, {
        "sixfold/__init__.py": "",
        "sixfold/constants.py": "X = 1\n",
        "sixfold/errors.py": "import time\n",
        "sixfold/core/__init__.py": "",
        "sixfold/core/a.py": "from ..errors import E\n",
    })
    problems = purity_violations("sixfold.core", tmp_path)
    assert problems == ["sixfold/errors.py (sixfold.errors) imports time"], problems


def test_violation_reached_through_core_chain(tmp_path):
    _write_tree(tmp_path, {
        "sixfold/__init__.py": "",
        "sixfold/core/__init__.py": "",
        "sixfold/core/a.py": "from . import b\n",
        "sixfold/core/b.py": "def later():\n    import asyncio\n",
    })
    assert purity_violations("sixfold.core", tmp_path) == ["sixfold/core/b.py (sixfold.core.b) imports asyncio"]
