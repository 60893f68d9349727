"""The device program's composition root: every part of the device, wired once.

    RelayLink ─ pairing messages ─▶ DevicePairing ─ exchange ─▶ TokenSession ─▶ token file
        │ other messages ─▶ CrewFeed              │ connected: first poll, engine woken
    PlaybackEngine (SpotifyClient on that session) ─ snapshots ─┐
    WeatherService ─ state ─┐                                    ▼
    CrewFeed ─ crew, hang, priority ─▶ core.screen.build_screen(core.nowplaying.music_card(
                                           snapshot, pairing QR), crew, weather, now)
                                       ─▶ Display (Artwork, ArtCache) ─▶ the outputs

Rules:
- pairing starts when the relay has welcomed the device and no Spotify tokens are stored
  (never paired, or `invalid_grant` dropped them); the QR and user code show in the
  album column while the engine's snapshot says "needs pairing";
- when pairing completes, its first Web API call is the engine's own poll (the screen
  changes at once) and the engine is woken to reschedule from that answer;
- crews: the default feed is `CrewInbox` (device/crews.py, persisted in `crew_file`, its
  search-by-words answered with this device's Spotify login); the hello then says
  `"crew": true`, and the feed is told when the link comes up and goes down;
- the screen is rebuilt every second (the clock) and at once on a snapshot, pairing or
  weather change; the display draws only what changed;
- `run()` returns after `stop()`, with every task it started finished (the preview
  server closed gracefully, the others cancelled).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime, tzinfo
from pathlib import Path

import anyio
import httpx
import uvicorn

from leeloo.clock import Clock
from leeloo.core import messages as wire
from leeloo.core.musiccard import MusicCard, Pairing
from leeloo.core.nowplaying import music_card
from leeloo.core.playback import PlaybackResult
from leeloo.core.schedule import PollPolicy, next_poll_delay
from leeloo.core.screen import Screen, build_screen
from leeloo.device.artcache import ArtCache
from leeloo.device.artwork import AlbumSource, Artwork
from leeloo.device.config import DeviceSettings
from leeloo.device.crewfeed import CrewFeed, NoCrew
from leeloo.device.crews import CrewInbox
from leeloo.device.display import Display
from leeloo.device.engine import PlaybackEngine
from leeloo.device.link import Backoff, CredentialFile, LinkStoppedError, RelayLink, backoff
from leeloo.device.outputs import Output
from leeloo.device.outputs.framebuffer import FramebufferOutput
from leeloo.device.outputs.png import PngOutput
from leeloo.device.outputs.preview import PreviewOutput
from leeloo.device.pairing import DevicePairing, PairingState, PairingView
from leeloo.device.search import SpotifySearch
from leeloo.device.status import pairing_json, screen_json
from leeloo.device.weather import WeatherService, WeatherSettings
from leeloo.spotify.client import SpotifyClient
from leeloo.spotify.errors import TokenStoreError
from leeloo.spotify.session import TokenSession
from leeloo.spotify.store import FileTokenStore, write_atomic

log = logging.getLogger(__name__)

TICK_S = 1.0
# Pairing states in which a device without tokens asks for a new code (a failed session
# starts over by itself after its `retry_at`; REQUESTING is asked again after a reconnect,
# the request having gone down with the old connection).
ASK_AGAIN = frozenset({PairingState.IDLE, PairingState.CONNECTED})
ASK_ON_WELCOME = ASK_AGAIN | {PairingState.REQUESTING}


def connect(
    settings: DeviceSettings, http: httpx.AsyncClient, clock: Clock,
    session: TokenSession | None = None,
) -> PlaybackEngine:  # fmt: skip
    """The engine wired to Spotify as `settings` say (token file, URLs, client id)."""
    session = session or token_session(settings, http, clock)
    policy = PollPolicy(check=settings.poll_check)
    client = SpotifyClient(http, session, clock, api_url=settings.spotify_api_url,
                           policy=policy, timeout=settings.request_timeout)  # fmt: skip

    def schedule(result: PlaybackResult, *, now: float, error_streak: int, jitter: float) -> float:
        return next_poll_delay(result, now=now, error_streak=error_streak, jitter=jitter,
                               policy=policy)  # fmt: skip

    return PlaybackEngine(client, clock, schedule=schedule, snapshot_file=settings.snapshot_file)


def token_session(settings: DeviceSettings, http: httpx.AsyncClient, clock: Clock) -> TokenSession:
    return TokenSession(
        FileTokenStore(settings.token_file), http, clock,
        accounts_url=settings.spotify_accounts_url, client_id=settings.spotify_client_id,
        warning_days=settings.login_warning_days, timeout=settings.request_timeout,
    )  # fmt: skip


def crew_inbox(settings: DeviceSettings, http: httpx.AsyncClient, clock: Clock,
               session: TokenSession, tz: tzinfo | None) -> CrewInbox:  # fmt: skip
    """The crew feed: the inbox persisted in `crew_file`, searching with the device's login."""
    search = SpotifySearch(http, session, clock, api_url=settings.spotify_api_url,
                           timeout=settings.request_timeout)  # fmt: skip
    return CrewInbox(settings.crew_file, clock, search=search, tz=tz)


def weather_settings(settings: DeviceSettings) -> WeatherSettings:
    return WeatherSettings(
        latitude=settings.latitude, longitude=settings.longitude, place=settings.place,
        unit=settings.units, base_url=settings.weather_url,
        geocoding_url=settings.geocoding_url, place_file=settings.place_file,
        timeout_s=settings.request_timeout,
    )  # fmt: skip


class DeviceApp:
    """One device: relay link, pairing, now playing, weather, crew and screen."""

    def __init__(
        self,
        settings: DeviceSettings,
        http: httpx.AsyncClient,
        clock: Clock,
        outputs: Sequence[Output],
        *,
        crews: CrewFeed | None = None,
        albums: AlbumSource | None = None,
        tz: tzinfo | None = None,
        link_delays: Backoff = backoff,
    ) -> None:
        self.settings, self.clock, self.tz = settings, clock, tz
        self.session = token_session(settings, http, clock)
        self.crews: CrewFeed = crews or crew_inbox(settings, http, clock, self.session, tz)
        self.engine = connect(settings, http, clock, self.session)
        self.pairing = DevicePairing(
            self._send, self._exchange, self.engine.poll_once, clock, self._pairing_changed,
            client_id=settings.spotify_client_id or None,
        )  # fmt: skip
        self.link = RelayLink(settings.relay_url, CredentialFile(settings.credential_file),
                              http, clock, self._handle, delays=link_delays,
                              on_welcome=self._welcome, on_close=self._link_closed,
                              crew=not isinstance(self.crews, NoCrew))  # fmt: skip
        self.weather = WeatherService(http, clock, weather_settings(settings),
                                      on_change=lambda _: self._changed.set())  # fmt: skip
        cache = ArtCache(settings.art_cache_dir, settings.art_cache_bytes)
        albums = albums or Artwork(http, cache, clock, scannables_base=settings.scannables_url)
        self.display = Display(albums, outputs)
        self.frames = 0
        self.screen: Screen | None = None
        self._changed = asyncio.Event()
        self._stop = asyncio.Event()
        self.engine.subscribe(lambda _: self._changed.set())

    # -- running -------------------------------------------------------------------------

    async def run(self) -> None:
        """Run every part until `stop()`; returns with nothing left running."""
        self.engine.restore()
        await self.show()
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(self.engine.run)
            tasks.start_soon(self._run_link)
            tasks.start_soon(self.weather.run)
            tasks.start_soon(self._run_screen)
            await self._stop.wait()
            tasks.cancel_scope.cancel()
        log.info("device stopped")

    def stop(self) -> None:
        """Ask `run()` to finish (from the event loop's thread, e.g. a signal handler)."""
        self._stop.set()

    async def _run_link(self) -> None:
        try:
            await self.link.run()
        except LinkStoppedError as exc:
            # 4003: another process runs with this identity; fighting it helps no one.
            log.error("relay link stopped: %s; the screen keeps running", exc)

    async def _run_screen(self) -> None:
        while True:
            await self._wait(TICK_S - self.clock.time() % TICK_S)
            await self._pair_if_needed()
            await self.pairing.tick()
            await self.show()

    async def _wait(self, delay: float) -> None:
        """Sleep `delay` seconds of the clock, or less if something changed."""
        sleeper = asyncio.ensure_future(self.clock.sleep(delay))
        change = asyncio.ensure_future(self._changed.wait())
        try:
            await asyncio.wait({sleeper, change}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            change.cancel()
        self._changed.clear()

    # -- the screen ----------------------------------------------------------------------

    def music(self, now: float) -> MusicCard:
        """The music card: the engine's snapshot, the pairing QR, then the crew's priority."""
        view = self.pairing.view
        qr = None
        if view.state is PairingState.SHOWING_CODE and view.verification_uri and view.user_code:
            qr = Pairing(view.verification_uri, view.user_code)
        return self.crews.music(music_card(self.engine.snapshot, qr, self.tz), now)

    async def show(self) -> Screen:
        """Build the screen for this instant and draw what changed."""
        now = self.clock.time()
        card = self.music(now)
        crew = self.crews.crew(now)
        if not self.link.connected:
            crew = replace(crew, linked=False)
        moment = datetime.fromtimestamp(now, self.tz)
        screen = build_screen(card, crew, self.weather.state, moment, self.crews.hang(now))
        if await self.display.update(screen) is not None:
            self.frames += 1
            self._write(self.settings.screen_file, screen_json(screen, card, self.frames))
        self.screen = screen
        return screen

    # -- the relay link and pairing ------------------------------------------------------

    async def _send(self, message: wire.Message) -> bool:
        return await self.link.send(message)

    async def _welcome(self, _: wire.Welcome) -> None:
        self._changed.set()
        if isinstance(self.crews, CrewInbox):
            self.crews.linked(True)
        await self._pair_if_needed(ASK_ON_WELCOME)

    def _link_closed(self) -> None:
        self._changed.set()
        if isinstance(self.crews, CrewInbox):
            self.crews.linked(False)

    async def _handle(self, message: wire.RelayMessage) -> None:
        if isinstance(message, wire.PairingStarted | wire.PairingAuthorized | wire.PairingFailed):
            await self.pairing.handle(message)
        else:
            await self.crews.handle(message, self._send)
            self._changed.set()

    async def _pair_if_needed(self, states: frozenset[PairingState] = ASK_AGAIN) -> None:
        if self.link.connected and self.pairing.view.state in states and not self._paired():
            await self.pairing.begin()

    def _paired(self) -> bool:
        try:
            return self.session.store.load() is not None
        except TokenStoreError as exc:
            log.warning("token file unreadable (%s): pairing again", exc)
            return False

    async def _exchange(self, code: str, redirect_uri: str, verifier: str, client_id: str) -> None:
        await self.session.exchange_code(code, redirect_uri, verifier, client_id)

    def _pairing_changed(self, view: PairingView) -> None:
        self._write(self.settings.pairing_file, pairing_json(view))
        if view.state is PairingState.CONNECTED:
            self.engine.wake()
        self._changed.set()

    def _write(self, path: Path, data: bytes) -> None:
        try:
            write_atomic(path, data, mode=0o644)
        except OSError as exc:
            log.warning("cannot write %s: %s", path, exc)


# -- the program: outputs, the preview server, signals --------------------------------


class PreviewServer(uvicorn.Server):
    """uvicorn for the preview page, leaving SIGINT and SIGTERM to the device program."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def configured_outputs(settings: DeviceSettings) -> tuple[list[Output], PreviewServer | None]:
    """The outputs `settings` turn on; raises FramebufferError for an unreadable fb."""
    outputs: list[Output] = []
    if settings.png:
        outputs.append(PngOutput(settings.png_file))
    if settings.framebuffer:
        outputs.append(FramebufferOutput(settings.framebuffer_device, settings.framebuffer_sysfs))
    server = None
    if settings.preview:
        preview = PreviewOutput()
        outputs.append(preview)
        config = uvicorn.Config(preview.app(), host=settings.preview_host,
                                port=settings.preview_port, log_level="warning",
                                timeout_graceful_shutdown=1)  # fmt: skip
        server = PreviewServer(config)
    return outputs, server


async def run_device(settings: DeviceSettings, clock: Clock) -> None:
    """`leeloo device`: run until SIGINT or SIGTERM, then stop cleanly."""
    outputs, preview = configured_outputs(settings)
    async with httpx.AsyncClient(timeout=settings.request_timeout) as http:
        app = DeviceApp(settings, http, clock, outputs)
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(_stop_on_signal, app)
            async with anyio.create_task_group() as previews:  # left when the server is done
                if preview is not None:
                    previews.start_soon(preview.serve)
                    log.info("preview on http://%s:%d/", settings.preview_host,
                             settings.preview_port)  # fmt: skip
                await app.run()
                if preview is not None:
                    preview.should_exit = True  # a graceful stop, not a cancellation
            tasks.cancel_scope.cancel()


async def _stop_on_signal(app: DeviceApp) -> None:
    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async for signum in signals:
            log.info("%s: stopping", signal.Signals(signum).name)
            app.stop()
            return
