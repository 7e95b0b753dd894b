"""Run journeymap from a checkout: ``python cli.py validate examples/life_events``.

A thin shim over :mod:`journeymap.cli` (the installed command is ``journeymap``).
"""

from journeymap.cli import main

if __name__ == "__main__":
    main()
