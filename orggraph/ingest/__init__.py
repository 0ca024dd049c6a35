"""Ledgers into the graph: the load (validate, plan, write all-or-nothing), removals a sync may make, the export."""
