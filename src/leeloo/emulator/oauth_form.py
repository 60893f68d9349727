"""Strict `application/x-www-form-urlencoded` parsing for the accounts service.

Both the token endpoint and the login page's submit read their input here, and so does
the /authorize query string, so the three agree on what a well-formed request is:

- the body is UTF-8 after percent-decoding, `+` is a space (WHATWG URL, urlencoded parser);
- every non-empty `&`-separated segment is `name=value` (a bare word is malformed);
- a parameter appears at most once (RFC 6749 §3.1 and §3.2);
- a non-empty body must be declared as a form (RFC 6749 §4.1.3, §6); an empty one is an
  empty form, whatever its type, so a bare POST reads as "grant_type missing";
- bodies are capped at `MAX_BODY_BYTES`.

Anything else raises `FormError`, which callers turn into `invalid_request`, never a 500.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

from starlette.requests import Request

FORM_TYPE = "application/x-www-form-urlencoded"
MAX_BODY_BYTES = 64 * 1024


class FormError(ValueError):
    """The request is not a well-formed form; the message says why (safe to echo)."""


def parse_urlencoded(raw: bytes) -> dict[str, str]:
    """Decode a query string or form body into single-valued parameters.

    Raises FormError on a segment without `=`, undecodable bytes or a repeated name.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FormError("body is not valid UTF-8") from None
    params: dict[str, str] = {}
    for segment in text.split("&"):
        if not segment:
            continue
        raw_name, sep, raw_value = segment.partition("=")
        if not sep:
            raise FormError("malformed form body")
        try:
            name = unquote_plus(raw_name, errors="strict")
            value = unquote_plus(raw_value, errors="strict")
        except UnicodeDecodeError:
            raise FormError("malformed percent-encoding") from None
        if name in params:
            raise FormError(f"parameter {name[:40]!r} must not be repeated")
        params[name] = value
    return params


async def read_form(request: Request) -> dict[str, str]:
    """Read and parse the request body as a form (see the module rules)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise FormError("request body too large")
    if not body:
        return {}
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != FORM_TYPE:
        raise FormError(f"Content-Type must be {FORM_TYPE}")
    return parse_urlencoded(bytes(body))
