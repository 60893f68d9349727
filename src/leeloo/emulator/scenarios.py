"""Named worlds for tests and the demo.

Every scenario starts from the same cast (`base_world`):

| user  | password   | product | on the LEELOO app's allowlist |
|-------|------------|---------|-------------------------------|
| alice | alice-pass | premium | yes (she owns the app)        |
| bob   | bob-pass   | premium | yes                           |
| carol | carol-pass | premium | yes                           |
| dave  | dave-pass  | free    | yes                           |
| erin  | erin-pass  | premium | no                            |

and one development-mode app, `LEELOO_CLIENT_ID`, owned by alice, with the loopback
redirect URI `DEFAULT_REDIRECT_URI` registered (more can be added with the control API).
Then each scenario sets the players, faults and limits:

- playing: alice, bob and carol each play a queue of tracks; dave and erin are idle.
- podcast: alice plays a podcast episode (then an ad, then a track).
- idle: nobody plays anything (the API answers 204).
- private_session: alice plays in a private session (204, indistinguishable from idle).
- rate_limited: as playing, but the app's budget is 3 requests per 30 s (plain 429s).
- quota_exceeded: as playing, but every request past 3 gets the QUOTA_EXCEEDED 429.
- revoked: as playing, but alice's grants are revoked (refresh answers invalid_grant).
- flaky: as playing, with 25 % of Web API requests failing (503, stray 404, slow, 204).
- no_refresh_token: as playing, but refresh answers omit `refresh_token`.
"""

from __future__ import annotations

from collections.abc import Callable

from leeloo.clock import Clock
from leeloo.emulator.player import AD_DURATION_MS, QueueItem
from leeloo.emulator.world import App, Fault, User, World

LEELOO_CLIENT_ID = "1ee1000de0c1e4e0a11ce000000000a1"
DEFAULT_REDIRECT_URI = "http://127.0.0.1:8787/spotify/callback"
CAST = [
    ("alice", "Alice", "premium"),
    ("bob", "Bob", "premium"),
    ("carol", "Carol", "premium"),
    ("dave", "Dave", "free"),
    ("erin", "Erin", "premium"),
]


def base_world(clock: Clock, *, seed: int = 1) -> World:
    world = World(clock, seed=seed)
    for user_id, name, product in CAST:
        world.add_user(User(user_id, name, f"{user_id}-pass", product,  # type: ignore[arg-type]
                            email=f"{user_id}@leeloo.invalid"))  # fmt: skip
    world.add_app(
        App(
            client_id=LEELOO_CLIENT_ID,
            name="LEELOO",
            owner_id="alice",
            redirect_uris={DEFAULT_REDIRECT_URI},
            allowlist=["alice", "bob", "carol", "dave"],
        )
    )
    return world


def track_queue(world: World, start: int, count: int) -> list[QueueItem]:
    tracks = world.catalogue.track_list()
    picked = [tracks[(start + i) % len(tracks)] for i in range(count)]
    return [QueueItem("track", t.id, t.duration_ms) for t in picked]


def _play_for_friends(world: World) -> None:
    now = world.now()
    for offset, user_id in enumerate(("alice", "bob", "carol")):
        world.player(user_id).load(now, track_queue(world, offset * 7, 8), position_ms=15_000)


def playing(world: World) -> None:
    _play_for_friends(world)


def podcast(world: World) -> None:
    episode = world.catalogue.episode_list()[0]
    queue = [
        QueueItem("episode", episode.id, episode.duration_ms),
        QueueItem("ad", "ad-1", AD_DURATION_MS),
        *track_queue(world, 3, 4),
    ]
    world.player("alice").load(world.now(), queue, position_ms=120_000)


def idle(world: World) -> None:
    """Nobody plays anything."""


def private_session(world: World) -> None:
    playing(world)
    world.player("alice").set_private(world.now(), True)


def rate_limited(world: World) -> None:
    playing(world)
    world.apps[LEELOO_CLIENT_ID].rate_limit = 3


def quota_exceeded(world: World) -> None:
    playing(world)
    app = world.apps[LEELOO_CLIENT_ID]
    app.rate_limit = 3
    app.rate_limit_style = "quota"


def revoked(world: World) -> None:
    playing(world)
    world.mint("alice", LEELOO_CLIENT_ID)
    world.revoke("alice")


def flaky(world: World) -> None:
    playing(world)
    world.faults.extend(
        [
            Fault("api", "status", status=503, probability=0.1),
            Fault("api", "stray_404", probability=0.05),
            Fault("api", "slow", delay_s=3.0, probability=0.05),
            Fault("api", "empty_204", probability=0.05),
        ]
    )


def no_refresh_token(world: World) -> None:
    playing(world)
    world.apps[LEELOO_CLIENT_ID].omit_refresh_token = True


SCENARIOS: dict[str, Callable[[World], None]] = {
    "playing": playing,
    "podcast": podcast,
    "idle": idle,
    "private_session": private_session,
    "rate_limited": rate_limited,
    "quota_exceeded": quota_exceeded,
    "revoked": revoked,
    "flaky": flaky,
    "no_refresh_token": no_refresh_token,
}


def build_world(clock: Clock, scenario: str = "playing", *, seed: int = 1) -> World:
    """A fresh world in the named scenario (KeyError names the known ones)."""
    try:
        setup = SCENARIOS[scenario]
    except KeyError:
        raise KeyError(
            f"unknown scenario {scenario!r}; known: {', '.join(sorted(SCENARIOS))}"
        ) from None
    world = base_world(clock, seed=seed)
    setup(world)
    return world
