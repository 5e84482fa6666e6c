"""``python -m wijklib.assets``: install the map files (Leaflet and others) for offline maps.

Works on every computer with Python: the files come from the npm registry over HTTPS,
Node.js and npm are not needed. See :mod:`wijklib.notebook.installer`.
"""

from __future__ import annotations

import sys

from wijklib.notebook.installer import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover - run as a script
    sys.exit(main())
