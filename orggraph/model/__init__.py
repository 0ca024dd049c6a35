"""The domain as data: the schema, the coverage rules and placement (YAML), records, errors, settings, privacy.
Imports nothing else of orggraph.
"""
