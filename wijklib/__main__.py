"""Command line of the workbook.

``python -m wijklib download --gemeente Utrecht [--jaar 2024]`` prefetches figures and maps;
``python -m wijklib groep BESTANDEN… --uit MAP`` combines the participants' agendas into
one group result (:mod:`wijklib.agenda.groep`).
"""

from __future__ import annotations

import argparse
import sys

from wijklib import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m wijklib",
        description="Hulpmiddelen bij het werkboek Wijkprofiel & buurtagenda.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True)
    down = sub.add_parser(
        "download",
        help="haal cijfers en kaarten vooraf op (voor werken zonder internet)",
        description="Haal de kerncijfers en kaarten van een of meer gemeenten op en "
        "bewaar ze in de cache. Daarna werkt het werkboek ook zonder internet.",
    )
    down.add_argument(
        "--gemeente",
        action="append",
        required=True,
        help="naam of code van de gemeente; herhaal voor meer gemeenten. "
        "Nederland haalt alle gemeenten, wijken en buurten van het land op",
    )
    down.add_argument("--jaar", type=int, default=None, help="jaar (standaard: nieuwste)")
    down.add_argument("--stil", action="store_true", help="geen voortgangsbalk")
    sub.add_parser("cache", help="laat zien wat er in de cache staat")
    group = sub.add_parser(
        "groep",
        help="voeg de agenda's van de deelnemers samen tot één groepsresultaat",
        description="Voeg de bewaarde agenda's (buurtagenda.json of de zip uit notebook 3) "
        "van alle deelnemers samen: de stippen opgeteld, conclusies en ambities met hoeveel "
        "deelnemers ze schreven, en een buurtagenda van de groep.",
    )
    group.add_argument("bestanden", nargs="*", metavar="BESTAND",
                       help="bestanden of mappen; zonder: de map in WIJKLIB_GROEP (of "
                       "data/groep)")
    group.add_argument("--uit", default=None, metavar="MAP",
                       help="map voor het groepsresultaat (standaard: export/groep)")
    group.add_argument("--gemeente", default=None, help="alleen agenda's van deze gemeente")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "download":
        from wijklib.config import settings
        from wijklib.data.download import prefetch

        problems = prefetch(args.gemeente, jaar=args.jaar, progress=not args.stil)
        for label, problem in problems:
            print(f"Let op: {label}: {problem}", file=sys.stderr)
        where = settings().cache_dir
        if problems:
            print(f"Klaar, met {len(problems)} probleem/problemen. Cache: {where}")
            return 1
        print(f"Klaar. Alles staat in de cache: {where}")
        return 0
    if args.command == "groep":
        return _group(args.bestanden, args.uit, args.gemeente)
    if args.command == "cache":
        from wijklib.data.cache import entries

        for entry in entries():
            print(f"{entry['key']}: {entry.get('source', '')} ({entry.get('stored_at', '')})")
        return 0
    return 2


def _group(files: list[str], out: str | None, gemeente: str | None) -> int:
    from pathlib import Path

    from wijklib.agenda import groep
    from wijklib.config import settings
    from wijklib.errors import WijklibError

    try:
        result = groep.combine(files or None, gemeente=gemeente)
        folder = Path(out) if out else settings().export_dir / "groep"
        paths = groep.save_group(result, folder)
    except WijklibError as err:
        print(f"Dat ging niet goed: {err}", file=sys.stderr)
        return 1
    print(groep.summary_text(result))
    for path in paths.values():
        print(f"Geschreven: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
