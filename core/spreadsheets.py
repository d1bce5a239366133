"""Cells of spreadsheets the site produces (CSV and XLSX), safe to open.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a
formula to Excel and LibreOffice (``=HYPERLINK(…)``, ``=cmd|…``): text people wrote gets
a leading apostrophe instead, which spreadsheets show as text. Every CSV of the site
writes free text through :func:`formula_safe`.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value):
    """``value``, or its text with a leading apostrophe if a spreadsheet would run it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
