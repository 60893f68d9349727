"""DejaVu Sans and DejaVu Sans Mono, shipped with the package (licence: LICENSE.txt here)."""
