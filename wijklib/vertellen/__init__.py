"""Vertellen (notebook 2): the residents' view.

Modules
-------
survey
    The questionnaire (``vragenlijst.csv``) and its forms.
responses
    Reading and validating survey answers from the usual survey tools.
scores
    Scale scores per buurt with their uncertainty.
kaartnotities
    Participatory maps: points and areas residents put on a map.
records
    What stories, wijkschouw and krachten share: checking typed entries, reading files.
verhalen
    Stories and quotes.
wijkschouw
    Observations of a wijkschouw: kansen and knelpunten.
krachten
    The buurt's strengths ("krachten van de buurt").
kansen
    Threats and opportunities side by side (map notes and krachten in two columns).
themas
    Theme coding of stories (``themas.csv``): suggestions, a person's decision, counts.
practice
    Fictional practice data, always labelled as such.
samenvatting
    The printable summary of what residents say.
"""
