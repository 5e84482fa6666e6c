"""Nothing is lost: the one place where the workbook writes files.

Every file the workbook writes — cache entries, saved results, exported pages, agendas,
zip files, CSV tables — goes through this module:

* **Atomic.** Data goes to a temporary file in the same folder, is flushed to disk and
  then renamed over the target. A crash, a full disk or a read-only folder leaves either
  the old file or the new one, never half a file, and never a stray temporary file.
* **Shareable.** Files get the mode ``0o666`` minus the process umask, like any file a
  program opens normally. (:func:`tempfile.mkstemp` creates ``0o600`` files; on a
  JupyterHub a cache or export prepared by an admin would then be invisible to others.)
* **Clear when it fails.** A failure becomes :class:`FileWriteError` with a Dutch message
  that names the file and says what to do; callers that can go on without the file (the
  cache) turn it into a warning.
* **Safe in a spreadsheet.** :func:`write_csv` neutralises text cells that a spreadsheet
  would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return; the OWASP
  "CSV injection" advice) and writes the Dutch Excel dialect (``;``, decimal comma, BOM).
  :func:`read_csv` reads such a file back and undoes the neutralising exactly.

Standard-library code rather than a package such as ``atomicwrites`` (archived, and it
also creates ``0o600`` files): the whole job is a dozen lines around :func:`os.replace`.
"""

from __future__ import annotations

import errno
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from wijklib.errors import WijklibError

#: Characters that make a spreadsheet treat a cell as a formula (plus our own marker).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
#: The marker put in front of such a cell; Excel and LibreOffice show the rest as text.
FORMULA_GUARD = "'"
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")

#: The CSV dialect of a Dutch spreadsheet: semicolons, decimal comma, a BOM for Excel.
CSV_SEPARATOR = ";"
CSV_DECIMAL = ","
CSV_ENCODING = "utf-8-sig"


class FileWriteError(WijklibError, OSError):
    """A file could not be written; the old file (if any) is unchanged.

    Attributes
    ----------
    path : Path
        The file that was to be written.
    reason : str
        A short Dutch reason (for instance ``"de schijf is vol"``).
    """

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"Ik kon {path} niet opslaan: {reason}. Een eerder bestand met deze naam is "
            "niet veranderd. Kies een andere map (bijvoorbeeld met de omgevingsvariabele "
            "WIJKLIB_EXPORT), maak ruimte vrij, of download je werk."
        )


def _reason(err: OSError) -> str:
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "ik mag niet schrijven in deze map"
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return "de schijf is vol"
    if err.errno == errno.ENAMETOOLONG:
        return "de bestandsnaam is te lang"
    if err.errno in (errno.ENOTDIR, errno.EISDIR, errno.EEXIST):
        return "er staat al een map of bestand in de weg"
    return f"het systeem weigerde ({err.strerror or err or type(err).__name__})"


def current_umask() -> int:
    """Return the process umask without changing it for other threads.

    Linux shows it in ``/proc/self/status``; elsewhere it is read by setting and
    restoring it at once (the only portable way).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(target: str | Path, write: Callable[[Path], object]) -> Path:
    """Write ``target`` through ``write(temporary_path)`` and move it into place.

    Parameters
    ----------
    target : str or Path
        The file to write; missing parent folders are made.
    write : callable
        Called with the temporary path; it writes the whole file there (a pandas or
        pyarrow writer, for instance).

    Returns
    -------
    Path
        ``target``.

    Raises
    ------
    FileWriteError
        The folder cannot be made or written, the disk is full, and so on. Nothing is
        left behind and an existing ``target`` is unchanged.
    """
    target = Path(target)
    temporary: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # the temporary file keeps the target's ending: GDAL (GeoPackage) checks it
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.",
                                        suffix=".part" + target.suffix, dir=target.parent)
        temporary = Path(name)
        os.close(handle)
        write(temporary)
        with open(temporary, "rb+") as stream:
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~current_umask())
        os.replace(temporary, target)
        temporary = None
    except OSError as err:
        raise FileWriteError(target, _reason(err)) from err
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    return target


def atomic_write_bytes(target: str | Path, data: bytes) -> Path:
    """Write bytes atomically; see :func:`atomic_write`."""
    return atomic_write(target, lambda path: path.write_bytes(data))


def atomic_write_text(target: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write text atomically (UTF-8 by default); see :func:`atomic_write`."""
    return atomic_write_bytes(target, text.encode(encoding))


def neutralise_formula(value: object) -> object:
    """Return a text that a spreadsheet shows as text, never runs as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading ``'``; so does text that already starts with ``'``, which makes the change
    exactly reversible (:func:`restore_formula`). Numbers written as text (``-1,5``)
    and everything that is not text are returned unchanged.
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return FORMULA_GUARD + value


def restore_formula(value: object) -> object:
    """Undo :func:`neutralise_formula` (text read back from our own CSV files)."""
    if (isinstance(value, str) and value.startswith(FORMULA_GUARD)
            and value[1:].startswith(FORMULA_START)):
        return value[1:]
    return value


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns
            if pd.api.types.is_object_dtype(frame[c]) or pd.api.types.is_string_dtype(frame[c])]


def safe_csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell passed through :func:`neutralise_formula`.

    Column names are text cells too, so they are neutralised as well.
    """
    safe = frame.copy()
    for column in _text_columns(safe):
        safe[column] = safe[column].map(neutralise_formula, na_action="ignore")
    safe.columns = [neutralise_formula(str(c)) for c in safe.columns]
    return safe


def restore_csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`safe_csv_frame` on a frame read back from such a file."""
    restored = frame.copy()
    restored.columns = [restore_formula(str(c)) for c in restored.columns]
    for column in _text_columns(restored):
        restored[column] = restored[column].map(restore_formula, na_action="ignore")
    return restored


def _decimal_comma(value: object) -> object:
    """A float in a text column (``6.0`` next to ``"geheim"``) as Dutch text (``"6,0"``)."""
    if isinstance(value, float | np.floating) and not np.isnan(value):
        return str(value).replace(".", CSV_DECIMAL)
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The bytes :func:`write_csv` writes for ``frame`` (for a file inside a zip).

    The one owner of the office CSV format: ``;`` between cells, a decimal comma (also for
    figures in a column that holds text as well), UTF-8 with a BOM, Windows line ends.
    """
    safe = safe_csv_frame(frame)
    for column in _text_columns(safe):
        safe[column] = safe[column].map(_decimal_comma, na_action="ignore")
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False, sep=CSV_SEPARATOR, decimal=CSV_DECIMAL,
                lineterminator="\r\n")
    return buffer.getvalue().encode(CSV_ENCODING)


def write_csv(frame: pd.DataFrame, target: str | Path) -> Path:
    """Write a table as a CSV file a Dutch spreadsheet opens well, atomically.

    Semicolons, decimal comma, UTF-8 with a BOM; text cells that a spreadsheet would
    run as a formula are neutralised (:func:`neutralise_formula`). The index is not
    written. Read it back with :func:`read_csv`.
    """
    return atomic_write_bytes(target, csv_bytes(frame))


def read_csv(path: str | Path, dtype: dict[str, str] | None = None) -> pd.DataFrame:
    """Read a file written by :func:`write_csv` back into the table that was written.

    This is for the workbook's own files only; participants' files go through
    :mod:`wijklib.guarantees.reading`.
    """
    frame = pd.read_csv(path, sep=CSV_SEPARATOR, decimal=CSV_DECIMAL,
                        encoding=CSV_ENCODING, dtype=dtype)
    return restore_csv_frame(frame)


def write_zip(target: str | Path, members: Iterable[tuple[str, Path | bytes]]) -> Path:
    """Write a zip file atomically from ``(name in the zip, file or bytes)`` pairs."""
    items = list(members)

    def write(path: Path) -> None:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, content in items:
                if isinstance(content, bytes):
                    archive.writestr(name, content)
                else:
                    archive.write(content, name)

    return atomic_write(target, write)
