"""``python -m orggraph`` runs the CLI."""

from orggraph.cli.main import main

main()
