"""The ground floor: the vocabulary every part of the platform shares.

Regions (cpca's table), the occupation taxonomy and its data, the terms of a posting (wage units,
employment types, benefits, mobility) with their Chinese names, one rule for a month's wage, and one trade
resolver. ``market``, ``search`` and ``matching`` import from here; this package imports none of them, nor
Flask, SQLAlchemy or scikit-learn.
"""
