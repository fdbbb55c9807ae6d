"""The live network as the environment describes it: each request goes directly or through the proxy that
`HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` name for its scheme, unless `NO_PROXY` exempts its host.

httpx does this by itself only for clients it builds its own transport for; the providers' clients get an
explicit transport (so that record and replay can stand in for it), hence this transport. Partners' networks
(chambers, ministries) often reach the internet only through a proxy.
"""

from __future__ import annotations

import urllib.request

import httpx


class EnvironmentProxies(httpx.BaseTransport):
    def __init__(self) -> None:
        self._direct = httpx.HTTPTransport(retries=0)
        self._proxied: dict[str, httpx.HTTPTransport] = {}

    def _for(self, url: httpx.URL) -> httpx.HTTPTransport:
        proxies = urllib.request.getproxies()
        proxy = proxies.get(url.scheme) or proxies.get("all")
        if not proxy or urllib.request.proxy_bypass(url.host):
            return self._direct
        if proxy not in self._proxied:
            self._proxied[proxy] = httpx.HTTPTransport(retries=0, proxy=proxy)
        return self._proxied[proxy]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._for(request.url).handle_request(request)

    def close(self) -> None:
        for transport in (self._direct, *self._proxied.values()):
            transport.close()
