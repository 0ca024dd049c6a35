"""orggraph: a knowledge graph of grassroots party-building organizations.

Data flows one way: sources → loaders → store → queries/analyses → app and CLI.
"""

__version__ = "0.1.0"
