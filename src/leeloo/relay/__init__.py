"""The LEELOO relay program."""
