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
verhalen
    Wijkschouw, stories, theme coding (``themas.csv``) and the buurt's strengths.
practice
    Fictional practice data, always labelled as such.
samenvatting
    The printable summary of what residents say.
"""
