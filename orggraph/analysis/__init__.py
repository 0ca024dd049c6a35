"""Answers from the graph: the query catalogue, coverage gaps, geography, search, paths and reach, the co-building
network, what-if, the area view.
"""
