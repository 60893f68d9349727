"""Spotify adapters for the device: the Web API client, the token session and its store.

Everything that decides lives in `leeloo.core` (playback, tokens, schedule); this package
does the HTTP (httpx, async) and the files.
"""
