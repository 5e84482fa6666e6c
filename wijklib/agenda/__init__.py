"""Tellen én vertellen (notebook 3): the two rings and the buurtagenda.

Modules
-------
ringen
    Two rings per theme: figures and perceptions (``ringen.csv``).
state
    The buurtagenda as data, saved on every change without losing work.
export
    The buurtagenda as a printable document (HTML, Markdown).
"""
