"""First start of a device: register with the relay, link up, pair with Spotify, first play.

Composes `RelayLink` (device/link.py), `DevicePairing` (device/pairing.py) and issue 4's
token session and Spotify client. Every view the pairing shows is also written to
`pairing_file` as JSON (atomically), so the screen (and tests) can read the QR's URL and
the user code. Runs as `python -m leeloo.device.onboarding` until paired (exit 0) or
until the relay stops the link (exit 3).

Settings (environment or `.env`, as device/config.py; docs/configuration.md):

| variable                        | default                                   |
|---------------------------------|-------------------------------------------|
| LEELOO_DEVICE_RELAY_URL         | http://127.0.0.1:8787                     |
| LEELOO_DEVICE_CREDENTIAL_FILE   | <state dir>/relay-credentials.json (0600) |
| LEELOO_DEVICE_PAIRING_FILE      | <state dir>/pairing.json                  |
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import anyio
import httpx

from leeloo.clock import Clock, SystemClock
from leeloo.core import messages as wire
from leeloo.core.playback import PlaybackResult, TrackPlaying
from leeloo.device.config import DeviceSettings, read_env_file
from leeloo.device.config import load_settings as load_device_settings
from leeloo.device.link import CredentialFile, LinkStoppedError, RelayLink
from leeloo.device.pairing import DevicePairing, PairingState, PairingView
from leeloo.spotify.client import SpotifyClient
from leeloo.spotify.session import TokenSession
from leeloo.spotify.store import FileTokenStore, write_atomic

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinkSettings:
    relay_url: str
    credential_file: Path
    pairing_file: Path


def load_link_settings(environ: Mapping[str, str], device: DeviceSettings) -> LinkSettings:
    env = {**read_env_file(Path(environ.get("LEELOO_DEVICE_ENV_FILE", ".env"))), **environ}
    return LinkSettings(
        relay_url=env.get("LEELOO_DEVICE_RELAY_URL") or "http://127.0.0.1:8787",
        credential_file=Path(env.get("LEELOO_DEVICE_CREDENTIAL_FILE")
                             or device.state_dir / "relay-credentials.json"),
        pairing_file=Path(env.get("LEELOO_DEVICE_PAIRING_FILE")
                          or device.state_dir / "pairing.json"),
    )  # fmt: skip


def view_json(view: PairingView, playing: bool | None = None) -> bytes:
    body = {k: (v.value if isinstance(v, PairingState) else v)
            for k, v in dataclasses.asdict(view).items()}  # fmt: skip
    body["playing"] = playing
    return json.dumps(body).encode()


async def onboard(device: DeviceSettings, link_settings: LinkSettings, clock: Clock) -> int:
    """Pair this device; 0 once connected (and the first call made), 3 if stopped."""
    store = FileTokenStore(device.token_file)
    async with httpx.AsyncClient(timeout=device.request_timeout) as http:
        holder: dict[str, TokenSession] = {}

        async def exchange(code: str, redirect_uri: str, verifier: str, client_id: str) -> None:
            holder["session"] = TokenSession(store, http, clock, client_id=client_id,
                                             accounts_url=device.spotify_accounts_url)  # fmt: skip
            await holder["session"].exchange_code(code, redirect_uri, verifier)

        async def probe() -> PlaybackResult:
            client = SpotifyClient(http, holder["session"], clock, api_url=device.spotify_api_url)
            return await client.currently_playing()

        def show(view: PairingView) -> None:
            write_atomic(link_settings.pairing_file, view_json(view))

        link: RelayLink
        pairing = DevicePairing(lambda m: link.send(m), exchange, probe, clock, show,
                                client_id=device.spotify_client_id or None)  # fmt: skip
        done = anyio.Event()

        async def handle(message: wire.RelayMessage) -> None:
            await pairing.handle(message)
            if pairing.view.state is PairingState.CONNECTED:
                playing = isinstance(pairing.first_result, TrackPlaying)
                write_atomic(link_settings.pairing_file, view_json(pairing.view, playing))
                done.set()

        async def welcome(_: wire.Welcome) -> None:
            if pairing.view.state in (PairingState.IDLE, PairingState.REQUESTING):
                await pairing.begin()

        link = RelayLink(link_settings.relay_url, CredentialFile(link_settings.credential_file),
                         http, clock, handle, on_welcome=welcome)  # fmt: skip
        stopped: list[LinkStoppedError] = []

        async def run_link() -> None:
            try:
                await link.run()
            except LinkStoppedError as exc:
                stopped.append(exc)
                done.set()

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(run_link)
            await done.wait()
            tasks.cancel_scope.cancel()
    if stopped:
        log.error("%s", stopped[0])
        return 3
    return 0


def main() -> int:
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=logging.INFO, format=fmt)
    device = load_device_settings(os.environ)
    return anyio.run(onboard, device, load_link_settings(os.environ, device), SystemClock())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
