"""xlsform: run the yearly performance self-evaluation round (generate, check, merge)."""

__version__ = "0.3.0"
