"""nenpo (年報): a public body's annual report on its digital programmes, built from data."""

__version__ = "0.1.0"
