"""The package's version: the one place it is written (hatchling reads it from here for the wheel)."""

__version__ = "0.1.0"
