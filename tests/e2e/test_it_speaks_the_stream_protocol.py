"""What the page says on the stream socket (kallglot-api.md §3.4): 160 ms µ-law frames with
rising sequence and timestamps as the agent, a ping every 15 s, session.end on End; and what
it does with what it hears: partials replaced in place by their finals, session.error shown."""

from __future__ import annotations

import base64
import itertools
import json

import pytest
from playwright.sync_api import WebSocketRoute

from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage

pytestmark = pytest.mark.e2e


def test_it_speaks_the_stream_protocol(console: ConsolePage, upstream: SandboxControl) -> None:
    sent: list[dict] = []
    heard: list[dict] = []
    sockets: list[WebSocketRoute] = []

    def record(socket: WebSocketRoute) -> None:
        server = socket.connect_to_server()
        socket.on_message(lambda text: (sent.append(json.loads(text)), server.send(text)))
        server.on_message(lambda text: (heard.append(json.loads(text)), socket.send(text)))
        sockets.append(socket)

    console.page.clock.install()  # timers run on demand: a 15 s ping interval in no time
    console.page.reload()
    console.wait_for_state("idle")
    console.page.route_web_socket(lambda url: "/sandbox/" in url, record)
    console.page.click("#start")
    console.wait_for_state("live")
    console.final_caption("customer")

    console.page.clock.run_for(15_000)
    console.wait_until(lambda _: any(m["type"] == "pong" for m in heard), "a pong")
    sockets[0].send(
        json.dumps({"type": "session.error", "code": "rate_limited", "message": "Slow down."})
    )
    console.page.wait_for_selector("#alert:has-text('Slow down.')")
    assert console.page.get_attribute("#alert", "data-tone") == "warning"
    assert console.state() == "live"

    # The app cannot end the call (its End fails): the page asks Kallglot over the stream.
    console.page.route("**/api/sessions/*/end", lambda route: route.abort())
    console.page.click("#end")
    console.wait_for_state("ended")

    kinds = [message["type"] for message in sent]
    assert kinds.count("ping") == 1
    assert kinds[-1] == "session.end"
    frames = [message for message in sent if message["type"] == "audio.input"]
    assert [frame["sequence"] for frame in frames] == list(range(1, len(frames) + 1))
    assert {frame["speaker"] for frame in frames} == {"agent"}
    assert {(f["audio"]["encoding"], f["audio"]["sample_rate_hz"]) for f in frames} == {
        ("mulaw", 8000)
    }
    assert {len(base64.b64decode(frame["audio"]["payload"])) for frame in frames} == {1280}
    steps = {b["timestamp_ms"] - a["timestamp_ms"] for a, b in itertools.pairwise(frames)}
    assert steps == {160}  # capture time, counted in samples

    def turns(kind: str) -> list[tuple[str, int]]:
        return [(m["speaker"], m["sequence"]) for m in heard if m["type"] == kind]

    partials, finals = turns("transcript.partial"), turns("transcript.final")
    utterances = set(partials) | set(finals)
    assert len(partials) > len(utterances)  # several partials per utterance...
    assert console.page.locator("#captions li").count() == len(utterances)
    assert console.page.locator("#captions li[data-final=true]").count() == len(finals)
    # ...each replaced in place by its final (one still unfinished at End is marked so)
    unfinished = console.page.locator("#captions li[data-final=false] .caption__typing")
    assert unfinished.all_inner_texts() == ["cut off"] * (len(utterances) - len(finals))
