"""The repository as execution paths: entry points, the import graph of its own modules, and each file's role.

`facts.py` reads per-file facts in one linear pass (done in the per-file step and cached with its results);
`graph.py` resolves imports to the repository's own files; `roles.py` finds entry points and paths and gives
each file a role (training, optional, test, example, vendored, unreached, support).
"""
