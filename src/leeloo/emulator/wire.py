"""Spotify Web API JSON shapes for the emulator's catalogue, users and players.

One `Wire` is bound to a request's base URL (the emulator root, no trailing slash), so
every `href` points back at the emulator and every image is served by it (`/image/...`,
standing in for i.scdn.co). Shapes follow Spotify's reference objects:

| object               | used by                                          |
|----------------------|--------------------------------------------------|
| track (full)         | /v1/tracks/{id}, search, the player's `item`     |
| episode (full)       | /v1/episodes/{id}, the player's `item` (+ show)  |
| album, show, episode | simplified, inside others and in search results  |
| artist, playlist     | search results                                   |
| user (private)       | /v1/me (private fields only with their scopes)   |
| currently playing    | /v1/me/player/currently-playing                  |
| playback state       | /v1/me/player (adds device, shuffle, repeat)     |

Every function returns a fresh JSON-ready dict; nothing here reads the clock.
"""

from __future__ import annotations

import hashlib
from html import escape
from urllib.parse import urlencode

from leeloo.emulator.catalogue import (
    IMAGE_PREFIXES,
    SHOW_IMAGE_PREFIXES,
    Album,
    Artist,
    Catalogue,
    Episode,
    Playlist,
    Show,
    Track,
)
from leeloo.emulator.player import PlayerView
from leeloo.emulator.world import User

JsonObject = dict[str, object]
SearchItem = Track | Album | Artist | Playlist | Show | Episode

OPEN_URL = "https://open.spotify.com"
# Returned as `available_markets` when the request names no market.
MARKETS = ("AU", "CA", "DE", "ES", "FR", "GB", "IE", "IT", "NL", "SE", "US")
DEVICE_VOLUME_PERCENT = 65
# `currently_playing_type` for each queue item kind the player can hold.
PLAYING_TYPES = ("track", "episode", "ad", "unknown")


class Wire:
    """Serializes catalogue and world objects for one request's base URL."""

    def __init__(self, catalogue: Catalogue, base: str, *, market: str | None = None) -> None:
        self.catalogue = catalogue
        self.base = base.rstrip("/")
        self.market = market

    # -- building blocks ---------------------------------------------------------------
    def _ids(self, kind: str, item_id: str, href_kind: str | None = None) -> JsonObject:
        """The fields every Spotify object carries: links, id, type and URI."""
        return {
            "external_urls": {"spotify": f"{OPEN_URL}/{kind}/{item_id}"},
            "href": f"{self.base}/v1/{href_kind or kind + 's'}/{item_id}",
            "id": item_id,
            "type": kind,
            "uri": f"spotify:{kind}:{item_id}",
        }

    def images(self, image: str, prefixes: dict[int, str]) -> list[JsonObject]:
        """Image objects, largest first (Spotify: 640, 300 and 64 px)."""
        return [
            {"url": f"{self.base}/image/{prefix}{image}", "height": size, "width": size}
            for size, prefix in sorted(prefixes.items(), reverse=True)
        ]

    def _availability(self) -> JsonObject:
        # With a market, Spotify answers `is_playable`; without, the list of markets.
        if self.market:
            return {"is_playable": True}
        return {"available_markets": list(MARKETS)}

    # -- music -------------------------------------------------------------------------
    def artist_simple(self, artist: Artist) -> JsonObject:
        return {**self._ids("artist", artist.id), "name": artist.name}

    def artist(self, artist: Artist) -> JsonObject:
        """The full artist object (search results)."""
        seed = int(hashlib.sha256(artist.id.encode()).hexdigest()[:6], 16)
        return {
            **self.artist_simple(artist),
            "followers": {"href": None, "total": 1000 + seed % 500_000},
            "genres": [],
            "images": [],
            "popularity": 20 + seed % 60,
        }

    def album(self, album: Album) -> JsonObject:
        """The simplified album object (inside a track, and in search results)."""
        artist = self.catalogue.artists[album.artist_id]
        return {
            "album_type": "single" if len(album.track_ids) == 1 else "album",
            "total_tracks": len(album.track_ids),
            **self._availability(),
            **self._ids("album", album.id),
            "images": self.images(album.image, IMAGE_PREFIXES),
            "name": album.name,
            "release_date": album.release_date,
            "release_date_precision": "day",
            "artists": [self.artist_simple(artist)],
        }

    def track(self, track: Track) -> JsonObject:
        """The full track object."""
        album = self.catalogue.albums[track.album_id]
        artist = self.catalogue.artists[track.artist_id]
        return {
            "album": self.album(album),
            "artists": [self.artist_simple(artist)],
            **self._availability(),
            "disc_number": 1,
            "duration_ms": track.duration_ms,
            "explicit": track.explicit,
            "external_ids": {"isrc": isrc(track, album)},
            **self._ids("track", track.id),
            "is_local": False,
            "name": track.name,
            "popularity": track.popularity,
            "preview_url": None,
            "track_number": track.track_number,
        }

    def playlist(self, playlist: Playlist) -> JsonObject:
        """The simplified playlist object (search results)."""
        owner = {**self._ids("user", playlist.owner), "display_name": playlist.owner}
        snapshot = hashlib.sha256(",".join(playlist.track_ids).encode()).hexdigest()[:32]
        return {
            "collaborative": False,
            "description": "",
            **self._ids("playlist", playlist.id),
            "images": self.images(playlist.image, {640: IMAGE_PREFIXES[640]}),
            "name": playlist.name,
            "owner": owner,
            "primary_color": None,
            "public": True,
            "snapshot_id": snapshot,
            "tracks": {
                "href": f"{self.base}/v1/playlists/{playlist.id}/tracks",
                "total": len(playlist.track_ids),
            },
        }

    # -- podcasts ----------------------------------------------------------------------
    def show(self, show: Show) -> JsonObject:
        """The simplified show object (inside an episode, and in search results)."""
        return {
            **self._availability(),
            "copyrights": [],
            "description": show.description,
            "html_description": f"<p>{escape(show.description)}</p>",
            "explicit": False,
            **self._ids("show", show.id),
            "images": self.images(show.image, SHOW_IMAGE_PREFIXES),
            "is_externally_hosted": False,
            "languages": ["en"],
            "media_type": "audio",
            "name": show.name,
            "publisher": show.publisher,
            "total_episodes": len(show.episode_ids),
        }

    def episode(self, episode: Episode, *, with_show: bool = True) -> JsonObject:
        """The episode object: full (with `show`), or simplified for search results."""
        show = self.catalogue.shows[episode.show_id]
        body: JsonObject = {
            "audio_preview_url": None,
            "description": episode.description,
            "html_description": f"<p>{escape(episode.description)}</p>",
            "duration_ms": episode.duration_ms,
            "explicit": False,
            **self._ids("episode", episode.id),
            "images": self.images(show.image, SHOW_IMAGE_PREFIXES),
            "is_externally_hosted": False,
            "is_playable": True,
            "language": "en",
            "languages": ["en"],
            "name": episode.name,
            "release_date": episode.release_date,
            "release_date_precision": "day",
            "resume_point": {"fully_played": False, "resume_position_ms": 0},
        }
        if with_show:
            body["show"] = self.show(show)
        return body

    def search_item(self, item: SearchItem) -> JsonObject:
        """Any catalogue object as it appears in a search result page."""
        match item:
            case Track():
                return self.track(item)
            case Album():
                return self.album(item)
            case Artist():
                return self.artist(item)
            case Playlist():
                return self.playlist(item)
            case Show():
                return self.show(item)
            case Episode():
                return self.episode(item, with_show=False)

    def paging(self, items: list[JsonObject], *, total: int, link: dict[str, str],
               limit: int, offset: int) -> JsonObject:  # fmt: skip
        """A paging object; `link` holds the query parameters that repeat on every page."""

        def href(at: int) -> str:
            return f"{self.base}/v1/search?{urlencode({**link, 'offset': at, 'limit': limit})}"

        has_next = limit > 0 and offset + limit < total
        return {
            "href": href(offset),
            "items": items,
            "limit": limit,
            "next": href(offset + limit) if has_next else None,
            "offset": offset,
            "previous": href(max(0, offset - limit)) if offset > 0 and limit > 0 else None,
            "total": total,
        }

    # -- users and players -------------------------------------------------------------
    def user(self, user: User, scopes: frozenset[str]) -> JsonObject:
        """The current user's profile: country, product and the content filter need
        `user-read-private`, the email `user-read-email` (as on Spotify)."""
        body: JsonObject = {
            "display_name": user.display_name,
            **self._ids("user", user.id),
            "followers": {"href": None, "total": 0},
            "images": [],
        }
        if "user-read-private" in scopes:
            body["country"] = user.country
            body["product"] = user.product
            body["explicit_content"] = {"filter_enabled": False, "filter_locked": False}
        if "user-read-email" in scopes:
            body["email"] = user.email
        return body

    def playing_item(
        self, view: PlayerView, types: frozenset[str]
    ) -> tuple[JsonObject | None, str]:
        """The player's `item` and `currently_playing_type`.

        An ad has no item; an episode has one only when `additional_types` names
        `episode` (otherwise `item: null`, type `episode`, as on Spotify); an id the
        catalogue does not know is `unknown`.
        """
        kind, item_id = view.item.kind, view.item.id
        if kind == "ad":
            return None, "ad"
        if kind == "episode":
            episode = self.catalogue.episodes.get(item_id)
            if episode is None:
                return None, "unknown"
            return (self.episode(episode) if "episode" in types else None), "episode"
        track = self.catalogue.tracks.get(item_id)
        if track is None:
            return None, "unknown"
        return self.track(track), "track"

    def currently_playing(self, view: PlayerView, types: frozenset[str]) -> JsonObject:
        """The body of GET /v1/me/player/currently-playing."""
        item, playing_type = self.playing_item(view, types)
        # Spotify lists only the actions that are disallowed right now.
        disallows = {"resuming": True} if view.is_playing else {"pausing": True}
        if playing_type == "ad":
            disallows.update(seeking=True, skipping_next=True, skipping_prev=True)
        return {
            "timestamp": view.timestamp_ms,
            "context": None,
            "progress_ms": view.progress_ms,
            "item": item,
            "currently_playing_type": playing_type,
            "actions": {"disallows": disallows},
            "is_playing": view.is_playing,
        }

    def playback_state(self, view: PlayerView, user: User, device_name: str,
                       types: frozenset[str]) -> JsonObject:  # fmt: skip
        """The body of GET /v1/me/player: currently playing plus device and modes."""
        device_id = hashlib.sha1(f"device:{user.id}:{device_name}".encode()).hexdigest()
        device: JsonObject = {
            "id": device_id,
            "is_active": True,
            "is_private_session": view.private_session,
            "is_restricted": False,
            "name": device_name,
            "type": "Speaker",
            "volume_percent": DEVICE_VOLUME_PERCENT,
            "supports_volume": True,
        }
        return {
            "device": device,
            "shuffle_state": view.shuffle,
            "smart_shuffle": False,
            "repeat_state": "context" if view.repeat else "off",
            **self.currently_playing(view, types),
        }


def isrc(track: Track, album: Album) -> str:
    """A well-formed, deterministic ISRC (CC-XXX-YY-NNNNN) for a made-up track."""
    serial = int(hashlib.sha256(track.id.encode()).hexdigest()[:8], 16) % 100_000
    return f"GBLEE{album.release_date[2:4]}{serial:05d}"
