"""One source of truth for exercises: solution notebooks make the participant notebooks.

Trainers edit ``notebooks/oplossingen/NN_*.ipynb``. In a code cell tagged ``oplossing``,
every line that ends with ``# oplossing`` is an answer:

* ``antwoord = buurten["inwoners"].sum()  # oplossing`` becomes
  ``antwoord = ...  # vul hier je antwoord in``;
* any other line that ends with ``# oplossing`` is left out.

``python tools/build_exercises.py`` writes the participant versions to ``notebooks/``
(outputs stripped). A test checks that the committed participant notebooks are in step.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

MARK = "# oplossing"
TAG = "oplossing"
STUB_COMMENT = "# vul hier je antwoord in"

_ASSIGN = re.compile(r"^(\s*[A-Za-z_][\w\.\[\]\"', ]*?)\s*=(?!=)\s*(.+)$")


def stub_line(line: str) -> str | None:
    """Turn one answer line into its stub (None: leave the line out)."""
    body = line.rstrip()
    if not body.endswith(MARK):
        return line
    code = body[: -len(MARK)].rstrip()
    match = _ASSIGN.match(code)
    if match:
        return f"{match.group(1)} = ...  {STUB_COMMENT}"
    return None


def stub_source(source: str) -> str:
    """The participant version of a solution cell's source."""
    lines = [stub_line(line) for line in source.splitlines()]
    return "\n".join(line for line in lines if line is not None)


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def participant_version(notebook: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a solution notebook with answers replaced by stubs, no outputs."""
    nb = json.loads(json.dumps(notebook))
    for cell in nb.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            if TAG in tags:
                cell["source"] = stub_source(_source(cell))
                cell["metadata"]["tags"] = [t for t in tags if t != TAG] + ["opdracht"]
    return nb


def dumps(nb: dict[str, Any]) -> str:
    """Serialise a notebook the way Jupyter does (stable, for diffs)."""
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def build(notebooks: Path) -> list[Path]:
    """Write the participant notebooks for every solution notebook; return their paths."""
    written = []
    for source in sorted((notebooks / "oplossingen").glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(source.read_text("utf-8"))
        target = notebooks / source.name
        target.write_text(dumps(participant_version(nb)), "utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python tools/build_exercises.py [NOTEBOOK_DIR]``."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path(__file__).resolve().parents[1] / "notebooks"
    for path in build(folder):
        print(f"Geschreven: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
