"""storyscore: turn a story into a music album."""

__version__ = "0.1.0"
