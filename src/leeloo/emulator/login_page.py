"""The markup of the emulated accounts service: the sign-in and consent page, the error page.

Server-rendered HTML with inline CSS and no external assets, sized for a phone (the user
scans the device's QR code and logs in there). Every value that came from a request is
passed through `html.escape` (quotes included) before it reaches the page. The page
submits with two buttons of one form: `action=agree` and `action=cancel`; Cancel skips
the browser's required-field check (`formnovalidate`) because denying needs no login.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

# What each scope lets the app do, in the words of Spotify's consent screen.
SCOPE_WORDS = {
    "user-read-currently-playing": "See what you are listening to right now",
    "user-read-playback-state": "See your playback state: device, shuffle and pause",
    "user-modify-playback-state": "Control playback on your Spotify clients",
    "user-read-private": "See your subscription details and country",
    "user-read-email": "See your email address",
    "user-read-recently-played": "See what you have played recently",
    "user-top-read": "See your top artists and tracks",
    "playlist-read-private": "See your private playlists",
}

# The page loads nothing from elsewhere and cannot be framed (a consent page in a frame
# invites clickjacking). No `form-action`: browsers apply it to the redirect that follows
# the submit, and that redirect goes to the app's own host by design.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
}

_STYLE = """
*{box-sizing:border-box}
body{margin:0;background:#121212;color:#fff;font:16px/1.5 system-ui,-apple-system,
"Segoe UI",Roboto,sans-serif;display:flex;justify-content:center}
main{width:100%;max-width:420px;padding:24px 20px}
h1{font-size:1.6rem;margin:8px 0 16px}
.brand{color:#1ed760;font-weight:700;letter-spacing:.02em}
.app{color:#b3b3b3}
ul{padding-left:1.2em;color:#b3b3b3}
label{display:block;margin:14px 0 4px;font-weight:600}
input[type=text],input[type=password]{width:100%;padding:12px;border-radius:6px;
border:1px solid #727272;background:#121212;color:#fff;font-size:1rem}
.actions{display:flex;gap:12px;margin-top:24px}
button{flex:1;padding:14px;border-radius:999px;border:0;font-weight:700;font-size:1rem}
.agree{background:#1ed760;color:#000}
.cancel{background:transparent;color:#fff;border:1px solid #727272}
.error{background:#e91429;border-radius:6px;padding:10px 12px;margin:12px 0}
"""


@dataclass(frozen=True)
class LoginView:
    """What the sign-in page shows, and the original request it carries along.

    `fields` are the /authorize query parameters as (name, value) pairs, written into
    hidden inputs; the server re-validates them when the form comes back.
    """

    app_name: str
    scopes: tuple[str, ...]
    fields: tuple[tuple[str, str], ...]
    username: str = ""
    error: str | None = None


def _document(title: str, body: str) -> str:
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>\n"
        f"<body><main>{body}</main></body></html>\n"
    )


def _scope_list(scopes: Iterable[str]) -> str:
    items = "".join(f"<li>{escape(SCOPE_WORDS.get(s, s))}</li>" for s in scopes)
    return f"<ul>{items}</ul>" if items else "<p>Only your public profile.</p>"


def render_login(view: LoginView) -> str:
    """The sign-in and consent page: username, password, Agree and Cancel."""
    hidden = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in view.fields
    )
    error = f'<p class="error" role="alert">{escape(view.error)}</p>' if view.error else ""
    body = (
        '<p class="brand">Spotify</p>'
        "<h1>Log in to continue</h1>"
        f'<p class="app"><strong>{escape(view.app_name)}</strong> would like to:</p>'
        f"{_scope_list(view.scopes)}{error}"
        '<form method="post" action="/authorize">'
        f"{hidden}"
        '<label for="username">Email or username</label>'
        '<input id="username" name="username" type="text" autocomplete="username" '
        f'autocapitalize="none" required value="{escape(view.username)}">'
        '<label for="password">Password</label>'
        '<input id="password" name="password" type="password" '
        'autocomplete="current-password" required>'
        '<div class="actions">'
        '<button class="cancel" type="submit" name="action" value="cancel" formnovalidate>'
        "Cancel</button>"
        '<button class="agree" type="submit" name="action" value="agree">Agree</button>'
        "</div></form>"
    )
    return _document(f"Log in - {view.app_name}", body)


def render_error(message: str) -> str:
    """The page shown instead of a redirect when the app or its redirect URI is unknown."""
    body = (
        '<p class="brand">Spotify</p>'
        "<h1>Oops! Something went wrong</h1>"
        f'<p class="error" role="alert">{escape(message)}</p>'
    )
    return _document("Error - Spotify", body)
