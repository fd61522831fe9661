"""The package's version, read once from its installed metadata (a checkout without install says so)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("alize-docs")
except PackageNotFoundError:  # pragma: no cover - running from a checkout without install
    __version__ = "0+checkout"
