"""The scripted phone: what an owner does on their phone, as an HTTP client with cookies.

- `pair_spotify`: open the verification URL from the device's QR, check the user code,
  confirm ("It matches"), log into Spotify's page (the emulator's) and agree, then wait on
  the relay's page until it says "Connected". Every step is the real page; nothing is
  short-cut, so a broken pairing page breaks the demo.
- `CrewPhone`: the crew phone page of one device (`/c/<token>` from the device's
  `phone.link`), then one form post per action, each with the page's CSRF token; the
  page's flash line is the answer.

PhoneError says, in words, which step failed.
"""

from __future__ import annotations

import asyncio
import html
import re
from urllib.parse import urlsplit

import httpx

WAIT_S = 20.0
POLL_S = 0.2


class PhoneError(Exception):
    """A phone step did not go as an owner would expect."""


def _hidden_inputs(page: str) -> dict[str, str]:
    pairs = re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page)
    return {html.unescape(k): html.unescape(v) for k, v in pairs}


async def pair_spotify(verification_uri: str, user_code: str, user: str, password: str) -> None:
    """Approve a device's pairing as `user`; returns once the relay says "Connected"."""
    async with httpx.AsyncClient(follow_redirects=True, timeout=10.0) as phone:
        page = await phone.get(verification_uri)
        if user_code not in page.text:
            raise PhoneError(f"the pairing page does not show {user_code} ({page.status_code})")
        login = await phone.post(str(page.url))  # "It matches": on to Spotify's login
        if "Log in" not in login.text:
            raise PhoneError(f"no Spotify login page after confirming ({login.status_code})")
        form = _hidden_inputs(login.text) | {
            "username": user,
            "password": password,
            "action": "agree",
        }
        waiting = await phone.post(str(login.url.copy_with(query=None)), data=form)
        if not waiting.url.path.startswith("/p/"):
            raise PhoneError(f"Spotify did not send the phone back to the relay ({waiting.url})")
        deadline = asyncio.get_running_loop().time() + WAIT_S
        while "Connected" not in waiting.text:
            if asyncio.get_running_loop().time() > deadline:
                raise PhoneError(f"the relay never said Connected for {user}")
            await asyncio.sleep(POLL_S)
            waiting = await phone.get(waiting.url)


class CrewPhone:
    """One device's crew phone page, after the one-time claim link was opened."""

    def __init__(self, relay_url: str) -> None:
        self.http = httpx.AsyncClient(base_url=relay_url, follow_redirects=True, timeout=10.0)
        self.csrf = ""

    async def open(self, claim_url: str) -> None:
        page = await self.http.get(urlsplit(claim_url).path)
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        if page.status_code != 200 or found is None:
            raise PhoneError(f"the crew page did not open ({page.status_code})")
        self.csrf = found.group(1)

    async def act(self, action: str, **fields: str) -> str:
        """Post one crew form; the page's answer (its flash line)."""
        page = await self.http.post(f"/crew/{action}", data={"csrf": self.csrf, **fields})
        found = re.search(r'id="flash">([^<]*)<', page.text)
        if page.status_code != 200 or found is None:
            raise PhoneError(f"the crew page refused {action} ({page.status_code})")
        return html.unescape(found.group(1))

    async def close(self) -> None:
        await self.http.aclose()
