"""The whole system on loopback in one command."""
