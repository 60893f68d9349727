"""Search over the built-in catalogue, a simple stand-in for GET /v1/search.

A query is words, compared case-insensitively: an item matches when every word starts
some word of its text (so `harb` finds "Harbour Lights"). A word written `field:value`
must match in that field only; the fields Spotify documents and we keep are `track`,
`artist`, `album` and `year`. Unknown fields are searched as plain words, and quotes are
dropped. Results keep catalogue order, so pages are stable.

| type      | text searched                      |
|-----------|------------------------------------|
| track     | track name, artist name, album name |
| album     | album name, artist name            |
| artist    | artist name                        |
| playlist  | playlist name, owner               |
| show      | show name, publisher               |
| episode   | episode name, show name            |
| audiobook | nothing (the catalogue has none)   |
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from leeloo.emulator.catalogue import Catalogue
from leeloo.emulator.wire import SearchItem

SEARCH_TYPES = ("album", "artist", "playlist", "track", "show", "episode", "audiobook")
FIELDS = ("track", "artist", "album", "year")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Query:
    """A parsed query: free words, and (field, word) pairs."""

    words: tuple[str, ...]
    filters: tuple[tuple[str, str], ...]


def parse_query(text: str) -> Query:
    """Split a `q` parameter into lower-case words and field filters."""
    words: list[str] = []
    filters: list[tuple[str, str]] = []
    for chunk in text.replace('"', " ").split():
        field, sep, value = chunk.partition(":")
        if sep and field.lower() in FIELDS:
            filters.extend((field.lower(), word) for word in _words(value))
        else:
            words.extend(_words(chunk))
    return Query(tuple(words), tuple(filters))


def parse_types(text: str) -> list[str] | None:
    """The requested result types in order (no repeats), or None if any is unknown."""
    kinds: list[str] = []
    for raw in text.split(","):
        kind = raw.strip()
        if kind not in SEARCH_TYPES:
            return None
        if kind not in kinds:
            kinds.append(kind)
    return kinds


def search(catalogue: Catalogue, query: Query, kind: str) -> list[SearchItem]:
    """Every item of `kind` that matches `query`, in catalogue order."""
    return [item for item, fields in _candidates(catalogue, kind) if matches(query, fields)]


def matches(query: Query, fields: Mapping[str, str]) -> bool:
    """True when every word prefixes a word of the item (filters: of that field)."""
    everything = _words(" ".join(fields.values()))
    if not all(_prefixes(word, everything) for word in query.words):
        return False
    return all(_prefixes(word, _words(fields.get(field, ""))) for field, word in query.filters)


def _candidates(catalogue: Catalogue, kind: str) -> Iterator[tuple[SearchItem, dict[str, str]]]:
    cat = catalogue
    if kind == "track":
        for track in cat.tracks.values():
            album, artist = cat.albums[track.album_id], cat.artists[track.artist_id]
            yield track, {"track": track.name, "artist": artist.name, "album": album.name,
                          "year": album.release_date[:4]}  # fmt: skip
    elif kind == "album":
        for album in cat.albums.values():
            artist = cat.artists[album.artist_id]
            yield album, {"album": album.name, "artist": artist.name,
                          "year": album.release_date[:4]}  # fmt: skip
    elif kind == "artist":
        for artist in cat.artists.values():
            yield artist, {"artist": artist.name}
    elif kind == "playlist":
        for playlist in cat.playlists.values():
            yield playlist, {"name": playlist.name, "owner": playlist.owner}
    elif kind == "show":
        for show in cat.shows.values():
            yield show, {"name": show.name, "publisher": show.publisher}
    elif kind == "episode":
        for episode in cat.episodes.values():
            yield episode, {"name": episode.name, "show": cat.shows[episode.show_id].name}


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _prefixes(word: str, words: list[str]) -> bool:
    return any(candidate.startswith(word) for candidate in words)
