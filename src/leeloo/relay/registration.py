"""Device identity: registration (`POST /v1/devices`) and checking a hello's credentials.

A device gets an id and a secret of 32 random bytes. The relay keeps only the secret's
SHA-256: a fast hash is enough for a uniformly random 256-bit secret (nothing to
brute-force, unlike a password), and it keeps the check cheap when 20,000 devices
reconnect at once. The comparison is constant-time (`hmac.compare_digest`).
Registrations are rate-limited per client address through the store's counters.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from leeloo.clock import Clock
from leeloo.relay.metrics import Metrics
from leeloo.relay.store import DeviceRecord, Store

log = logging.getLogger(__name__)
WINDOW_S = 600


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(record: DeviceRecord | None, secret: str) -> bool:
    """Whether `secret` is the device's; the work is the same for an unknown device."""
    expected = record.secret_hash if record else "0" * 64
    return hmac.compare_digest(hash_secret(secret), expected) and record is not None


class Registrar:
    def __init__(self, store: Store, clock: Clock, metrics: Metrics, *, limit: int) -> None:
        self.store = store
        self.clock = clock
        self.metrics = metrics
        self.limit = limit

    async def register(self, request: Request) -> Response:
        now = self.clock.time()
        client = request.client.host if request.client else "unknown"
        window = int(now // WINDOW_S) * WINDOW_S
        if await self.store.hit(f"register:{client}", window) > self.limit:
            self.metrics.errors["register_limited"] += 1
            return JSONResponse({"error": "too many registrations, try later"}, status_code=429)
        device_id = "dev_" + secrets.token_urlsafe(12)
        secret = secrets.token_urlsafe(32)
        await self.store.add_device(DeviceRecord(device_id, hash_secret(secret), now))
        self.metrics.registrations += 1
        log.info("registered device %s", device_id)
        return JSONResponse({"device_id": device_id, "secret": secret}, status_code=201)


def routes(registrar: Registrar) -> list[BaseRoute]:
    return [Route("/v1/devices", registrar.register, methods=["POST"])]
