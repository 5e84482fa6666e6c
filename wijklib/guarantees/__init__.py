"""The workbook's shared guarantees, each with one owner.

* :mod:`~wijklib.guarantees.rendering` — residents' text is only text: escaping for HTML
  and for the template engines behind the maps (Jinja2 in folium/branca).
* :mod:`~wijklib.guarantees.privacy` — the minimum group size, personal columns and the
  masking of personal data.

Everything else calls these modules; nothing copies them. Nothing is imported here, so
importing the package does no work.
"""
