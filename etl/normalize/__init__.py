"""Normalizers: countries, dates, sectors and types, head-counts, organizations, groups."""

from pathlib import Path

# The project's root, for the data files beside the code.  Said here, in a module never compiled: a compiled
# module's __file__ is its extension's, in build/native/ (etl/native.py).
ROOT = Path(__file__).resolve().parents[2]
