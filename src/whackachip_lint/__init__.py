"""wac-lint: find the accelerator hardware an ML code base was built for, with every conclusion traced to a line."""

__version__ = "0.2.0"
