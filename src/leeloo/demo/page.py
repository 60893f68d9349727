"""The demo's one page: the three screens live, and controls.

    GET  /                               the page (inline HTML, CSS and script, nothing fetched
                                         from elsewhere); each screen is the device's own live
                                         preview (its SSE-driven page) in an iframe
    GET  /api/state                      the devices (screen words, network, preview URL)
                                         and the story's lines so far, as JSON
    POST /api/push     {from, link, note}   a song push from device `from` (relay HTTP API)
    POST /api/say      {from, text}          a message from device `from`
    POST /api/player/{name}/{action}         play | pause | resume | skip that owner's Spotify
    POST /api/network/{name}/{up|down}       restore or cut that device's network

Answers: 200 `{"ok": true, ...}`, or 400/404 `{"ok": false, "error": words}`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from html import escape
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from leeloo.demo.controls import ControlError, Controls, catalogue_tracks, track_link

Handler = Callable[[Request], Awaitable[dict[str, Any]]]
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; frame-src http://127.0.0.1:*; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src 'self' data:"
    ),
}

STYLE = """
body { margin: 0; padding: 16px 24px; background: #0d0f18; color: #e8e6f0;
       font: 14px/1.4 "DejaVu Sans", sans-serif; }
h1 { font-size: 20px; margin: 0 0 12px; color: #7beec0; }
.screens { display: flex; flex-wrap: wrap; gap: 16px; }
.device { background: #1A1D2E; padding: 10px; border-radius: 8px; }
.device h2 { font-size: 16px; margin: 0 0 6px; color: #d978f9; }
iframe { width: 480px; height: 320px; border: 0; display: block; }
button, select, input { font: inherit; margin: 4px 4px 0 0; }
.down { color: #D6697F; } .up { color: #7beec0; }
form { margin: 8px 0; } #log { font-family: "DejaVu Sans Mono", monospace; font-size: 13px; }
"""

SCRIPT = """
async function post(url, body) {
  const answer = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json"},
                                   body: JSON.stringify(body || {})});
  const result = await answer.json();
  document.getElementById("said").textContent = result.ok ? "done" : result.error;
  refresh();
}
document.getElementById("push").onsubmit = (e) => { e.preventDefault();
  const f = e.target; post("/api/push", {from: f.from.value,
    link: f.link.value || f.pick.value, note: f.note.value}); f.link.value = ""; };
document.getElementById("say").onsubmit = (e) => { e.preventDefault();
  const f = e.target; post("/api/say", {from: f.from.value, text: f.text.value}); };
async function refresh() {
  const state = await (await fetch("/api/state")).json();
  for (const [name, device] of Object.entries(state.devices)) {
    const net = document.getElementById("net-" + name);
    net.textContent = device.network ? "network up" : "network cut";
    net.className = device.network ? "up" : "down";
    document.getElementById("music-" + name).textContent = device.music;
  }
  document.getElementById("log").textContent = state.log.join("\\n");
}
setInterval(refresh, 1000); refresh();
"""


def _device_panel(name: str, preview: str, user: str) -> str:
    n = escape(name)
    buttons = "".join(
        f"<button onclick=\"post('/api/player/{n}/{a}')\">{a}</button>"
        for a in ("play", "pause", "resume", "skip")
    )
    network = (
        f"<button onclick=\"post('/api/network/{n}/down')\">cut network</button>"
        f"<button onclick=\"post('/api/network/{n}/up')\">restore network</button>"
    )
    return (
        f'<div class="device" id="device-{n}"><h2>{n} <small>(Spotify: {escape(user)})'
        f'</small> <span id="net-{n}"></span></h2>'
        f'<iframe id="screen-{n}" title="{n}\'s screen" src="{escape(preview)}"></iframe>'
        f'<div id="music-{n}"></div><div>Spotify: {buttons}</div><div>{network}</div></div>'
    )


def render_page(devices: dict[str, tuple[str, str]]) -> str:
    """The page for `devices`: name -> (preview URL, Spotify user)."""
    senders = "".join(f"<option>{escape(n)}</option>" for n in devices)
    tracks = "".join(
        f'<option value="{escape(track_link(t))}">{escape(t.name)} — {escape(artist)}</option>'
        for t, artist in catalogue_tracks()
    )
    panels = "".join(_device_panel(n, p, u) for n, (p, u) in devices.items())
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LEELOO demo</title>'
        f"<style>{STYLE}</style></head><body><h1>LEELOO demo: three desks, one crew</h1>"
        f'<div class="screens">{panels}</div>'
        f'<form id="push">Push a song from <select name="from">{senders}</select> '
        f'<select name="pick">{tracks}</select> or paste a link '
        '<input name="link" size="40" placeholder="https://open.spotify.com/track/…"> '
        '<input name="note" placeholder="a note (optional)"> <button>Push</button></form>'
        f'<form id="say">Message from <select name="from">{senders}</select> '
        '<input name="text" size="40" placeholder="a message"> <button>Send</button></form>'
        '<div id="said" role="status"></div><h2>What happened</h2><pre id="log"></pre>'
        f"<script>{SCRIPT}</script></body></html>"
    )


def create_app(controls: Controls, log_lines: list[str]) -> Starlette:
    """The page's ASGI app over `controls`; `log_lines` is read live (the story appends)."""
    system = controls.system

    async def page(request: Request) -> Response:
        devices = {d.name: (d.preview_url, d.member.user) for d in system.devices.values()}
        return HTMLResponse(render_page(devices), headers=HEADERS)

    async def state(request: Request) -> Response:
        devices = {}
        for d in system.devices.values():
            screen = d.screen() or {}
            music = screen.get("music") or {}
            words = " · ".join(str(v) for v in music.values() if v) if music else ""
            devices[d.name] = {
                "network": d.cable.connected,
                "preview": d.preview_url,
                "music": words,
                "screen": screen,
            }
        return JSONResponse({"devices": devices, "log": log_lines}, headers=HEADERS)

    async def push(request: Request) -> dict[str, Any]:
        body = await _json(request)
        item = await controls.push(
            _name(body, "from"), str(body.get("link", "")), str(body.get("note", ""))
        )
        log_lines.append(f"(page) {body['from']} pushes {body.get('link')}")
        return {"item_id": item}

    async def say(request: Request) -> dict[str, Any]:
        body = await _json(request)
        item = await controls.say(_name(body, "from"), str(body.get("text", "")))
        log_lines.append(f"(page) {body['from']} says “{body.get('text')}”")
        return {"item_id": item}

    async def player(request: Request) -> dict[str, Any]:
        name = _name(request.path_params, "name")
        await controls.player(name, request.path_params["action"])
        log_lines.append(f"(page) {name}'s Spotify: {request.path_params['action']}")
        return {}

    async def network(request: Request) -> dict[str, Any]:
        name, way = _name(request.path_params, "name"), request.path_params["way"]
        if way not in ("up", "down"):
            raise ControlError("the network goes up or down")
        controls.network(name, up=way == "up")
        log_lines.append(f"(page) {name}'s network {'restored' if way == 'up' else 'cut'}")
        return {}

    def _name(body: dict[str, Any], key: str) -> str:
        name = str(body.get(key, ""))
        if name not in system.devices:
            raise ControlError(f"no device named {name!r}")
        return name

    return Starlette(
        routes=[
            Route("/", page),
            Route("/api/state", state),
            Route("/api/push", _answer(push), methods=["POST"]),
            Route("/api/say", _answer(say), methods=["POST"]),
            Route("/api/player/{name}/{action}", _answer(player), methods=["POST"]),
            Route("/api/network/{name}/{way}", _answer(network), methods=["POST"]),
        ]
    )


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise ControlError("send a JSON object") from None
    if not isinstance(body, dict):
        raise ControlError("send a JSON object")
    return body


def _answer(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            result = await handler(request)
        except ControlError as exc:
            return JSONResponse({"ok": False, "error": str(exc)}, status_code=400)
        return JSONResponse({"ok": True, **result}, headers=HEADERS)

    return endpoint
