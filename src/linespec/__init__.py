"""linespec: provenance records for any git repository."""

__version__ = "0.1.0"
