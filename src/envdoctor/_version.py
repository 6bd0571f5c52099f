"""The package version (a leaf module: anything may import it without pulling in the API)."""

__version__ = "0.1.0"
