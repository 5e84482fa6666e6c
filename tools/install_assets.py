"""Install the map assets (Leaflet, jQuery, Bootstrap …) from the npm registry.

A set-up command for a checkout (``make assets``); the work is done by
:mod:`wijklib.notebook.installer`, which an installed package also has
(``python -m wijklib.assets``). Node.js and npm are not needed.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # pragma: no cover - run as a script: use this checkout's wijklib
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wijklib.notebook.installer import install_assets, main  # noqa: E402

__all__ = ["install_assets", "main"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
