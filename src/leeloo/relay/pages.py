"""The phone pages' markup: server-rendered, mobile-sized, no external assets.

Every value that came from a request or the store goes through `html.escape` (quotes
included). Pages load nothing from elsewhere and cannot be framed (`PAGE_HEADERS`); the
confirm form posts to the relay itself. Each way pairing can end has its own `Notice`.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from leeloo.core.messages import FailureReason


def page_headers(*form_targets: str) -> dict[str, str]:
    """Security headers for a phone page whose forms may lead to `form_targets` origins.

    Browsers apply CSP `form-action` to the redirects that follow a submit too (CSP 3,
    §6.3.1), so the confirm page, whose form answers with a 303 to Spotify's authorize
    URL, must name Spotify's accounts origin besides 'self'.
    """
    targets = " ".join(["'self'", *form_targets])
    return {
        "Cache-Control": "no-store",
        "Content-Security-Policy": (
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "
            f"base-uri 'none'; form-action {targets}"
        ),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


PAGE_HEADERS = page_headers()

_STYLE = """
*{box-sizing:border-box}
body{margin:0;background:#1A1D2E;color:#eee;font:17px/1.5 system-ui,-apple-system,
"Segoe UI",Roboto,sans-serif;display:flex;justify-content:center}
main{width:100%;max-width:420px;padding:28px 20px}
h1{font-size:1.5rem;margin:8px 0 16px;color:#7beec0}
.brand{color:#d978f9;font-weight:700;letter-spacing:.08em}
.code{font:700 2rem/1.2 "DejaVu Sans Mono",ui-monospace,monospace;letter-spacing:.12em;
text-align:center;padding:16px;border:2px solid #7beec0;border-radius:8px;margin:16px 0}
input{width:100%;padding:12px;border-radius:6px;border:1px solid #9C93DD;background:#1A1D2E;
color:#fff;font:1.3rem ui-monospace,monospace;text-transform:uppercase}
form+form{margin-top:16px}input+input{margin-top:8px}
button{width:100%;margin-top:20px;padding:14px;border-radius:999px;border:0;
font-weight:700;font-size:1rem;background:#7beec0;color:#000}
.bad{color:#D6697F}
.muted{color:#9C93DD}
"""


@dataclass(frozen=True)
class Notice:
    """A page that only says something: title, words, HTTP status."""

    title: str
    words: str
    status: int
    bad: bool = True


NOTICES: dict[str, Notice] = {
    "connected": Notice("Connected", "Your LEELOO is connected to Spotify. You can close this "
                        "page.", 200, bad=False),
    "no_such_code": Notice("No such code", "That code is not on any LEELOO right now. Check "
                           "the code under the QR on your LEELOO's screen.", 404),
    "too_many": Notice("Too many tries", "Too many codes were tried from here. Wait a few "
                       "minutes and scan the QR code again.", 429),
    "unknown_state": Notice("This link is not known", "This sign-in link did not come from a "
                            "LEELOO pairing. Scan the QR code on your LEELOO again.", 400),
    "reused_state": Notice("This link was already used", "Each sign-in link works once. If "
                           "your LEELOO still shows a QR code, scan it again.", 409),
    FailureReason.DENIED: Notice("You said no", "Spotify was not connected. To try again, "
                                 "scan the QR code on your LEELOO.", 403),
    FailureReason.EXPIRED: Notice("This code has expired", "Pairing codes last ten minutes. "
                                  "Your LEELOO shows a new one: scan it again.", 410),
    FailureReason.DEVICE_OFFLINE: Notice("Your LEELOO was offline", "Spotify said yes, but "
                                         "your LEELOO could not be reached in time. Check its "
                                         "network, then scan its QR code again.", 410),
    FailureReason.CANCELLED: Notice("Pairing was cancelled", "Your LEELOO started over. Scan "
                                    "the QR code it shows now.", 410),
    FailureReason.SPOTIFY_ERROR: Notice("Spotify said something went wrong", "Nothing was "
                                        "connected. Scan the QR code to try again.", 502),
    FailureReason.FORBIDDEN: Notice("Spotify refused this account", "This Spotify account "
                                    "cannot use this LEELOO's app: it is not on the app's "
                                    "allowlist, or the app's owner has no Premium. Ask the "
                                    "relay's owner to add you.", 403),
    FailureReason.EXCHANGE_FAILED: Notice("Spotify refused the sign-in", "Your LEELOO could "
                                          "not finish signing in. Scan the QR code to try "
                                          "again.", 502),
}  # fmt: skip


def _document(title: str, body: str, refresh: int | None = None) -> str:
    meta = f'<meta http-equiv="refresh" content="{refresh}">' if refresh else ""
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{meta}<title>{escape(title)} - LEELOO</title><style>{_STYLE}</style></head>\n"
        f'<body><main><p class="brand">LEELOO</p>{body}</main></body></html>\n'
    )


def render_notice(notice: Notice) -> str:
    css = ' class="bad"' if notice.bad else ""
    return _document(
        notice.title, f"<h1{css}>{escape(notice.title)}</h1><p>{escape(notice.words)}</p>"
    )


def render_confirm(user_code: str) -> str:
    """Show the code to compare with the screen before going on (RFC 8628 §5.4)."""
    body = (
        "<h1>Connect Spotify</h1>"
        "<p>Check that your LEELOO shows this code:</p>"
        f'<p class="code" id="user-code">{escape(user_code)}</p>'
        '<p class="muted">If it does not, close this page: someone may be trying to get you '
        "to connect their device.</p>"
        f'<form method="post" action="/p/{escape(user_code)}">'
        '<button type="submit" id="confirm">It matches: continue to Spotify</button></form>'
    )
    return _document("Connect Spotify", body)


def render_enter_code(error: str | None = None) -> str:
    """A form to type the code shown on the LEELOO (for when the QR cannot be scanned)."""
    problem = f'<p class="bad" role="alert">{escape(error)}</p>' if error else ""
    body = (
        "<h1>Connect Spotify</h1>"
        "<p>Type the code shown under the QR on your LEELOO.</p>"
        f"{problem}"
        '<form method="get" action="/p/go">'
        '<input name="code" autocomplete="off" autocapitalize="characters" '
        'placeholder="XXXX-XXXX" required maxlength="12">'
        '<button type="submit">Continue</button></form>'
    )
    return _document("Connect Spotify", body)


def render_waiting(interval: int, device_online: bool) -> str:
    """Spotify said yes; the page refreshes until the device reports."""
    where = (
        "Your LEELOO is finishing the sign-in."
        if device_online
        else "Your LEELOO seems offline: it gets the sign-in as soon as it is back (for a minute)."
    )
    body = (
        f'<h1>Almost there</h1><p>{escape(where)}</p><p class="muted">This page updates itself.</p>'
    )
    return _document("Almost there", body, refresh=interval)
