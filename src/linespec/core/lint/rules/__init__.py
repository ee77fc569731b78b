"""The checks, one module per family; `linespec.core.lint.order` runs them in order."""
