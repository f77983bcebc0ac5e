"""Configuration: SQLite and a generated secret key in instance/ when nothing is configured."""
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from registry import config as settings


def test_no_configuration_means_sqlite_and_a_secret_key_file(tmp_path, monkeypatch):
    for variable in settings.ENVIRONMENT_KEYS:
        monkeypatch.delenv(variable, raising=False)
    config = {}
    settings.load_environment(config)
    settings.finish(config, tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'registry.db'}"
    key_file = tmp_path / "secret_key"
    assert config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(config["SECRET_KEY"]) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = {}
    settings.finish(again, tmp_path)
    assert again["SECRET_KEY"] == config["SECRET_KEY"]  # created once, then reused


def test_environment_overrides_and_postgres_urls_use_psycopg(tmp_path, monkeypatch):
    monkeypatch.setenv("REGISTRY_DATABASE_URL", "postgres://u@db/registry")
    monkeypatch.setenv("REGISTRY_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("REGISTRY_PUBLIC_BASE_URL", "https://verify.example.gov.cn")
    config = {}
    settings.load_environment(config)
    settings.finish(config, tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/registry"
    assert config["REGISTRY_PUBLIC_BASE_URL"] == "https://verify.example.gov.cn"
    assert not (tmp_path / "secret_key").exists()


def test_short_secret_key_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        settings.finish({"SECRET_KEY": "short"}, tmp_path)



def test_every_mapper_is_configured_when_the_app_starts(tmp_path):
    """No request pays for setting up the models' mappers (create_app's configure_mappers); checked in
    a fresh interpreter, as mappers once configured stay so for the whole process."""
    script = (
        "from registry import create_app\n"
        "from registry.extensions import db\n"
        f"create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path / 'm.db'}', 'SECRET_KEY': 'k' * 40}})\n"
        "mappers = list(db.Model.registry.mappers)\n"
        "print(len(mappers), all(mapper.configured for mapper in mappers))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parent.parent)
    count, configured = result.stdout.split()
    assert int(count) > 40 and configured == "True"
