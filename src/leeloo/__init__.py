"""LEELOO: now playing and music from your friends, on a 480x320 desk screen."""

__version__ = "0.1.0"
