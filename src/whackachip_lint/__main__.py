import os
import sys

# `python -m whackachip_lint` puts the working directory first on sys.path. When that
# directory is the tree being scanned, a `click.py` or `json.py` in it would be imported,
# and so run, in place of the real module. Drop it: this package's own modules are found
# through the package's __path__, not sys.path.
if not getattr(sys.flags, "safe_path", False) and sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from whackachip_lint.cli import main  # noqa: E402  (after the sys.path fix, on purpose)

if __name__ == "__main__":  # pragma: no cover
    main()
