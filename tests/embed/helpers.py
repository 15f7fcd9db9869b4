"""Signed embed links for tests, minted with the CRM's own reference code (embed_link.mint)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sessions_app import embed_link

SECRET = "embed-secret-for-tests"


def link(agent: str = "alice", secret: str = SECRET, **kwargs) -> str:
    url = embed_link.mint("http://testserver", secret, agent=agent, **kwargs)
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def params_of(path: str) -> dict[str, str]:
    return {key: value[0] for key, value in parse_qs(urlsplit(path).query).items()}
