"""Remember which names a failed cell left with an old value, so a check never grades it.

A participant types an answer, the cell fails (a typo), and the participant runs the
controle cell below. The name still holds the value from before (or the ``...`` of the
exercise), and the check would grade *that*. :class:`CellTracker` prevents it: before a
cell runs it notes the values of the names the cell assigns; when the cell fails, every
such name that still holds its old value is *stale* until a cell sets it again. While a
cell that reads a stale name runs, :func:`refusal` gives the Dutch message that the
checks show instead of a grade (see :func:`wijklib.notebook.checks.feedback`).

:func:`install` connects a tracker to IPython's ``pre_run_cell`` and ``post_run_cell``
events; :func:`wijklib.notebook.session.setup` calls it. Outside a notebook nothing is
installed and :func:`refusal` is always None.
"""

from __future__ import annotations

import ast
import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

__all__ = ["CellTracker", "Failure", "assigned_names", "install", "read_names", "refusal"]

_ASSIGN = re.compile(r"^[ \t]*([A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)[ \t]*"
                     r"(?:[-+*/%@&|^]|//|\*\*|>>|<<)?=(?!=)", re.MULTILINE)
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_MISSING = object()


def _parse(source: str) -> ast.AST | None:
    try:
        return ast.parse(_without_magics(source))
    except (SyntaxError, ValueError):
        return None


def _without_magics(source: str) -> str:
    """IPython's ``%magic`` and ``!shell`` lines do not parse as Python: leave them out."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in str(source).splitlines())


def assigned_names(source: str) -> set[str]:
    """The names a cell gives a value (``x = …``, ``for x in``, ``import x``, ``def x``).

    A cell that does not parse (a syntax error) is read line by line: ``name = …`` at the
    start of a line.
    """
    tree = _parse(source)
    if tree is None:
        names: set[str] = set()
        for match in _ASSIGN.finditer(str(source)):
            names |= {n.strip() for n in match.group(1).split(",")}
        return names
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    return names


def read_names(source: str) -> set[str]:
    """The names a cell reads (every identifier, when the cell does not parse)."""
    tree = _parse(source)
    if tree is None:
        return set(_IDENTIFIER.findall(str(source)))
    return {node.id for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


@dataclass(frozen=True)
class Failure:
    """A name left with an old value by a failed cell.

    Attributes
    ----------
    name : str
        The name (``"aandeel_65"``).
    cell : int or None
        Execution count of the failed cell (the number in ``[12]`` next to it).
    error : str
        The kind of error (``"KeyError"``).
    """

    name: str
    cell: int | None
    error: str


class CellTracker:
    """Tracks the names that failed cells left stale in a namespace.

    Parameters
    ----------
    namespace : mutable mapping
        The notebook's namespace (``shell.user_ns``).
    """

    def __init__(self, namespace: MutableMapping[str, Any]) -> None:
        self.namespace = namespace
        self.stale: dict[str, Failure] = {}
        self.current: list[Failure] = []
        self._before: dict[str, Any] = {}

    def before(self, source: str) -> None:
        """Call before a cell runs: note old values, and the stale names this cell reads."""
        self._before = {n: self.namespace.get(n, _MISSING) for n in assigned_names(source)}
        reads = read_names(source) if self.stale else set()
        self.current = [self.stale[n] for n in sorted(reads) if n in self.stale]

    def after(self, source: str, cell: int | None, error: BaseException | None) -> None:
        """Call after a cell ran; ``error`` is what it raised (None when it succeeded)."""
        names = assigned_names(source)
        for name in names:
            old = self._before.get(name, _MISSING)
            unchanged = self.namespace.get(name, _MISSING) is old
            if error is not None and unchanged and name in self._before:
                self.stale[name] = Failure(name, cell, type(error).__name__)
            else:
                self.stale.pop(name, None)
        self._before = {}
        self.current = []

    def refusal(self) -> str | None:
        """The Dutch message for the running cell when it reads a stale name, else None."""
        if not self.current:
            return None
        first = self.current[0]
        names = ", ".join(f"'{f.name}'" for f in self.current)
        where = f" (een {first.error} in cel [{first.cell}])" if first.cell else \
            f" (een {first.error})"
        return (f"De cel erboven gaf een fout{where}; los die eerst op. Daardoor heeft "
                f"{names} nog de oude waarde, en die controleer ik niet. Verbeter de fout, "
                "voer die cel opnieuw uit en daarna deze controle.")


_ACTIVE: dict[str, Any] = {}


def install(shell: Any) -> CellTracker:
    """Connect a new :class:`CellTracker` to an IPython shell (again: replaces the old one).

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell

    Returns
    -------
    CellTracker
    """
    old = _ACTIVE.get("callbacks")
    if old is not None and _ACTIVE.get("shell") is shell:
        for event, callback in old:
            try:
                shell.events.unregister(event, callback)
            except ValueError:
                pass
    tracker = CellTracker(shell.user_ns)
    if _ACTIVE.get("shell") is shell and isinstance(_ACTIVE.get("tracker"), CellTracker):
        tracker.stale = dict(_ACTIVE["tracker"].stale)  # set-up again: keep what is known

    def pre_run_cell(info: Any) -> None:
        tracker.before(getattr(info, "raw_cell", "") or "")

    def post_run_cell(result: Any) -> None:
        info = getattr(result, "info", None)
        source = getattr(info, "raw_cell", "") or ""
        error = getattr(result, "error_before_exec", None) or getattr(
            result, "error_in_exec", None)
        tracker.after(source, getattr(result, "execution_count", None), error)

    shell.events.register("pre_run_cell", pre_run_cell)
    shell.events.register("post_run_cell", post_run_cell)
    _ACTIVE.update(shell=shell, tracker=tracker,
                   callbacks=[("pre_run_cell", pre_run_cell), ("post_run_cell", post_run_cell)])
    return tracker


def refusal() -> str | None:
    """The Dutch refusal for the running cell (see :meth:`CellTracker.refusal`), or None.

    None outside a notebook, or when :func:`install` was not called.
    """
    tracker = _ACTIVE.get("tracker")
    return tracker.refusal() if isinstance(tracker, CellTracker) else None
