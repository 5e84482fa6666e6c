"""Data access: CBS and PDOK clients, the indicator catalogue, gemeenten, cache and HTTP.

Modules
-------
cbs
    CBS Kerncijfers wijken en buurten (catalogue through ``cbsodata``, data through ``odata``).
odata
    A thin OData v3 reader: each page one retried request on the shared session.
pdok
    Boundaries from the PDOK OGC API Features.
politie
    Police registrations per wijk and buurt (table 47018NED on dataderden.cbs.nl).
catalog
    Stable Dutch names for CBS variables (``indicatoren.csv``).
gemeenten
    Recognise a gemeente by name, alias or code.
areas
    Find a wijk or buurt in a table the way people type it.
cache
    The on-disk cache of downloads with their provenance.
net
    One session, per-request retries with back-off and jitter, a deadline per call, and
    the Dutch wording of each failure.
download
    Prefetch everything a session needs.
"""
