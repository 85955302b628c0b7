"""Exchange Atlas ETL: narrative and structured sources -> one normalized event table (see README)."""

from etl import native

native.install()  # before any submodule is imported: the compiled text extractor, when its build matches
