"""The crew phone page of one device: reached from a QR on the device (a one-time claim).

    GET  /c/<token>          use the one-time claim (from `phone.claim`): a session cookie
                             (HttpOnly, SameSite=Strict), then 303 to /crew
    GET  /crew               name, crew (create / invite / revoke / join / leave), send,
                             activity
    POST /crew/<action>      one form per action; each carries the session's CSRF token
    GET  /j/<code>           an invite link: opens /crew with the code filled in

Every value shown is escaped (pages.py's document); the headers forbid framing and any
asset from elsewhere; forms post only to the relay. A form without the right CSRF token
is refused (403) even with the cookie, and the cookie is never sent cross-site.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from leeloo.clock import Clock
from leeloo.core import messages as wire
from leeloo.core.spotifylink import looks_like_link
from leeloo.relay import pages
from leeloo.relay.crewlink import token_hash
from leeloo.relay.crews import CrewError
from leeloo.relay.sending import SendRefusedError
from leeloo.relay.store.crewstore import InviteRecord, PhoneSession, StoredItem

COOKIE = "leeloo_phone"


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=pages.PAGE_HEADERS)


def _notice(title: str, words: str, status: int) -> HTMLResponse:
    return _html(pages.render_notice(pages.Notice(title, words, status)), status)


def _form(action: str, csrf: str, fields: str, button: str) -> str:
    return (f'<form method="post" action="/crew/{action}">'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">{fields}'
            f'<button type="submit" id="{action}">{escape(button)}</button></form>')  # fmt: skip


def _input(name: str, placeholder: str, value: str = "", kind: str = "text") -> str:
    return (f'<input type="{kind}" name="{name}" placeholder="{escape(placeholder)}" '
            f'value="{escape(value)}" autocomplete="off" style="text-transform:none">')  # fmt: skip


def _hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{name}" value="{escape(value)}">'


def _activity_line(item: StoredItem, names: dict[str, str]) -> str:
    who = escape(names.get(item.sender_id) or str(item.body.get("sender_name", "someone")))
    body = item.body
    what = {
        "song": f"pushed “{escape(str(body.get('title', '')))}”",
        "text": f"said “{escape(str(body.get('text', '')))}”",
        "reaction": f"reacted {escape(str(body.get('reaction', '')))}",
        "nudge": "nudged the crew",
        "hang.propose": f"proposed {escape(str(body.get('what', '')))}",
        "hang.confirm": f"confirmed {escape(str(body.get('what', '')))}",
    }.get(item.kind, escape(item.kind))
    return f'<li data-item="{escape(item.item_id)}"><b>{who}</b> {what}</li>'


def _span(invite: InviteRecord, clock: Clock) -> str:
    """How long `invite` stays valid, in words: "48 h", or "45 min" under two hours."""
    seconds = max(0, int(invite.expires_at - clock.time()))
    return f"{seconds // 3600} h" if seconds >= 7200 else f"{max(1, seconds // 60)} min"


class CrewPages:
    def __init__(self, relay: Any) -> None:
        self.relay = relay
        self.store = relay.store
        self.clock = relay.clock
        self.parts = relay.crew

    async def claim(self, request: Request) -> Response:
        device_id = await self.store.use_claim(token_hash(request.path_params["token"]),
                                               self.clock.time())  # fmt: skip
        if device_id is None:
            return _notice("This link has expired", "Each link from your LEELOO works once. "
                           "Show the crew QR on your LEELOO again and scan it.", 410)  # fmt: skip
        session = secrets.token_urlsafe(32)
        ttl = self.parts.settings.phone_session_ttl
        await self.store.add_phone_session(token_hash(session), PhoneSession(
            device_id, secrets.token_urlsafe(24), self.clock.time() + ttl))  # fmt: skip
        answer = RedirectResponse("/crew", status_code=303)
        answer.set_cookie(COOKIE, session, max_age=ttl, httponly=True, samesite="strict",
                          secure=request.url.scheme == "https")  # fmt: skip
        return answer

    async def _session(self, request: Request) -> PhoneSession | Response:
        cookie = request.cookies.get(COOKIE, "")
        found: PhoneSession | None = await self.store.get_phone_session(
            token_hash(cookie), self.clock.time()
        )
        if not cookie or found is None:
            return _notice("Scan your LEELOO first", "Open this page from the crew QR code "
                           "on your LEELOO's screen.", 401)  # fmt: skip
        return found

    async def page(self, request: Request) -> Response:
        session = await self._session(request)
        if isinstance(session, Response):
            return session
        return _html(await self._render(session, request.query_params.get("m", ""),
                                        request.query_params.get("join", "")))  # fmt: skip

    async def _render(self, session: PhoneSession, message: str, join: str) -> str:
        crews, me, csrf = self.parts.crews, session.device_id, session.csrf
        name = await self.store.get_name(me) or ""
        crew, members = await crews.roster(me)
        flash = f'<p class="muted" role="status" id="flash">{escape(message)}</p>'
        parts = [
            f"<h1>Your crew</h1>{flash}",
            _form("name", csrf, _input("name", "your name", name), "Save name"),
        ]
        if crew is None:
            parts += [
                _form("create", csrf, _input("name", "crew name"), "Create a crew"),
                _form("join", csrf, _input("code", "LEELOO-XXXXXX", join), "Join"),
            ]
            return pages._document("Your crew", "".join(parts))
        names = {m.device_id: m.name for m in members}
        roster = "".join(
            f'<li>{escape(m.name or "(no name)")} '
            f'{"online" if crews.online(m.device_id) else self._seen(m.last_seen)}</li>'
            for m in members)  # fmt: skip
        recent = await self.store.recent(crew.crew_id, 20)
        proposals = [i for i in recent if i.kind == "hang.propose"]
        activity = "".join(_activity_line(i, names) for i in recent)
        parts += [
            f'<h2 id="crew-name">{escape(crew.name)}</h2><ul id="members">{roster}</ul>',
            _form("invite", csrf, "", "Make an invite code"),
            _form("revoke", csrf, "", "Revoke invite codes"),
            _form("push", csrf, _input("song", "Spotify link or search words")
                  + _input("note", "a note (optional)"), "Push song"),
            _form("say", csrf, _input("text", "a message"), "Send"),
            _form("nudge", csrf, "", "Nudge the crew"),
            _form("hang", csrf, _input("what", "what") + _input("at", "", kind="datetime-local"),
                  "Propose a hang"),
            *(_form("confirm", csrf, _hidden("target", p.item_id),
                    f"Confirm: {p.body.get('what', '')}") for p in proposals[:3]),
            *(_form("react", csrf, _hidden("target", i.item_id) + _hidden("reaction", "love"),
                    "love the latest") for i in recent[:1]),
            f'<h2>Recent</h2><ul id="activity">{activity}</ul>',
            _form("leave", csrf, "", "Leave the crew"),
        ]  # fmt: skip
        return pages._document("Your crew", "".join(parts))

    def _seen(self, last_seen: float | None) -> str:
        if last_seen is None:
            return "offline"
        return f"last seen {datetime.fromtimestamp(last_seen):%a %H:%M}"

    async def act(self, request: Request) -> Response:
        session = await self._session(request)
        if isinstance(session, Response):
            return session
        form = await request.form()
        if not hmac.compare_digest(str(form.get("csrf", "")), session.csrf):
            return _notice("Refused", "This form did not come from your crew page.", 403)
        fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        try:
            message = await self._do(request.path_params["action"], session.device_id, fields)
        except (CrewError, SendRefusedError) as exc:
            message = str(exc)
        return RedirectResponse(f"/crew?m={quote(message[:200])}", status_code=303)

    async def _do(self, action: str, me: str, f: dict[str, str]) -> str:
        crews = self.parts.crews
        if action == "name":
            return f"Saved: {await crews.set_name(me, f.get('name', ''))}"
        if action == "create":
            await crews.create(me, f.get("name", ""))
            return "Crew created: make an invite code for your friends"
        if action == "join":
            await crews.join(me, f.get("code", ""))
            return "You joined the crew"
        if action == "leave":
            await crews.leave(me)
            return "You left the crew"
        if action == "invite":
            invite = await crews.invite(me)
            link = f"{self.relay.settings.base_url}/j/{invite.code}"
            return f"Invite code {invite.code} (or {link}), valid {_span(invite, self.clock)}"
        if action == "revoke":
            await crews.revoke(me)
            return "Invite codes revoked"
        send = self._send_of(action, f)
        if send is None:
            return "Unknown action"
        await self.parts.sender.send(me, send)
        return "Sent"

    def _send_of(self, action: str, f: dict[str, str]) -> wire.ItemSend | None:
        key = "web-" + uuid.uuid4().hex
        kinds = wire.ItemKind
        song = f.get("song", "").strip()
        return {
            "push": wire.ItemSend(key, kinds.SONG, link=song if looks_like_link(song) else None,
                                  words=None if looks_like_link(song) else song,
                                  note=f.get("note") or None),
            "say": wire.ItemSend(key, kinds.TEXT, text=f.get("text", "")),
            "nudge": wire.ItemSend(key, kinds.NUDGE),
            "react": wire.ItemSend(key, kinds.REACTION, target=f.get("target"),
                                   reaction=f.get("reaction")),
            "hang": wire.ItemSend(key, kinds.HANG_PROPOSE, what=f.get("what", ""),
                                  at=self._when(f.get("at", ""))),
            "confirm": wire.ItemSend(key, kinds.HANG_CONFIRM, target=f.get("target")),
        }.get(action)  # fmt: skip

    def _when(self, text: str) -> int | None:
        try:
            return int(datetime.fromisoformat(text).timestamp())
        except ValueError:
            return None

    async def invite_link(self, request: Request) -> Response:
        code = quote(request.path_params["code"][:40])
        return RedirectResponse(f"/crew?join={code}", status_code=303)


def routes(relay: Any) -> list[BaseRoute]:
    crew = CrewPages(relay)
    return [
        Route("/c/{token}", crew.claim, methods=["GET"]),
        Route("/crew", crew.page, methods=["GET"]),
        Route("/crew/{action}", crew.act, methods=["POST"]),
        Route("/j/{code}", crew.invite_link, methods=["GET"]),
    ]
