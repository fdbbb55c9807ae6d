"""One module per data provider: fetch raw payloads over httpx, parse them into observations."""
