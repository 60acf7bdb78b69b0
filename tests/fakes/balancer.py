"""A round-robin load balancer on 127.0.0.1, as a maintainer would put before several Haven
processes serving Telegram's webhook."""

from __future__ import annotations

import itertools
import socket

import aiohttp
from aiohttp import web


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Balancer:
    """Posts each request to the next backend in turn; a backend that does not answer gets
    502, as a proxy answers (Telegram then posts the update again)."""

    def __init__(self, backends: list[int], path: str = "/telegram") -> None:
        self.backends = itertools.cycle(backends)
        self.taken: dict[int, int] = dict.fromkeys(backends, 0)
        self.path = path
        self.port = free_port()
        self.runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    async def start(self) -> None:
        server = web.Application()
        server.router.add_post(self.path, self.forward)
        self.runner = web.AppRunner(server, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def forward(self, request: web.Request) -> web.Response:
        backend = next(self.backends)
        self.taken[backend] += 1
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-tele")}
        headers["Content-Type"] = "application/json"
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.post(
                    f"http://127.0.0.1:{backend}{self.path}", data=body, headers=headers
                ) as answer,
            ):
                return web.Response(status=answer.status)
        except (aiohttp.ClientError, OSError):
            return web.Response(status=502)

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
