"""Run one side's probes and checks: the findings for a device or a relay, in order.

The caller gives the settings, an httpx client and a clock; nothing else is reached.
"""

from __future__ import annotations

from urllib.parse import urlencode

import httpx

from leeloo.clock import Clock
from leeloo.core.pairing import SCOPES
from leeloo.device.config import DeviceSettings
from leeloo.doctor import device_checks, probes, relay_checks
from leeloo.doctor.findings import Finding
from leeloo.doctor.network_checks import clock_skew, relay_health
from leeloo.relay.config import RelaySettings
from leeloo.relay.store.sqlite import MIGRATIONS

# A well-formed S256 challenge (43 base64url characters) for a request never completed.
DUMMY_CHALLENGE = "leeloo-doctor-" + "0" * 29


async def examine_device(
    settings: DeviceSettings, http: httpx.AsyncClient, clock: Clock
) -> tuple[Finding, ...]:
    """The device's findings: relay, clock, credentials, Spotify login, screen, weather."""
    base = settings.relay_url.rstrip("/")
    answer = await probes.fetch(http, f"{base}/healthz", clock)
    credentials = probes.look(settings.credential_file)
    tokens = probes.look(settings.token_file)
    findings = [
        relay_health("relay", base, "LEELOO_DEVICE_RELAY_URL", answer),
        clock_skew("clock", "the relay", answer),
        device_checks.credentials(credentials),
        device_checks.file_mode("credential file mode", "the device's relay secret", credentials),
        device_checks.spotify_tokens(tokens, clock.time(), settings.login_warning_days),
        device_checks.file_mode("token file mode", "your Spotify login", tokens),
    ]
    if settings.framebuffer:
        sysfs = settings.framebuffer_sysfs
        findings.append(device_checks.framebuffer_geometry(sysfs, probes.geometry(sysfs)))
        findings.append(
            device_checks.framebuffer_device(probes.device_node(settings.framebuffer_device))
        )
    else:
        findings.append(device_checks.framebuffer_off())
    findings.append(
        device_checks.weather_location(settings.place, settings.latitude, settings.longitude)
    )
    return tuple(findings)


def authorize_url(accounts_url: str, client_id: str, callback: str) -> str:
    """Spotify's /authorize as a phone would get it, with a dummy PKCE challenge."""
    query = urlencode(
        {
            "client_id": client_id,
            "response_type": "code",
            "redirect_uri": callback,
            "scope": " ".join(SCOPES),
            "state": "leeloo-doctor",
            "code_challenge_method": "S256",
            "code_challenge": DUMMY_CHALLENGE,
        }
    )
    return f"{accounts_url.rstrip('/')}/authorize?{query}"


async def examine_relay(
    settings: RelaySettings, http: httpx.AsyncClient, clock: Clock
) -> tuple[Finding, ...]:
    """The relay's findings: client id, public URL, store, running relay, Spotify, clock."""
    client = settings.spotify_client_id
    health = await probes.fetch(http, f"{settings.base_url}/healthz", clock)
    url = authorize_url(settings.spotify_accounts_url, client, settings.callback_url)
    authorize = await probes.fetch(http, url, clock)
    return (
        relay_checks.client_id(client),
        relay_checks.public_url(settings.public_url, settings.base_url),
        relay_checks.store(probes.store(settings.store, len(MIGRATIONS))),
        relay_health("relay", settings.base_url, "LEELOO_RELAY_PUBLIC_URL", health),
        relay_checks.redirect_uri(client, settings.callback_url, authorize),
        clock_skew("clock", "Spotify", authorize),
    )
