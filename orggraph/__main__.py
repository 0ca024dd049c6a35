"""``python -m orggraph`` runs the CLI."""

from orggraph.cli import main

main()
