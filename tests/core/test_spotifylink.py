"""Every link and URI form of spotify.md, and clear refusals for the rest."""

from __future__ import annotations

import pytest

from leeloo.core.spotifylink import (
    ShortLink,
    SpotifyLinkError,
    SpotifyRef,
    looks_like_link,
    parse_spotify_link,
)

ID = "4uLU6hMCjMI75M1A2tKUQC"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (f"https://open.spotify.com/track/{ID}", "track"),
        (f"https://open.spotify.com/track/{ID}?si=abc123", "track"),
        (f"https://open.spotify.com/intl-de/album/{ID}", "album"),
        (f"https://open.spotify.com/intl-pt_BR/playlist/{ID}?si=x#y", "playlist"),
        (f"open.spotify.com/episode/{ID}", "episode"),
        (f"  spotify:show:{ID} ", "show"),
        (f"http://OPEN.SPOTIFY.COM/track/{ID}/", "track"),
    ],
)
def test_every_form_names_its_item(text: str, kind: str) -> None:
    ref = parse_spotify_link(text)
    assert ref == SpotifyRef(kind, ID)
    assert isinstance(ref, SpotifyRef)
    assert ref.uri == f"spotify:{kind}:{ID}"
    assert ref.url == f"https://open.spotify.com/{kind}/{ID}"


def test_short_links_need_a_lookup() -> None:
    ref = parse_spotify_link("https://spotify.link/AbC_d-9")
    assert ref == ShortLink("AbC_d-9")
    assert ref.url == "https://spotify.link/AbC_d-9"
    assert parse_spotify_link("spotify.link/xyz") == ShortLink("xyz")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (f"https://open.spotify.com/artist/{ID}", "artist cannot be pushed"),
        (f"spotify:user:{ID}", "user cannot be pushed"),
        ("spotify:track:short", "not valid"),
        ("spotify:track", "looks like spotify:track:<id>"),
        ("https://example.com/track/x", "not a Spotify link (example.com)"),
        ("ftp://open.spotify.com/track/x", "paste an open.spotify.com"),
        ("https://open.spotify.com/track", "does not name"),
        ("https://spotify.link/", "incomplete"),
        ("https://spotify.link/a/b", "incomplete"),
        ("http://[::1", "not a link"),
        (f"https://open.spotify.com//{ID}", "does not name"),
        ("https://open.spotify.com/x/" + ID, "x cannot be pushed"),
        ("https://open.spotify.com/%20/" + ID, "cannot be pushed"),
    ],
)
def test_refusals_say_why(text: str, words: str) -> None:
    with pytest.raises(SpotifyLinkError, match=words.replace("(", r"\(").replace(")", r"\)")):
        parse_spotify_link(text)


def test_empty_kind_is_named_item() -> None:
    with pytest.raises(SpotifyLinkError, match="a Spotify item cannot"):
        parse_spotify_link(f"spotify::{ID}")


def test_looks_like_link() -> None:
    assert looks_like_link("spotify:track:x")
    assert looks_like_link("https://anything")
    assert looks_like_link("open.spotify.com/track/x")
    assert not looks_like_link("daft punk one more time")
