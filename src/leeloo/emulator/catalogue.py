"""A built-in catalogue of made-up music and podcasts, shaped like Spotify's.

Every id is a valid Spotify id (22 characters of base 62) derived from the item's name,
so the catalogue is the same on every run and every machine. Durations are realistic:
tracks of 2 to 7 minutes, episodes of 20 to 70 minutes. Image ids follow i.scdn.co's
shape (a 16-hex size prefix, then 24 hex), and the image route draws a picture from them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ID_LENGTH = 22
# i.scdn.co size prefixes Spotify uses for album covers: 640, 300 and 64 px.
IMAGE_PREFIXES = {640: "ab67616d0000b273", 300: "ab67616d00001e02", 64: "ab67616d00004851"}
SHOW_IMAGE_PREFIXES = {640: "ab6765630000ba8a", 300: "ab67656300005f1f", 64: "ab6765630000f68d"}
KINDS = ("track", "album", "artist", "playlist", "show", "episode")


def spotify_id(seed: str) -> str:
    """A deterministic 22-character base-62 id for `seed`."""
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    chars = []
    for _ in range(ID_LENGTH):
        number, rem = divmod(number, 62)
        chars.append(BASE62[rem])
    return "".join(chars)


def is_spotify_id(text: str) -> bool:
    return len(text) == ID_LENGTH and all(c in BASE62 for c in text)


def image_hash(seed: str) -> str:
    return hashlib.sha256(("image:" + seed).encode()).hexdigest()[:24]


def _number(seed: str, low: int, high: int) -> int:
    value = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big")
    return low + value % (high - low + 1)


@dataclass(frozen=True)
class Artist:
    id: str
    name: str


@dataclass(frozen=True)
class Album:
    id: str
    name: str
    artist_id: str
    release_date: str
    image: str  # 24 hex: the picture's identity, sized by the prefix
    track_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Track:
    id: str
    name: str
    album_id: str
    artist_id: str
    duration_ms: int
    track_number: int
    popularity: int
    explicit: bool = False


@dataclass(frozen=True)
class Show:
    id: str
    name: str
    publisher: str
    description: str
    image: str
    episode_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Episode:
    id: str
    name: str
    show_id: str
    duration_ms: int
    release_date: str
    description: str


@dataclass(frozen=True)
class Playlist:
    id: str
    name: str
    owner: str
    track_ids: tuple[str, ...]
    image: str


# (artist, [(album, year, [track names])])
_MUSIC: list[tuple[str, list[tuple[str, int, list[str]]]]] = [
    (
        "The Paper Lanterns",
        [
            (
                "Night Ferry",
                2021,
                [
                    "Harbour Lights",
                    "Night Ferry",
                    "Salt in the Wires",
                    "Glasshouse",
                    "Last Bus to Marlow",
                ],
            ),
            ("Small Hours", 2024, ["Small Hours", "Kettle Song", "Radio Static Heart", "Undertow"]),
        ],
    ),
    (
        "Mira Okafor",
        [
            (
                "Copper Sun",
                2023,
                [
                    "Copper Sun",
                    "Lagos to Leeds",
                    "Slow Dance in a Fast Town",
                    "Paper Planes Again",
                    "Orbit",
                ],
            ),
        ],
    ),
    (
        "Velvet Harbor",
        [
            ("Tidewater", 2019, ["Tidewater", "Blue Hour", "Lantern Fish", "Shoreline Radio"]),
            (
                "Breakwater",
                2022,
                ["Breakwater", "Fog Bell", "Northern Line", "Sea Glass", "Held Breath"],
            ),
        ],
    ),
    (
        "Juno & the Static",
        [
            (
                "Overdrive Lullabies",
                2025,
                [
                    "Overdrive",
                    "Lullaby for a Modem",
                    "Cathode Kiss",
                    "Signal Lost",
                    "Dial Tone Blues",
                    "Reboot",
                ],
            ),
        ],
    ),
    (
        "Kestrel Bay",
        [
            ("Wide Open", 2020, ["Wide Open", "Gravel Roads", "Kestrel", "Hollow Oak"]),
        ],
    ),
    (
        "Ode to Saturn",
        [
            ("Rings", 2026, ["Rings", "Titan", "Cassini Waltz", "Gravity Assist", "Hexagon Storm"]),
        ],
    ),
]

# (show, publisher, [episode names])
_PODCASTS: list[tuple[str, str, list[str]]] = [
    (
        "Desk Radio",
        "Lantern Media",
        [
            "Why we still love mixtapes",
            "The sound of small rooms",
            "Interview: a synth repair shop",
        ],
    ),
    (
        "The Long Listen",
        "Saturn Audio",
        [
            "Episode 41: Vinyl math",
            "Episode 42: Quiet albums",
            "Episode 43: Song pushing etiquette",
        ],
    ),
]


@dataclass
class Catalogue:
    artists: dict[str, Artist] = field(default_factory=dict)
    albums: dict[str, Album] = field(default_factory=dict)
    tracks: dict[str, Track] = field(default_factory=dict)
    shows: dict[str, Show] = field(default_factory=dict)
    episodes: dict[str, Episode] = field(default_factory=dict)
    playlists: dict[str, Playlist] = field(default_factory=dict)
    # spotify.link short codes -> "kind:id"
    short_links: dict[str, str] = field(default_factory=dict)

    def find(self, kind: str, item_id: str) -> object | None:
        table: dict[str, dict[str, object]] = {
            "track": self.tracks, "album": self.albums, "artist": self.artists,  # type: ignore[dict-item]
            "playlist": self.playlists, "show": self.shows, "episode": self.episodes,  # type: ignore[dict-item]
        }  # fmt: skip
        return table[kind].get(item_id) if kind in table else None

    def track_list(self) -> list[Track]:
        return list(self.tracks.values())

    def episode_list(self) -> list[Episode]:
        return list(self.episodes.values())


def build_catalogue() -> Catalogue:
    """The built-in catalogue (deterministic)."""
    cat = Catalogue()
    for artist_name, albums in _MUSIC:
        artist = Artist(spotify_id("artist:" + artist_name), artist_name)
        cat.artists[artist.id] = artist
        for album_name, year, track_names in albums:
            album_id = spotify_id(f"album:{artist_name}:{album_name}")
            ids = []
            for number, track_name in enumerate(track_names, start=1):
                seed = f"track:{artist_name}:{album_name}:{track_name}"
                track = Track(
                    id=spotify_id(seed),
                    name=track_name,
                    album_id=album_id,
                    artist_id=artist.id,
                    duration_ms=_number(seed, 125_000, 415_000),
                    track_number=number,
                    popularity=_number(seed + ":pop", 20, 85),
                    explicit=_number(seed + ":x", 0, 9) == 0,
                )
                cat.tracks[track.id] = track
                cat.short_links[spotify_id("link:" + seed)[:11]] = f"track:{track.id}"
                ids.append(track.id)
            month, day = _number(album_name, 1, 12), _number(album_name + "d", 1, 28)
            cat.albums[album_id] = Album(
                id=album_id, name=album_name, artist_id=artist.id,
                release_date=f"{year}-{month:02d}-{day:02d}",
                image=image_hash(album_id), track_ids=tuple(ids),
            )  # fmt: skip
    for show_name, publisher, episode_names in _PODCASTS:
        show_id = spotify_id("show:" + show_name)
        ids = []
        for number, episode_name in enumerate(episode_names, start=1):
            seed = f"episode:{show_name}:{episode_name}"
            episode = Episode(
                id=spotify_id(seed), name=episode_name, show_id=show_id,
                duration_ms=_number(seed, 20 * 60_000, 70 * 60_000),
                release_date=f"2026-{_number(seed, 1, 10):02d}-{number * 7:02d}",
                description=f"{episode_name}. A conversation from {show_name}.",
            )  # fmt: skip
            cat.episodes[episode.id] = episode
            ids.append(episode.id)
        cat.shows[show_id] = Show(
            id=show_id, name=show_name, publisher=publisher,
            description=f"{show_name}, from {publisher}.", image=image_hash(show_id),
            episode_ids=tuple(ids),
        )  # fmt: skip
    tracks = list(cat.tracks)
    for name, picks in [("Desk Mix", tracks[::3]), ("Crew Favourites", tracks[1::4])]:
        playlist_id = spotify_id("playlist:" + name)
        cat.playlists[playlist_id] = Playlist(
            id=playlist_id, name=name, owner="leeloo", track_ids=tuple(picks),
            image=image_hash(playlist_id),
        )  # fmt: skip
    return cat
