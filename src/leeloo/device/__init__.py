"""The LEELOO device program."""
