"""The package's shape: no import cycles, renderers read only the Report, commands are glue."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import networkx as nx
from conftest import ROOT

PACKAGE = ROOT / "journeymap"


def test_no_import_cycle_among_modules() -> None:
    graph = grimp.build_graph("journeymap", exclude_type_checking_imports=True)
    G = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith("journeymap"):
                G.add_edge(module, imported)
    cycles = list(nx.simple_cycles(G))
    assert cycles == []


def test_a_cycle_would_be_found() -> None:
    G = nx.DiGraph([("journeymap.a", "journeymap.b"), ("journeymap.b", "journeymap.a")])
    assert [sorted(c) for c in nx.simple_cycles(G)] == [["journeymap.a", "journeymap.b"]]


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
