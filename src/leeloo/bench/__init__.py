"""`leeloo bench`: measurements of speed and memory, printed as text or JSON."""
