"""The query catalogue: one Cypher script per file (installed as ``orggraph.queries``, package data)."""
