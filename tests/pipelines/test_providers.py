"""A catalog source wired to its provider module: the registry, and the base URL a live run uses."""

from __future__ import annotations

import pytest

from catalog import base_url_variable
from pipelines.providers import client_for
from pipelines.settings import Settings
from sources.registry import PROVIDERS, provider
from tests.conftest import subprocess_env


def test_every_source_of_the_catalog_has_a_registered_provider(catalog):
    assert {s.provider for s in catalog.sources.values()} <= set(PROVIDERS)
    with pytest.raises(ValueError, match="source x: no module for provider 'sdmx'"):
        provider("sdmx", "x")


@pytest.mark.parametrize("source", ["regionalstatistik", "eurostat", "ba-statistik", "ihk-heilbronn-franken"])
def test_a_live_run_takes_the_base_url_from_the_environment_and_replay_keeps_the_recorded_one(monkeypatch, tmp_path, catalog, source):
    loopback = subprocess_env()[base_url_variable(source)]
    assert loopback.startswith("http://127.0.0.1:")
    monkeypatch.setenv(base_url_variable(source), loopback)
    assert client_for(catalog.sources[source], Settings(tmp_path, "live")).source.base_url == loopback
    assert client_for(catalog.sources[source], Settings(tmp_path, "replay")).source.base_url == catalog.sources[source].base_url
