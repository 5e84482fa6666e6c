"""Tellen (notebook 1): the outside view from CBS figures and PDOK maps.

Modules
-------
compare
    Areas against the gemeente, Nederland and similar areas.
charts
    Comparison and attention-score charts.
maps
    Choropleth and small multiples.
index
    The composite attention score under the participant's weights.
pitfalls
    The CBS pitfalls, shown with the participant's own data.
profiel
    The printable buurtprofiel.
"""
