"""The floor under click to live: a bare page that starts a call with no app in between.

A bare ASGI application, served by the same Daphne as the app: `GET /` is a page with one
Start button (`page/bare.html`, `page/bare.js`); the page uses the console's own microphone
and stream modules (`static/js/mic.js`, `stream.js`, `mulaw-worklet.js`, served here from the
repository, cached as WhiteNoise caches them), and `POST /sessions` creates the session
straight at the sandbox through `forwarder.py`'s one hop. What the console takes beyond this
page, from Start to live, is the app's logic (`clicktolive.py`).
"""

from __future__ import annotations

from pathlib import Path

from bench.asgi_bits import Receive, Send, read_body, respond
from bench.forwarder import forward

HERE = Path(__file__).resolve().parent
CONSOLE_JS = HERE.parent / "static" / "js"
HTML, JS = b"text/html; charset=utf-8", b"text/javascript; charset=utf-8"
FILES = {
    "/": (HERE / "page" / "bare.html", HTML),
    "/bare.js": (HERE / "page" / "bare.js", JS),
    **{
        f"/static/js/{name}": (CONSOLE_JS / name, JS)
        for name in ("mic.js", "stream.js", "mulaw-worklet.js")
    },
}
CACHED = (b"cache-control", b"max-age=60, public")  # WhiteNoise's default for static files


async def application(scope: dict, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    body = await read_body(receive)
    if scope["method"] == "POST" and scope["path"] == "/sessions":
        status, content = await forward(scope, body)
        await respond(send, status, content)
    elif scope["path"] in FILES:
        await send_file(send, *FILES[scope["path"]])
    else:
        await respond(send, 404, b"{}")


async def send_file(send: Send, path: Path, content_type: bytes) -> None:
    body = path.read_bytes()
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        CACHED,
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
