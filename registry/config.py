"""Configuration: defaults, then ``instance/config.py``, then ``REGISTRY_*`` environment variables."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

#: Environment variables read at start-up and the config keys they set.
ENVIRONMENT_KEYS = {
    "REGISTRY_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "REGISTRY_SECRET_KEY": "SECRET_KEY",
    "REGISTRY_ENV": "REGISTRY_ENV",
    "REGISTRY_PUBLIC_BASE_URL": "REGISTRY_PUBLIC_BASE_URL",
    "REGISTRY_RATELIMIT_STORAGE_URL": "RATELIMIT_STORAGE_URI",
    "REGISTRY_SESSION_COOKIE_SECURE": "SESSION_COOKIE_SECURE",
    "REGISTRY_KEYS_DIR": "REGISTRY_KEYS_DIR",
    "REGISTRY_CERTIFICATE_FONT": "REGISTRY_CERTIFICATE_FONT",
    "REGISTRY_ISSUER_NAME": "REGISTRY_ISSUER_NAME",
}

MIN_SECRET_KEY_LENGTH = 32


class Defaults:
    REGISTRY_ENV = "development"
    REGISTRY_PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled with instance/registry.db
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SECRET_KEY: str | None = None  # read from or created in instance/secret_key
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # true in production (behind HTTPS)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    #: Failed sign-ins allowed per client address and per username.
    LOGIN_FAILURE_LIMIT = "5 per minute;20 per hour"
    #: werkzeug hash method for passwords (tests use a cheaper one).
    PASSWORD_HASH_METHOD = "scrypt"
    BOOTSTRAP_SERVE_LOCAL = True
    #: WTForms translates its own messages (RegistryForm.Meta.locales); no Flask-Babel here.
    WTF_I18N_ENABLED = False
    BOOTSTRAP_BOOTSWATCH_THEME = None
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    #: Ed25519 signing keys for certificates (created on first use); default instance/keys.
    REGISTRY_KEYS_DIR: str | None = None
    #: A TrueType/OpenType (.ttf/.ttc/.otf) CJK font embedded in certificate PDFs; found when unset.
    REGISTRY_CERTIFICATE_FONT: str | None = None
    #: Who signs certificates, as printed and published with the public keys.
    REGISTRY_ISSUER_NAME = "广州市人力资源和社会保障局"
    #: Public verification: certificate lookups and name/ID comparisons allowed per client.
    VERIFY_LOOKUP_LIMIT = "10 per minute;100 per day"
    #: Verification events are written in batches by each process, at least this often (seconds);
    #: 0 commits each event with its request (see domain/certificates/event_log.py).
    VERIFY_EVENT_FLUSH_SECONDS = 1.0
    #: ... and at once when this many are waiting.
    VERIFY_EVENT_BATCH = 500
    #: Heavy read-only statements that do not depend on each other (the reconciliation's) run at once
    #: on a second connection (domain/beside.py); False runs them one after the other.
    REGISTRY_READS_BESIDE = True
    #: 上门服务证: months a health check counts, and years a black-listing bars a card; None keeps
    #: the programme's defaults (12 and 3; registry/blueprints/jiazheng/rules.py).
    SERVICE_CARD_HEALTH_CHECK_MONTHS: int | None = None
    SERVICE_CARD_BLACKLIST_BAR_YEARS: int | None = None


def _as_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_environment(config: dict) -> None:
    """Copy REGISTRY_* variables over the configuration."""
    for variable, key in ENVIRONMENT_KEYS.items():
        value = os.environ.get(variable)
        if value is None or value == "":
            continue
        config[key] = _as_bool(value) if key == "SESSION_COOKIE_SECURE" else value


def normalise_database_url(url: str) -> str:
    """Let operators write postgres:// or postgresql:// and still get the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def ensure_secret_key(config: dict, instance_path: Path) -> None:
    """Use the configured key, or read/create ``instance/secret_key`` (never printed)."""
    key = config.get("SECRET_KEY")
    if not key:
        key_file = instance_path / "secret_key"
        if not key_file.exists():
            instance_path.mkdir(parents=True, exist_ok=True)
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
        key = key_file.read_text().strip()
        config["SECRET_KEY"] = key
    if len(key) < MIN_SECRET_KEY_LENGTH and not config.get("TESTING"):
        raise RuntimeError(
            f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters; "
            "set REGISTRY_SECRET_KEY to a long random value or remove it to use instance/secret_key."
        )


def finish(config: dict, instance_path: Path) -> None:
    """Fill the values that depend on the instance folder."""
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        instance_path.mkdir(parents=True, exist_ok=True)
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance_path / 'registry.db'}"
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    # Production sits behind HTTPS: secure cookies unless the operator says otherwise.
    if config.get("REGISTRY_ENV") == "production" and not os.environ.get("REGISTRY_SESSION_COOKIE_SECURE"):
        config["SESSION_COOKIE_SECURE"] = True
    config["REMEMBER_COOKIE_SECURE"] = config.get("SESSION_COOKIE_SECURE", False)
    ensure_secret_key(config, instance_path)
    config["REGISTRY_KEYS_DIR"] = config.get("REGISTRY_KEYS_DIR") or str(instance_path / "keys")
