"""POSTs written as raw HTTP/1.1 on kept-alive connections, each timed from when its bytes
are written.

The figures are the servers', not an HTTP client library's: httpx spends about a millisecond
of this process's CPU before a request leaves, more than a bare receiver spends answering it,
and on two cores the load generator would otherwise set the floor's rate.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class RawPoster:
    def __init__(self, port: int, path: str) -> None:
        self.port = port
        self.path = path
        self.idle: list[Connection] = []
        self.writers: list[asyncio.StreamWriter] = []

    async def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, float]:
        """The answer's status, and the moment (perf_counter) the request was written."""
        reader, writer = await self.connection()
        writer.write(self.request(body, headers))
        sent_at = time.perf_counter()
        status = int((await reader.readline()).split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        await reader.readexactly(length)
        self.idle.append((reader, writer))
        return status, sent_at

    async def connection(self) -> Connection:
        if self.idle:
            return self.idle.pop()
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writers.append(writer)
        return reader, writer

    def request(self, body: bytes, headers: dict[str, str]) -> bytes:
        lines = [
            f"POST {self.path} HTTP/1.1",
            f"Host: 127.0.0.1:{self.port}",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    def close(self) -> None:
        for writer in self.writers:
            writer.close()


async def post_all(
    port: int, path: str, requests: Iterable[tuple[bytes, dict]], concurrency: int
) -> list[int]:
    """Every request, `concurrency` at a time (each sender waits for its answer); statuses."""
    poster = RawPoster(port, path)
    pending = iter(requests)
    statuses: list[int] = []

    async def sender() -> None:
        for body, headers in pending:
            statuses.append((await poster.post(body, headers))[0])

    try:
        await asyncio.gather(*(sender() for _ in range(concurrency)))
    finally:
        poster.close()
    return statuses
