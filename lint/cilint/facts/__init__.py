"""Per-file facts: which image tags each input produces and consumes, where, and how.

Extraction is part of the per-file stage (pure, plain data); the graph stage joins the facts of
all files and never re-reads a file.
"""
