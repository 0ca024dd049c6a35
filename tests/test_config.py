"""Settings come in layers — defaults, config file, environment, flags — and bad values are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from orggraph.model.config import load_settings
from orggraph.model.errors import ConfigError


def test_layers_later_wins(tmp_path: Path):
    config = tmp_path / "orggraph.toml"
    config.write_text('[orggraph]\nbackend = "neo4j"\nneo4j_uri = "bolt://file:7687"\ndatabase = "fromfile"\n')
    env = {"NEO4J_URI": "bolt://env:7687", "NEO4J_DATABASE": "fromenv"}
    settings = load_settings({"database": "fromflag", "neo4j_user": None}, environ=env, config_path=config)
    assert (settings.backend, settings.neo4j_uri, settings.database, settings.neo4j_user) == (
        "neo4j",
        "bolt://env:7687",
        "fromflag",
        "neo4j",
    )


def test_defaults_are_the_embedded_server_under_data():
    settings = load_settings(environ={})
    assert settings.backend == "embedded" and settings.data_dir == Path("data") and settings.bolt_port == 0


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        ({"backend": "sqlite"}, "valid backends: embedded, neo4j"),
        ({"bolt_port": "seventy"}, "bolt_port"),
        # each of these reached the user as a traceback or an obscure failure further on: a port past 65535
        # (OverflowError from bind), a heap the JVM cannot read ("Unable to start JVM"), an http:// address (the
        # driver's preview HTTP API, which needs a package orggraph does not install), a timeout of no time
        ({"bolt_port": 99999}, "bolt_port"),
        ({"http_port": -1}, "http_port"),
        ({"heap": "abc"}, "heap"),
        ({"heap": "0g"}, "heap"),
        ({"neo4j_uri": "http://127.0.0.1:7474"}, "neo4j_uri"),
        ({"neo4j_uri": "bolt://"}, "neo4j_uri"),
        ({"connect_timeout_s": 0}, "connect_timeout_s"),
        ({"start_timeout_s": -5}, "start_timeout_s"),
    ],
)
def test_bad_settings_are_named(flags, needle):
    with pytest.raises(ConfigError) as err:
        load_settings(flags, environ={})
    assert needle in err.value.en and err.value.zh


@pytest.mark.parametrize("uri", ["bolt://127.0.0.1:7687", "neo4j+s://a.example:7687,b.example:7687", "bolt+ssc://h"])
def test_the_driver_s_addresses_are_taken(uri):
    assert load_settings({"neo4j_uri": uri, "heap": "6144m"}, environ={}).neo4j_uri == uri


def test_malformed_or_missing_config_file(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text("backend = = 1")
    with pytest.raises(ConfigError, match="malformed"):
        load_settings(environ={}, config_path=bad)
    with pytest.raises(ConfigError, match="not found"):
        load_settings(environ={}, config_path=tmp_path / "none.toml")


def test_a_config_file_saved_as_gbk_is_named(tmp_path: Path):
    config = tmp_path / "orggraph.toml"
    config.write_bytes('[orggraph]\nheap = "1g"  # 中文注释\n'.encode("gbk"))
    with pytest.raises(ConfigError, match="is not UTF-8 text"):
        load_settings({}, environ={}, config_path=config)


def test_settings_are_frozen():
    settings = load_settings(environ={})
    with pytest.raises(ValueError):
        settings.backend = "neo4j"
