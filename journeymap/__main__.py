"""``python -m journeymap``."""

from .cli import main

main()
