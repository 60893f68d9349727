"""The device's crew side in-process: two device programs and a relay on one FakeClock.

A push from one device shows "pushed by: NAME" on the other's screen model; the inbox is
persisted and acked; a restart brings "N songs arrived while you were offline"; unread
badges, a nudge, the next confirmed hang; push by search words through the sender's own
device; the per-device rate limit; presence going offline, then "last seen".
"""

from __future__ import annotations

import asyncio
import json

import anyio
import httpx
import pytest
from tests.device.conftest import IO_DEADLINE_S, Rig, running, until
from websockets.asyncio.client import connect

from leeloo.core import messages as wire
from leeloo.device.app import DeviceApp
from leeloo.device.crews import CrewInbox
from leeloo.device.link import CredentialFile, Credentials
from leeloo.device.sender import ItemSender, SendFailedError, new_key
from leeloo.emulator.catalogue import build_catalogue
from leeloo.spotify.store import FileTokenStore
from leeloo.testing.spotify import mint_tokens

TRACKS = list(build_catalogue().tracks.values())


def link(n: int) -> str:
    return f"https://open.spotify.com/track/{TRACKS[n].id}?si=x"


def device(rig: Rig, name: str) -> DeviceApp:
    settings = rig.settings_for(name)
    FileTokenStore(settings.token_file).save(mint_tokens(rig.world, rig.clock))
    return DeviceApp(settings, rig.http, rig.clock, [])


def me(app: DeviceApp) -> Credentials:
    found = CredentialFile(app.settings.credential_file).load()
    assert found is not None
    return found


async def crew_up(rig: Rig, amy: DeviceApp, ben: DeviceApp) -> None:
    """Names and one crew for both, through the relay's own crew operations."""
    await until(lambda: amy.link.connected and ben.link.connected, "both links")
    crews = rig.relay.crew.crews
    await crews.set_name(me(amy).device_id, "Amy")
    await crews.set_name(me(ben).device_id, "Ben")
    await crews.create(me(amy).device_id, "Desk")
    invite = await crews.invite(me(amy).device_id)
    await crews.join(me(ben).device_id, invite.code)
    await until(lambda: [c.name for c in ben.crews.crew(0).members] == ["Amy"], "Ben's crew")


def sender(rig: Rig, app: DeviceApp) -> ItemSender:
    return ItemSender(rig.http, rig.relay_url, me(app), rig.clock, delays=())


def song(n: int, note: str | None = None) -> wire.ItemSend:
    return wire.ItemSend(new_key(), wire.ItemKind.SONG, link=link(n), note=note)


async def acked(rig: Rig, app: DeviceApp, seq: int) -> None:
    """Wait (bounded) until the relay's store holds the device's ack up to `seq`."""
    device_id = me(app).device_id
    with anyio.fail_after(IO_DEADLINE_S):
        while await rig.relay.store.acked(device_id) < seq:  # noqa: ASYNC110 - polled store
            await asyncio.sleep(0.005)


async def test_a_push_shows_on_the_friends_screen_and_survives_a_restart(rig: Rig) -> None:
    amy, ben = device(rig, "amy"), device(rig, "ben")
    async with running(amy), running(ben):
        await crew_up(rig, amy, ben)
        await sender(rig, amy).send(song(0, "for you"))
        await until(lambda: ben.screen and ben.screen.music.source == "pushed by: Amy", "push")
        assert ben.screen is not None
        assert (ben.screen.music.title, ben.screen.music.extra) == (
            f"“{TRACKS[0].name}”",
            "30 min left",
        )
        assert [(c.name, c.badge, c.online) for c in ben.screen.crew.chips] == [("Amy", "①", True)]
        assert amy.screen is not None
        assert amy.screen.music.source == "pushed by: You"
        await acked(rig, ben, 1)  # persisted first, then acked
        assert json.loads(ben.settings.crew_file.read_text())["inbox"]["taken"] == 1
    # Ben is off while Amy pushes two songs; the restarted Ben gets both, and says so.
    amy = DeviceApp(amy.settings, rig.http, rig.clock, [])  # a program runs once
    async with running(amy):
        await until(lambda: amy.link.connected, "Amy's link")
        for n in (1, 2):
            await sender(rig, amy).send(song(n))
        again = DeviceApp(ben.settings, rig.http, rig.clock, [])
        assert [m.name for m in again.crews.crew(rig.clock.time()).members] == ["Amy"]
        async with running(again):
            await until(
                lambda: again.screen and again.screen.music.title == f"“{TRACKS[2].name}”", "2"
            )
            assert again.screen is not None
            assert again.screen.music.warning == "2 songs arrived while you were offline"
            assert again.screen.crew.chips[0].badge == "③"
            await acked(rig, again, 3)
        await rig.clock.advance(30 * 60)  # the push is over: Ben's own music again
        assert again.music(rig.clock.time()).pushed_by == ""


async def test_text_nudge_and_a_confirmed_hang(rig: Rig) -> None:
    amy, ben = device(rig, "amy"), device(rig, "ben")
    async with running(amy), running(ben):
        await crew_up(rig, amy, ben)
        say = wire.ItemSend(new_key(), wire.ItemKind.TEXT, text="hi")
        await sender(rig, amy).send(say)
        await sender(rig, amy).send(wire.ItemSend(new_key(), wire.ItemKind.NUDGE))
        await until(lambda: ben.screen and ben.screen.header.status == "nudge from Amy", "nudge")
        at = int(rig.clock.time()) + 2 * 3600
        plan = wire.ItemSend(new_key(), wire.ItemKind.HANG_PROPOSE, what="pizza", at=at)
        proposal = await sender(rig, ben).send(plan)
        ok = wire.ItemSend(new_key(), wire.ItemKind.HANG_CONFIRM, target=proposal.item_id)
        await sender(rig, amy).send(ok)
        await until(lambda: ben.screen and ben.screen.time.hang == "pizza", "Ben's hang")
        assert ben.screen is not None
        assert ben.screen.time.hang_when == "Thu 02:00"  # 2 h ahead (the rig's TZ is UTC)
        # Amy confirmed it herself: the relay stores a hang for its sender too.
        await until(lambda: amy.screen and amy.screen.time.hang == "pizza", "Amy's hang")
        assert amy.screen is not None
        assert amy.screen.time.hang_when == "Thu 02:00"
        assert ben.screen is not None
        assert ben.screen.crew.chips[0].badge == "①"  # the text; nudges and hangs: no badge
        assert isinstance(ben.crews, CrewInbox)
        ben.crews.read(me(amy).device_id)
        await rig.clock.advance(1)  # the next frame
        await until(lambda: ben.screen and ben.screen.crew.chips[0].badge == "○", "read")


async def test_push_by_search_words_goes_through_the_senders_device(rig: Rig) -> None:
    amy, ben = device(rig, "amy"), device(rig, "ben")
    async with running(amy), running(ben):
        await crew_up(rig, amy, ben)
        words = wire.ItemSend(new_key(), wire.ItemKind.SONG, words=TRACKS[3].name)
        await sender(rig, amy).send(words)
        await until(
            lambda: ben.screen and ben.screen.music.title == f"“{TRACKS[3].name}”", "a push"
        )
        nothing = wire.ItemSend(new_key(), wire.ItemKind.SONG, words="zzzq nothing like it")
        with pytest.raises(SendFailedError, match="cannot push that: no track found") as refused:
            await sender(rig, amy).send(nothing)
        assert refused.value.exit_code == 1
    # Amy's device is off: searching needs it
    with pytest.raises(SendFailedError, match="offline") as offline:
        await sender(rig, amy).send(words)
    assert offline.value.exit_code == 1


async def test_the_send_rate_limit_is_a_clear_error(rig: Rig) -> None:
    amy, ben = device(rig, "amy"), device(rig, "ben")
    async with running(amy), running(ben):
        await crew_up(rig, amy, ben)
        limit = rig.relay.crew.settings.send_limit
        for _ in range(limit):
            await sender(rig, amy).send(wire.ItemSend(new_key(), wire.ItemKind.NUDGE))
        with pytest.raises(SendFailedError) as refused:
            await sender(rig, amy).send(wire.ItemSend(new_key(), wire.ItemKind.NUDGE))
        assert refused.value.exit_code == 4
        wait = 60 // limit + 1
        assert str(refused.value) == f"rate limited: too many items sent; try again in {wait} s"
        await rig.clock.advance(wait)
        await sender(rig, amy).send(wire.ItemSend(new_key(), wire.ItemKind.NUDGE))


async def test_presence_goes_offline_when_heartbeats_stop_then_last_seen(rig: Rig) -> None:
    amy, ben = device(rig, "amy"), device(rig, "ben")
    async with running(ben):
        async with running(amy):
            await crew_up(rig, amy, ben)
        # Amy's link again, from a device that never answers the relay's pings
        hello = wire.Hello(1, me(amy).device_id, me(amy).secret, crew=True)
        ws_url = rig.relay_url.replace("http", "ws") + "/v1/link"
        async with connect(ws_url) as silent:
            await silent.send(hello.to_json())
            await until(lambda: chips(ben) == [("Amy", True)], "Amy online")
            await rig.clock.advance(rig.relay.settings.ping_timeout - 1)
            assert chips(ben) == [("Amy", True)]
            await rig.clock.advance(2 + rig.relay.settings.sweep_interval)
            gone = rig.clock.time()
            await until(lambda: chips(ben) == [("Amy", False)], "Amy offline")
        assert isinstance(ben.crews, CrewInbox)
        last_seen = ben.crews.members[0].last_seen
        assert last_seen is not None
        assert gone - 2 <= last_seen <= gone
        auth = {"Authorization": f"Bearer {me(ben).device_id}:{me(ben).secret}"}
        crew = (await rig.http.get(f"{rig.relay_url}/v1/crew", headers=auth)).json()
        row = next(m for m in crew["members"] if m["name"] == "Amy")
        assert (row["online"], int(row["last_seen"])) == (False, last_seen)


def chips(app: DeviceApp) -> list[tuple[str, bool]]:
    return [(c.name, c.online) for c in app.screen.crew.chips] if app.screen else []


class LosesFirstAnswer(httpx.AsyncBaseTransport):
    """The real network, except that the first answer is lost after the relay handled it."""

    def __init__(self) -> None:
        self.network = httpx.AsyncHTTPTransport()
        self.keys: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.keys.append(json.loads(request.content)["key"])
        answer = await self.network.handle_async_request(request)
        if len(self.keys) == 1:
            await answer.aread()
            raise httpx.ReadError("connection reset", request=request)
        return answer

    async def aclose(self) -> None:
        await self.network.aclose()


async def test_a_retry_after_a_lost_answer_reuses_the_key_and_stores_once(rig: Rig) -> None:
    amy, ben = device(rig, "amy"), device(rig, "ben")
    async with running(amy), running(ben):
        await crew_up(rig, amy, ben)
        lossy = LosesFirstAnswer()
        async with httpx.AsyncClient(transport=lossy) as http:
            post = ItemSender(http, rig.relay_url, me(amy), rig.clock, delays=(0.0,))
            sent = await post.send(wire.ItemSend(new_key(), wire.ItemKind.TEXT, text="once"))
        assert sent.attempts == 2
        assert lossy.keys[0] == lossy.keys[1] == sent.key
        auth = {"Authorization": f"Bearer {me(ben).device_id}:{me(ben).secret}"}
        items = (await rig.http.get(f"{rig.relay_url}/v1/items", headers=auth)).json()["items"]
        assert [(i["text"], i["item_id"]) for i in items] == [("once", sent.item_id)]
