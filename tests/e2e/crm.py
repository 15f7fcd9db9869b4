"""A stand-in CRM for the embedding tests (docs/embedding.md).

Its page frames the console through a signed link minted on every visit, as a CRM backend
would, and speaks the postMessage API through a small script of its own: `sendToConsole()`
posts a command, and every message from the console lands in `#messages` as JSON.
`?sibling=<url>` adds another frame beside the console (a second window that may try to
talk to the console).
"""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from sessions_app.embed_link import mint
from tests.conftest import free_port

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>CRM</title></head>
<body>
<h1>Ticket T-77</h1>
<ol id="messages"></ol>
<iframe id="kallglot" title="Kallglot console" allow="microphone; autoplay"
        width="480" height="640" src="{src}"></iframe>
{siblings}
<script src="/host.js"></script>
</body>
</html>
"""
SIBLING = '<iframe class="sibling" title="{src}" src="{src}"></iframe>'
BLANK = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Other</title></head>'
SCRIPT = """\
const frame = document.getElementById("kallglot");
const consoleOrigin = new URL(frame.src).origin;
window.addEventListener("message", (event) => {
  if (event.origin !== consoleOrigin || event.data?.source !== "kallglot-console") return;
  const item = document.createElement("li");
  item.dataset.type = event.data.type;
  item.textContent = JSON.stringify(event.data);
  document.getElementById("messages").append(item);
});
window.sendToConsole = (message) => frame.contentWindow.postMessage(
  { target: "kallglot-console", version: 1, ...message }, consoleOrigin);
"""
CONTEXT = {"mode": "bidirectional_translation", "source_language": "en", "target_language": "es"}


class Crm:
    """One CRM origin, http://localhost:<port>, framing the console at `console_url`."""

    def __init__(self, console_url: str, secret: str, agent: str = "alice") -> None:
        self.console_url = console_url
        self.secret = secret
        self.agent = agent
        self.port = free_port()

    @property
    def origin(self) -> str:
        return f"http://localhost:{self.port}"

    def page(self, *siblings: str) -> str:
        link = mint(self.console_url, self.secret, agent=self.agent, context=CONTEXT)
        frames = "\n".join(SIBLING.format(src=html.escape(url)) for url in siblings)
        return PAGE.format(src=html.escape(link), siblings=frames)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        crm = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path == "/host.js":
                    self.reply(SCRIPT, "text/javascript")
                elif url.path == "/crm":
                    self.reply(crm.page(*parse_qs(url.query).get("sibling", [])), "text/html")
                else:
                    self.reply(BLANK, "text/html")

            def reply(self, body: str, content_type: str) -> None:
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        return Handler

    @contextmanager
    def serving(self) -> Iterator[Crm]:
        server = ThreadingHTTPServer(("127.0.0.1", self.port), self.handler())
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
