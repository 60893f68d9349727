"""Spotify's error shapes, and the injected faults that produce them.

- Web API: `{"error": {"status": 401, "message": "..."}}` (403 and 429 add a `reason` in
  some answers), with `WWW-Authenticate` on 401.
- Accounts token endpoint (RFC 6749 §5.2): `{"error": "invalid_grant",
  "error_description": "..."}` with status 400 (401 for invalid_client... Spotify answers
  400 for it too, so do we).
- A 429 carries `Retry-After` in whole seconds; its body is plain text
  (`Too many requests`) or JSON with `"reason": "QUOTA_EXCEEDED"`.
"""

from __future__ import annotations

import math

from starlette.responses import JSONResponse, PlainTextResponse, Response

from leeloo.emulator.world import Fault, Service, World

STATUS_MESSAGES = {
    400: "Bad request",
    401: "Invalid access token",
    403: "Forbidden",
    404: "Service not found",
    429: "API rate limit exceeded",
    500: "Server error.",
    502: "Bad gateway.",
    503: "Service unavailable",
}


def api_error(status: int, message: str | None = None, *, reason: str | None = None,
              headers: dict[str, str] | None = None) -> JSONResponse:  # fmt: skip
    """A Web API error in Spotify's shape."""
    error: dict[str, object] = {
        "status": status,
        "message": message or STATUS_MESSAGES.get(status, "Error"),
    }
    if reason:
        error["reason"] = reason
    return JSONResponse({"error": error}, status_code=status, headers=headers)


def unauthorized(message: str) -> JSONResponse:
    # RFC 6750 §3: the challenge says why the bearer token was refused.
    challenge = f'Bearer realm="spotify", error="invalid_token", error_description="{message}"'
    return api_error(401, message, headers={"WWW-Authenticate": challenge})


def token_error(error: str, description: str, status: int = 400) -> JSONResponse:
    """An accounts-service OAuth error (RFC 6749 §5.2 shape, as Spotify sends it)."""
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def rate_limited(retry_after_s: float, *, quota: bool) -> Response:
    headers = {"Retry-After": str(max(1, math.ceil(retry_after_s)))}
    if quota:
        return api_error(429, "API rate limit exceeded", reason="QUOTA_EXCEEDED", headers=headers)
    return PlainTextResponse("Too many requests", status_code=429, headers=headers)


async def fault_response(
    world: World, service: Service, *, empty_204: bool = True
) -> Response | None:
    """Apply the fault that hits this request, if any.

    Returns the response to send instead of the real one, or None to answer normally
    (after waiting, for a `slow` fault). `empty_204` is returned as a 204 here; the Web
    API applies it only to the player endpoints and passes `empty_204=False` elsewhere,
    which answers such a request normally (the fault still counts it).
    """
    fault = world.pick_fault(service)
    if fault is None or (fault.kind == "empty_204" and not empty_204):
        return None
    return await _apply(world, fault)


async def _apply(world: World, fault: Fault) -> Response | None:
    if fault.kind == "slow":
        await world.clock.sleep(fault.delay_s)
        return None
    if fault.kind == "empty_204":
        return Response(status_code=204)
    if fault.kind == "stray_404":
        return api_error(404, "Service not found")
    if fault.service in ("api", "accounts"):
        return api_error(fault.status)
    return PlainTextResponse(STATUS_MESSAGES.get(fault.status, "Error"), status_code=fault.status)
