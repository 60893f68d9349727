"""The OpenAPI 3.1 description of the relay's HTTP API (served at /openapi.json)."""

from __future__ import annotations

from typing import Any

from leeloo.core.items import MAX_NOTE, MAX_TEXT, MAX_WHAT, REACTIONS
from leeloo.core.messages import ItemKind

_ERROR = {"type": "object", "required": ["error", "message"],
          "properties": {"error": {"type": "string"}, "message": {"type": "string"}}}  # fmt: skip
_ERR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _answer(words: str) -> dict[str, Any]:
    return {"description": words, **_ERR}


SEND = {
    "type": "object",
    "required": ["key", "kind"],
    "properties": {
        "key": {"type": "string", "maxLength": 100,
                "description": "idempotency key: a retry with the same key stores nothing new"},
        "kind": {"type": "string", "enum": [k.value for k in ItemKind]},
        "crew_id": {"type": "string", "description": "optional; must be the caller's crew"},
        "link": {"type": "string", "description": "song: open.spotify.com, spotify:…, "
                 "spotify.link link"},
        "words": {"type": "string", "maxLength": MAX_NOTE,
                  "description": "song: search words, resolved by the caller's own device"},
        "note": {"type": "string", "maxLength": MAX_NOTE},
        "text": {"type": "string", "maxLength": MAX_TEXT},
        "reaction": {"type": "string", "enum": list(REACTIONS)},
        "target": {"type": "string", "description": "reaction, hang.confirm: an item id"},
        "what": {"type": "string", "maxLength": MAX_WHAT},
        "at": {"type": "integer", "description": "hang.propose: epoch seconds"},
    },
}  # fmt: skip

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "LEELOO relay", "version": "1"},
    "components": {
        "securitySchemes": {"device": {"type": "http", "scheme": "bearer",
                                       "description": "<device_id>:<secret>"}},
        "schemas": {"Error": _ERROR, "ItemSend": SEND},
    },
    "security": [{"device": []}],
    "paths": {
        "/v1/items": {
            "post": {
                "summary": "Send one item to the caller's crew",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ItemSend"}}}},
                "responses": {
                    "201": {"description": "stored for every recipient", "content": {
                        "application/json": {"schema": {"type": "object", "properties": {
                            "key": {"type": "string"}, "item_id": {"type": "string"}}}}}},
                    "400": _answer("malformed, or missing what its kind needs"),
                    "401": _answer("unknown device or wrong secret"),
                    "403": _answer("not in a crew, or not this crew"),
                    "404": _answer("the target item is not in the caller's crew"),
                    "409": _answer("push by words needs the caller's device online"),
                    "422": _answer("the link is not a pushable Spotify item"),
                    "429": _answer("too many items sent: the message says how long to wait"),
                },
            },
            "get": {
                "summary": "The caller's stored items after a sequence number",
                "parameters": [{"name": "after", "in": "query",
                                "schema": {"type": "integer", "default": 0}}],
                "responses": {"200": {"description": "items in seq order"},
                              "401": _answer("unknown device or wrong secret")},
            },
        },
        "/v1/crew": {"get": {"summary": "The caller's crew and its members' presence",
                             "responses": {"200": {"description": "crew"},
                                           "401": _answer("unknown device or wrong secret")}}},
    },
}  # fmt: skip
