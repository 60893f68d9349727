"""Sending into the crew from any machine holding the device's credentials file.

`ItemSender.send(item)` posts one `item.send` to the relay's HTTP API (`POST /v1/items`,
`Authorization: Bearer <device_id>:<secret>`). The idempotency key is made once per item
by the caller and reused on every retry, so a send whose answer was lost is stored once.
Retried: transport errors and 5xx answers, after each of `delays` (seconds). Not retried:
every refusal, raised as `SendFailedError` with words for people and an exit code:

    exit  case
    0     stored for the crew
    1     refused: not in a crew, a link the relay cannot resolve, the sender's device
          offline for a search, a malformed item
    2     usage: no readable credentials file, bad settings
    3     the relay does not know these credentials (401)
    4     rate limited: the message says how long to wait
    5     the relay is unreachable (after the retries)
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from leeloo.clock import Clock
from leeloo.core import messages as wire
from leeloo.device.link import Credentials

log = logging.getLogger(__name__)

EXIT_REFUSED, EXIT_USAGE, EXIT_AUTH, EXIT_RATE, EXIT_UNREACHABLE = 1, 2, 3, 4, 5
DELAYS = (0.5, 1.0, 2.0)


class SendFailedError(Exception):
    """The item was not sent; `str()` says why in words, `exit_code` as in the table."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Sent:
    item_id: str
    key: str
    attempts: int


def new_key() -> str:
    """A fresh idempotency key for one item (reused by every retry of it)."""
    return "cli-" + secrets.token_urlsafe(12)


def _wait_of(answer: httpx.Response, message: str) -> int | None:
    raw = answer.headers.get("retry-after") or ""
    if raw.isdigit():
        return int(raw)
    found = re.search(r"(\d+) s", message)
    return int(found.group(1)) if found else None


def refusal(answer: httpx.Response) -> SendFailedError:
    """The relay's refusal (a 4xx answer) in words, with its exit code."""
    try:
        body = answer.json()
        code, message = str(body.get("error", "")), str(body.get("message", ""))
    except (ValueError, AttributeError):
        code, message = "", answer.text[:200]
    if answer.status_code == 401:
        return SendFailedError("the relay does not know this device's credentials (wrong "
                               "relay, or the device registered again)", EXIT_AUTH)  # fmt: skip
    if answer.status_code == 429:
        wait = _wait_of(answer, message)
        later = f"try again in {wait} s" if wait is not None else "try again later"
        return SendFailedError(f"rate limited: too many items sent; {later}", EXIT_RATE)
    if code == wire.ErrorCode.NOT_IN_CREW:
        return SendFailedError("this device is not in a crew: create or join one from its "
                               "phone page (the QR on its screen)", EXIT_REFUSED)  # fmt: skip
    if code == wire.ErrorCode.REFUSED_LINK:
        return SendFailedError(f"cannot push that: {message}", EXIT_REFUSED)
    return SendFailedError(f"the relay refused the item: {message or code}", EXIT_REFUSED)


class ItemSender:
    """Posts items with retries (rules in the module docstring)."""

    def __init__(self, http: httpx.AsyncClient, relay_url: str, credentials: Credentials,
                 clock: Clock, *, delays: Sequence[float] = DELAYS) -> None:  # fmt: skip
        self.http = http
        self.url = relay_url.rstrip("/") + "/v1/items"
        self.credentials = credentials
        self.clock = clock
        self.delays = tuple(delays)

    async def send(self, item: wire.ItemSend) -> Sent:
        """Store `item` for the crew (same key on every try); SendFailedError if not."""
        body: dict[str, Any] = {k: v for k, v in item.to_dict().items() if k != "type"}
        auth = f"Bearer {self.credentials.device_id}:{self.credentials.secret}"
        problem = ""
        for attempt, delay in enumerate((*self.delays, None), start=1):
            try:
                answer = await self.http.post(self.url, json=body, headers={"Authorization": auth})
            except httpx.TransportError as exc:
                problem = type(exc).__name__
            else:
                if answer.status_code == 201:
                    return Sent(str(answer.json()["item_id"]), item.key, attempt)
                if answer.status_code < 500:
                    raise refusal(answer)
                problem = f"HTTP {answer.status_code}"
            if delay is None:
                break
            log.info("send attempt %d failed (%s): retrying with the same key", attempt, problem)
            await self.clock.sleep(delay)
        where = self.url.removesuffix("/v1/items")
        tries = len(self.delays) + 1
        raise SendFailedError(f"cannot reach the relay at {where} ({problem}, {tries} tries)",
                              EXIT_UNREACHABLE)  # fmt: skip
