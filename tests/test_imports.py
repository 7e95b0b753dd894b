"""`import journeymap` and `journeymap validate` stay cheap: no heavy imports on that path."""

from __future__ import annotations

import subprocess
import sys

from conftest import DATA

HEAVY = ("networkx", "jinja2", "graphviz", "duckdb", "scipy", "numpy", "pyspark", "sqlglot")


def _loaded_after(code: str) -> list[str]:
    probe = (
        code
        + f"\nimport sys\nprint('loaded:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-W", "error", "-c", probe], capture_output=True, text=True, check=True
    )
    last = out.stdout.strip().splitlines()[-1].removeprefix("loaded:")
    return [m for m in last.split(",") if m]


def test_import_is_cheap() -> None:
    assert _loaded_after("import journeymap") == []


def test_validate_path_is_cheap() -> None:
    code = (
        "from journeymap.cli import main\n"
        "try:\n"
        f"    main(['validate', '-q', {str(DATA / 'contract-example.yaml')!r}])\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
    )
    assert _loaded_after(code) == []


def test_lazy_public_api() -> None:
    import journeymap
    from journeymap.analysis import analyze
    from journeymap.report import Report

    assert journeymap.analyze is analyze
    assert journeymap.Report is Report
