"""The currently-playing parser: every row of spotify.md's table, and hostile bodies."""

from __future__ import annotations

import json

import pytest

from leeloo.core.playback import (
    AdOrUnknown,
    EpisodePlaying,
    Forbidden,
    ForbiddenReason,
    Item,
    NothingPlaying,
    RateLimited,
    TrackPlaying,
    Unauthorized,
    Unavailable,
    parse_currently_playing,
    parse_item,
    pick_art,
    retry_after_seconds,
)

T = 1_767_225_600.0

IMAGES = [
    {"url": "https://i.scdn.co/image/640", "width": 640, "height": 640},
    {"url": "https://i.scdn.co/image/300", "width": 300, "height": 300},
    {"url": "https://i.scdn.co/image/64", "width": 64, "height": 64},
]
TRACK = {
    "type": "track",
    "name": "Harbour Lights",
    "uri": "spotify:track:4uLU6hMCjMI75M1A2tKUQC",
    "duration_ms": 215_000,
    "artists": [{"name": "The Paper Lanterns"}, {"name": "Mira Okafor"}],
    "album": {"name": "Night Ferry", "images": IMAGES},
}
EPISODE = {
    "type": "episode",
    "name": "Why we still love mixtapes",
    "uri": "spotify:episode:512ojhOuo1ktJprKbVcKyQ",
    "duration_ms": 1_800_000,
    "images": IMAGES,
    "show": {"name": "Desk Radio", "publisher": "Lantern Media", "images": IMAGES},
}


def body(**fields: object) -> bytes:
    payload: dict[str, object] = {
        "timestamp": 1, "progress_ms": 15_000, "is_playing": True,
        "currently_playing_type": "track", "item": TRACK,
    }  # fmt: skip
    payload.update(fields)
    return json.dumps(payload).encode()


def parse(status: int, raw: bytes = b"", headers: dict[str, str] | None = None) -> object:
    return parse_currently_playing(status, headers or {}, raw, T)


def test_a_playing_track() -> None:
    result = parse(200, body())
    assert result == TrackPlaying(
        Item("track", TRACK["uri"], "Harbour Lights", ("The Paper Lanterns", "Mira Okafor"),  # type: ignore[arg-type]
             "Night Ferry", "https://i.scdn.co/image/300", 215_000),
        15_000, True, T,
    )  # fmt: skip


def test_a_paused_track() -> None:
    result = parse(200, body(is_playing=False))
    assert isinstance(result, TrackPlaying)
    assert result.is_playing is False


def test_an_episode_shows_the_show_and_publisher() -> None:
    result = parse(200, body(item=EPISODE, currently_playing_type="episode", progress_ms=None))
    assert isinstance(result, EpisodePlaying)
    assert result.item.album == "Desk Radio"
    assert result.item.artists == ("Lantern Media",)
    assert result.progress_ms is None


def test_an_episode_without_images_takes_the_show_art() -> None:
    episode = {**EPISODE, "images": [], "show": {"name": "S", "images": IMAGES[2:]}}
    item = parse_item(episode)
    assert item is not None
    assert item.art_url == "https://i.scdn.co/image/64"
    assert item.artists == ()


@pytest.mark.parametrize("kind", ["ad", "unknown", "episode"])
def test_no_item_is_an_ad_or_unknown(kind: str) -> None:
    assert parse(200, body(item=None, currently_playing_type=kind)) == AdOrUnknown(kind, True, T)


def test_an_unusable_item_is_unknown() -> None:
    raw = body(item={"type": "local", "uri": "spotify:local:x"}, currently_playing_type=None)
    assert parse(200, raw) == AdOrUnknown("unknown", True, T)


@pytest.mark.parametrize("raw", [b"", b"  \n"])
def test_nothing_playing(raw: bytes) -> None:
    assert parse(204, raw) == NothingPlaying(T)
    assert parse(200, raw) == NothingPlaying(T)


@pytest.mark.parametrize("raw", [b"<html>oops</html>", b"[1, 2]", b"\xff\xfe"])
def test_a_200_that_is_not_a_json_object_is_unavailable(raw: bytes) -> None:
    assert parse(200, raw) == Unavailable("malformed answer", T)


def test_unauthorized_keeps_spotify_message() -> None:
    raw = b'{"error": {"status": 401, "message": "The access token expired"}}'
    assert parse(401, raw) == Unauthorized("The access token expired", T)
    assert parse(401, b"") == Unauthorized("access token refused", T)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"error": {"status": 403, "message": "User not registered in the Developer Dashboard"}}',
         ForbiddenReason.NOT_ALLOWLISTED),
        (b"Check settings on developer.spotify.com/dashboard, the user may not be registered.",
         ForbiddenReason.NOT_ALLOWLISTED),
        (b'{"error": {"status": 403, "message": "Active premium subscription required for '
         b'the owner of the app."}}', ForbiddenReason.NOT_PREMIUM),
        (b'{"error": {"status": 403, "message": "x", "reason": "PREMIUM_REQUIRED"}}',
         ForbiddenReason.NOT_PREMIUM),
        # A message that merely *contains* the words is not classified by them.
        (b'{"error": {"status": 403, "message": "not the User not registered in the Developer '
         b'Dashboard"}}', ForbiddenReason.OTHER),
        (b"", ForbiddenReason.OTHER),
        (b'{"error": "forbidden"}', ForbiddenReason.OTHER),
    ],
)  # fmt: skip
def test_forbidden_reasons(raw: bytes, reason: ForbiddenReason) -> None:
    result = parse(403, raw)
    assert isinstance(result, Forbidden)
    assert result.reason is reason
    assert result.words == reason.value


def test_a_plain_text_429() -> None:
    result = parse(429, b"Too many requests", {"Retry-After": "42"})
    assert result == RateLimited(T + 42, False, T)


def test_a_quota_429_in_json() -> None:
    raw = b'{"error": {"status": 429, "message": "rate limit", "reason": "QUOTA_EXCEEDED"}}'
    assert parse(429, raw, {"retry-after": "7200"}) == RateLimited(T + 7200, True, T)


def test_a_429_without_retry_after_waits_a_default() -> None:
    result = parse(429, b"")
    assert isinstance(result, RateLimited)
    assert result.until == T + 30


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("Thu, 01 Jan 2026 00:01:00 GMT", 60.0),
        ("Wed, 31 Dec 2025 23:00:00 GMT", 0.0),  # in the past: now
        ("Thu, 01 Jan 2026 00:01:00", None),  # no zone: ambiguous
        ("soon", None),
        ("-5", None),
    ],
)
def test_retry_after_forms(value: str, expected: float | None) -> None:
    assert retry_after_seconds({"Retry-After": value}, T) == expected


def test_retry_after_absent() -> None:
    assert retry_after_seconds({"Content-Type": "text/plain"}, T) is None


@pytest.mark.parametrize(
    ("status", "reason"),
    [(404, "stray 404"), (500, "server error 500"), (503, "server error 503"),
     (400, "unexpected status 400"), (202, "unexpected status 202")],
)  # fmt: skip
def test_transient_answers_are_unavailable(status: int, reason: str) -> None:
    assert parse(status, b"<html>") == Unavailable(reason, T)


def test_wrong_types_read_as_missing() -> None:
    track = {
        "type": "track", "uri": "spotify:track:x", "name": 5, "duration_ms": True,
        "artists": [{"name": 1}, "Bob", {"name": "Ann"}], "album": "Night Ferry",
    }  # fmt: skip
    result = parse(200, body(item=track, progress_ms=-4, is_playing="yes"))
    assert result == TrackPlaying(
        Item("track", "spotify:track:x", "", ("Ann",), "", None, None), None, False, T
    )


def test_pick_art() -> None:
    assert pick_art(IMAGES) == "https://i.scdn.co/image/300"
    assert pick_art(list(reversed(IMAGES))) == "https://i.scdn.co/image/300"
    assert pick_art([IMAGES[2], {"url": "u", "width": 200}]) == "u"  # nothing ≥ 300: widest
    assert pick_art([{"url": "a", "width": None}, {"url": "b"}]) == "a"  # sizes unknown
    assert pick_art([{"width": 640}, "junk"]) is None
    assert pick_art(None) is None
