"""The workbook's shared guarantees, each with one owner.

* :mod:`~wijklib.guarantees.rendering` — residents' text is only text: escaping for HTML
  and for the template engines behind the maps (Jinja2 in folium/branca).
* :mod:`~wijklib.guarantees.privacy` — the minimum group size, personal columns, the
  masking of personal data, and suppression: which groups and totals of a survey may be
  shown, decided once per survey.
* :mod:`~wijklib.guarantees.provenance` — every figure carries its year, table and
  source in its rows (``jaar``, ``tabel``, ``bron``), through merge, concat and groupby.
* :mod:`~wijklib.guarantees.reading` — participants' files (survey, questionnaire,
  stories, wijkschouw, krachten) read one way: encodings, delimiters, Excel row numbers,
  and a report of everything that is not as expected.
* :mod:`~wijklib.guarantees.writing` — nothing is lost: atomic writes that respect the
  umask, Dutch messages when a folder is full or read-only, formula-safe CSV files.

Everything else calls these modules; nothing copies them. Nothing is imported here, so
importing the package does no work.
"""
