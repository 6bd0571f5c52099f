"""envdoctor: names every problem in a Python ML environment, with evidence and the exact fix."""

__version__ = "0.1.0"
