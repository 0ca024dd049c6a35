"""The graph behind Bolt: the statement registry, the store, the embedded ArcadeDB server, the load history's read
gate, where a record belongs and the area scope that cuts every read.
"""
