"""The package's shape: no import cycles, renderers read only the Report, commands are glue."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import networkx as nx
import pytest
from conftest import ROOT

PACKAGE = ROOT / "journeymap"


def import_cycles(package: str) -> list[list[str]]:
    """The import cycles among the modules of ``package`` (TYPE_CHECKING imports aside)."""
    graph = grimp.build_graph(package, exclude_type_checking_imports=True, cache_dir=None)
    G = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.split(".")[0] == package:
                G.add_edge(module, imported)
    return sorted(sorted(c) for c in nx.simple_cycles(G))


def test_no_import_cycle_among_modules() -> None:
    assert import_cycles("journeymap") == []


def test_a_cycle_would_be_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check itself, on a package whose two modules import each other (one lazily, as
    journeymap's commands do, which still counts)."""
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("def f():\n    from . import a\n")
    (package / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles("cyclic") == [["cyclic.a", "cyclic.b"]]


def _functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.name, (node.end_lineno or node.lineno) - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def test_commands_are_glue() -> None:
    """Each command body is short: the work is in library functions."""
    long = [
        (name, n)
        for name, n in _functions(PACKAGE / "cli" / "commands.py")
        if n > 60 and name != "validate"
    ]
    assert long == []


def test_docs_cli_names_every_option_of_every_command() -> None:
    from journeymap.cli import cli

    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    missing = [
        (name, opt)
        for name, command in cli.commands.items()
        for param in command.params
        for opt in param.opts
        if opt.startswith("--") and opt not in ("--help",) and f"`{opt}" not in doc
    ]
    assert missing == []
    assert all(f"## `journeymap {name}" in doc for name in cli.commands)


def test_modules_and_functions_are_small() -> None:
    """No module over 500 lines and no function over 80: a longer one is split by what it
    holds (docs/architecture.md)."""
    long_modules, long_functions = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = str(path.relative_to(PACKAGE))
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > 500:
            long_modules.append((name, lines))
        long_functions += [(name, f, n) for f, n in _functions(path) if n > 80]
    assert long_modules == []
    assert long_functions == []


def test_the_size_check_would_find_a_long_function(tmp_path: Path) -> None:
    path = tmp_path / "long.py"
    path.write_text("def f():\n" + "    x = 1\n" * 85 + "\n\ndef g():\n    return 1\n")
    assert _functions(path) == [("f", 86), ("g", 2)]
