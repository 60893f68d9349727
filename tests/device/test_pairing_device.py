"""The device's pairing states, driven by relay messages, with fake Spotify calls."""

from __future__ import annotations

import base64
import hashlib

import pytest

from leeloo.core import messages as wire
from leeloo.core.playback import Forbidden, ForbiddenReason, NothingPlaying, PlaybackResult
from leeloo.device.pairing import DevicePairing, PairingState, PairingView, pkce_pair
from leeloo.spotify.errors import RefreshUnavailableError
from leeloo.testing import FakeClock

STARTED = wire.PairingStarted(session_id="ps_1", user_code="WDJB-MJHT",
                              verification_uri="http://r/p",
                              verification_uri_complete="http://r/p/WDJB-MJHT", expires_in=600,
                              interval=5, redirect_uri="http://r/cb", client_id="app")  # fmt: skip
AUTHORIZED = wire.PairingAuthorized(session_id="ps_1", code="c", redirect_uri="http://r/cb")


class Harness:
    def __init__(self, clock: FakeClock, probe: PlaybackResult, refuse: bool = False) -> None:
        self.sent: list[wire.Message] = []
        self.views: list[PairingView] = []
        self.exchanged: list[tuple[str, str, str, str]] = []
        self.probe_result, self.refuse = probe, refuse
        self.pairing = DevicePairing(self.send, self.exchange, self.probe, clock,
                                     self.views.append, retry_s=30)  # fmt: skip

    async def send(self, message: wire.Message) -> bool:
        self.sent.append(message)
        return True

    async def exchange(self, code: str, redirect: str, verifier: str, client_id: str) -> None:
        if self.refuse:
            raise RefreshUnavailableError("code refused: invalid_grant")
        self.exchanged.append((code, redirect, verifier, client_id))

    async def probe(self) -> PlaybackResult:
        return self.probe_result


def test_pkce_pair_is_rfc_7636_s256() -> None:
    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128
    digest = hashlib.sha256(verifier.encode()).digest()
    assert challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


async def test_connected(clock: FakeClock) -> None:
    h = Harness(clock, NothingPlaying(clock.time()))
    await h.pairing.begin()
    await h.pairing.handle(STARTED)
    assert h.pairing.view.state is PairingState.SHOWING_CODE
    assert h.pairing.view.verification_uri == "http://r/p/WDJB-MJHT"
    await h.pairing.handle(AUTHORIZED)
    assert h.exchanged[0][0] == "c"
    assert h.sent[-1] == wire.PairingComplete(session_id="ps_1",
                                              outcome=wire.PairingOutcome.CONNECTED)  # fmt: skip
    assert [v.state for v in h.views][-2:] == [PairingState.EXCHANGING, PairingState.CONNECTED]


@pytest.mark.parametrize(
    ("refuse", "outcome"),
    [(False, wire.PairingOutcome.FORBIDDEN), (True, wire.PairingOutcome.EXCHANGE_FAILED)],
)
async def test_forbidden_and_refused(
    clock: FakeClock, refuse: bool, outcome: wire.PairingOutcome
) -> None:
    h = Harness(clock, Forbidden(ForbiddenReason.NOT_ALLOWLISTED, "no", clock.time()), refuse)
    await h.pairing.begin()
    await h.pairing.handle(STARTED)
    await h.pairing.handle(AUTHORIZED)
    assert h.sent[-1] == wire.PairingComplete(session_id="ps_1", outcome=outcome)
    assert h.pairing.view.state is PairingState(outcome.value)


async def test_failures_show_then_start_over(clock: FakeClock) -> None:
    h = Harness(clock, NothingPlaying(clock.time()))
    await h.pairing.begin()
    await h.pairing.handle(STARTED)
    await h.pairing.handle(wire.PairingFailed(session_id="ps_other",
                                              reason=wire.FailureReason.DENIED))  # fmt: skip
    assert h.pairing.view.state is PairingState.SHOWING_CODE  # not this session's
    await h.pairing.handle(wire.PairingFailed(session_id="ps_1", reason=wire.FailureReason.DENIED))
    assert h.pairing.view.state is PairingState.DENIED
    await clock.advance(30)
    await h.pairing.tick()
    assert h.pairing.view.state is PairingState.REQUESTING
    assert isinstance(h.sent[-1], wire.PairingStart)
