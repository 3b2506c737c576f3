"""Monitoring: a repository's history from git objects, a store of results, many repositories, many machines."""
