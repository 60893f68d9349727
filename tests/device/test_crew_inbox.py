"""CrewInbox on its own: persisted before the ack, a restart neither loses nor repeats."""

from __future__ import annotations

from pathlib import Path

from leeloo.core import messages as wire
from leeloo.core.musiccard import MusicCard, MusicState
from leeloo.device.crews import CrewInbox, SearchFailedError
from leeloo.testing import FakeClock


class Link:
    """The relay end of `send`: what the feed sent, and whether the link is up."""

    def __init__(self) -> None:
        self.sent: list[wire.Message] = []
        self.up = True

    async def __call__(self, message: wire.Message) -> bool:
        if self.up:
            self.sent.append(message)
        return self.up


def song(seq: int) -> wire.ItemDelivery:
    return wire.ItemDelivery(seq, f"itm_{seq}", wire.ItemKind.SONG, "dev_amy", "Amy", 0,
                             uri=f"spotify:track:{seq}", title=f"Song {seq}")  # fmt: skip


async def test_a_restart_keeps_what_was_taken_and_drops_the_replay(tmp_path: Path) -> None:
    clock, link = FakeClock(), Link()
    feed = CrewInbox(tmp_path / "crew.json", clock)
    feed.linked(True)
    await feed.handle(wire.CrewInfo(2, "crw_1", "Desk"), link)
    await feed.handle(wire.CrewMemberInfo("dev_amy", "Amy", True), link)
    await feed.handle(wire.CrewMemberInfo("dev_amy", "Amy B", True), link)
    await feed.handle(wire.InboxSynced(0), link)
    link.up = False  # the ack cannot go: the relay will replay
    await feed.handle(song(1), link)
    assert link.sent == []
    again = CrewInbox(tmp_path / "crew.json", clock)
    assert [m.name for m in again.crew(clock.time()).members] == ["Amy B"]
    assert again.crew(clock.time()).linked is False  # offline until welcomed
    link.up = True
    again.linked(True)
    await again.handle(song(1), link)  # the replay: dropped, not counted twice
    await again.handle(song(2), link)
    await again.handle(wire.InboxSynced(2), link)
    assert link.sent == [wire.Ack(2)]
    assert again.crew(clock.time()).members[0].unread == 2
    card = again.music(MusicCard(MusicState.NOTHING), clock.time())
    assert card.pushed_by == "Amy"
    assert card.notice == "1 song arrived while you were offline"


async def test_an_unreadable_state_file_starts_empty_and_searches_answer(tmp_path: Path) -> None:
    (tmp_path / "crew.json").write_text("{not json")
    link = Link()

    async def search(words: str) -> str:
        if words == "none":
            raise SearchFailedError("no track found for 'none'")
        return "spotify:track:x"

    feed = CrewInbox(tmp_path / "crew.json", FakeClock(), search=search)
    assert feed.inbox.taken == 0
    await feed.handle(wire.SearchRequest("s1", "harbour"), link)
    await feed.handle(wire.SearchRequest("s2", "none"), link)
    await feed.handle(wire.PhoneLink("http://relay/c/t", 600), link)
    await feed.handle(wire.ItemSent("k", "itm_1"), link)
    assert link.sent == [wire.SearchResult("s1", uri="spotify:track:x"),
                         wire.SearchResult("s2", error="no track found for 'none'")]  # fmt: skip
    assert feed.phone_url == "http://relay/c/t"
