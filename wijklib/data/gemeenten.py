"""Recognise a gemeente from how people write it: a name in any case, a known alias, a code.

These are pure functions over a register (a table of gemeente codes and names); the
register itself comes from CBS (:func:`wijklib.data.cbs.gemeenten`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import pandas as pd

from wijklib.errors import UnknownGemeenteError

#: Everyday names that differ from the official CBS name (normalised form -> CBS name).
ALIASES = {
    "den bosch": "'s-Hertogenbosch",
    "s hertogenbosch": "'s-Hertogenbosch",
    "hertogenbosch": "'s-Hertogenbosch",
    "den haag": "'s-Gravenhage",
    "the hague": "'s-Gravenhage",
    "s gravenhage": "'s-Gravenhage",
    "gravenhage": "'s-Gravenhage",
    "bergen op zoom": "Bergen op Zoom",
    "friese meren": "De Fryske Marren",
    "sudwest fryslan": "Súdwest-Fryslân",
}


def normalise_name(text: str) -> str:
    """Normalise a gemeente name for comparison.

    Lower case, accents removed, apostrophes dropped, hyphens and dots as spaces,
    a trailing province marker such as ``(NH.)`` kept as a word.

    Examples
    --------
    >>> normalise_name("'s-Hertogenbosch")
    's hertogenbosch'
    >>> normalise_name("  UTRECHT ")
    'utrecht'
    """
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("'", "").replace("’", "")
    text = re.sub(r"[-./(),]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_code(given: object) -> str | None:
    """Return ``GMnnnn`` when ``given`` is a gemeente code, else None.

    Accepts ``"GM0344"``, ``"gm0344"``, ``"0344"``, ``"344"`` and ``344``.
    """
    if isinstance(given, bool):
        return None
    if isinstance(given, int):
        return f"GM{given:04d}" if 0 <= given <= 9999 else None
    text = str(given).strip().upper()
    match = re.fullmatch(r"(?:GM)?\s*(\d{1,4})", text)
    if match:
        return f"GM{int(match.group(1)):04d}"
    return None


def _without_province(norm: str) -> str:
    return re.sub(r"\s+(nh|zh|l|gld|li|ov|fr|u|nb)$", "", norm)


def resolve(given: object, register: pd.DataFrame) -> tuple[str, str]:
    """Find a gemeente in ``register``.

    Parameters
    ----------
    given : str or int
        Name (any case, alias) or code.
    register : pandas.DataFrame
        Columns ``code`` (``GMnnnn``) and ``naam``.

    Returns
    -------
    (code, naam)

    Raises
    ------
    UnknownGemeenteError
        With the closest names as suggestions, or the candidates when a name is ambiguous.
    """
    codes = dict(zip(register["code"], register["naam"], strict=True))
    code = parse_code(given)
    if code is not None:
        if code in codes:
            return code, codes[code]
        raise UnknownGemeenteError(str(given), [])
    norm = normalise_name(str(given))
    if not norm:
        raise UnknownGemeenteError(str(given), [])
    target = ALIASES.get(norm)
    names = {normalise_name(n): (c, n) for c, n in codes.items()}
    if target is not None and normalise_name(target) in names:
        return names[normalise_name(target)]
    if norm in names:
        return names[norm]
    # "Bergen" matches both "Bergen (NH.)" and "Bergen (L.)"
    base = [(c, n) for key, (c, n) in names.items() if _without_province(key) == norm]
    if len(base) == 1:
        return base[0]
    if len(base) > 1:
        raise UnknownGemeenteError(str(given), sorted(n for _, n in base), ambiguous=True)
    close = difflib.get_close_matches(norm, list(names) + list(ALIASES), n=3, cutoff=0.6)
    suggestions: list[str] = []
    for key in close:
        name = names[key][1] if key in names else ALIASES[key]
        if name not in suggestions:
            suggestions.append(name)
    if not suggestions:
        suggestions = [n for key, (_, n) in names.items() if norm in key][:3]
    raise UnknownGemeenteError(str(given), suggestions)
