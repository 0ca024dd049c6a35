"""``python -m orggraph`` runs the CLI (through its entry point: see ``cli.entry``)."""

from orggraph.cli.entry import main

main()
