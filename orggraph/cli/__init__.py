"""The command line (typer): every command, one edge that turns errors into messages."""
