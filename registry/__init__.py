"""registry: Guangdong's system of record for government-funded skills training."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from . import config as settings


def create_app(config: dict | None = None) -> Flask:
    """Build the app: defaults → instance/config.py → REGISTRY_* environment → ``config``."""
    app = Flask(__name__, instance_relative_config=True)
    configure_settings(app, config)
    configure_extensions(app)
    configure_catalogue()
    configure_audit_actor()
    configure_blueprints(app)
    configure_templates(app)
    configure_errors(app)
    configure_cli(app)
    configure_mappers()
    return app


def configure_mappers() -> None:
    """Set up every model's mapper now (about 0.1 s, once per process), when the app starts, not in
    the middle of the first request that queries; every model is imported by now (the blueprints')."""
    from sqlalchemy.orm import configure_mappers as configure_all

    configure_all()


def configure_settings(app: Flask, overrides: dict | None) -> None:
    app.config.from_object(settings.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    settings.load_environment(app.config)
    if overrides:
        app.config.update(overrides)
    settings.finish(app.config, Path(app.instance_path))


def configure_extensions(app: Flask) -> None:
    from .extensions import (
        RecordIdConverter, SessionInterface, bootstrap, csrf, db, limiter, login_manager, migrate,
    )

    from .domain import models  # noqa: F401  (the whole schema, for Alembic)

    app.session_interface = SessionInterface()
    app.url_map.converters["int"] = RecordIdConverter  # before any route is added

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        from .domain.accounts.models import User

        user = db.session.get(User, int(user_id))
        return user if user is not None and user.is_active else None


def configure_catalogue() -> None:
    from .blueprints import load_programmes
    from .domain.identifiers import load_area_table

    load_programmes()
    load_area_table()


def configure_audit_actor() -> None:
    """The audit log learns who acts from the signed-in user and the request."""
    from flask import has_request_context, request
    from flask_login import current_user

    from .domain.audit import Actor, set_actor_provider

    def web_actor() -> Actor | None:
        if not has_request_context():
            return None
        if current_user and current_user.is_authenticated:
            return Actor(current_user.id, current_user.username, request.remote_addr)
        return Actor(None, "匿名访问", request.remote_addr)

    set_actor_provider(web_actor)


def configure_blueprints(app: Flask) -> None:
    from .auth.views import bp as auth_bp
    from .blueprints import programme_blueprints
    from .blueprints.admin import bp as admin_bp
    from .blueprints.bases import bp as bases_bp
    from .blueprints.certificates import bp as certificates_bp
    from .blueprints.enterprises import bp as enterprises_bp
    from .blueprints.home import bp as home_bp
    from .blueprints.programmes import bp as programmes_bp
    from .blueprints.reconciliation import bp as reconciliation_bp
    from .blueprints.service_cards import bp as service_cards_bp
    from .blueprints.sessions import bp as sessions_bp
    from .blueprints.subsidies import bp as subsidies_bp
    from .blueprints.subsidy_settings import bp as subsidy_settings_bp
    from .blueprints.trainees import bp as trainees_bp
    from .blueprints.verify import bp as verify_bp

    for blueprint in (auth_bp, home_bp, programmes_bp, bases_bp, enterprises_bp, trainees_bp, sessions_bp,
                      certificates_bp, service_cards_bp, subsidies_bp, subsidy_settings_bp, reconciliation_bp,
                      verify_bp, admin_bp, *programme_blueprints()):
        app.register_blueprint(blueprint)


def configure_templates(app: Flask) -> None:
    from .templating import register_template_helpers

    register_template_helpers(app)


def configure_errors(app: Flask) -> None:
    from .errors import register_error_handlers

    register_error_handlers(app)


def configure_cli(app: Flask) -> None:
    from .cli import register_commands

    register_commands(app)


def freeze_startup_objects() -> None:
    """Keep what the app built at start-up (modules, mappers, the catalogue, templates' environment: some
    200,000 objects that live as long as the process) out of the garbage collector's full collections.

    Called once the app exists by the entry point that serves it (wsgi.py), never by create_app (tests
    build many apps). Without it a page that allocates as much as the reconciliation's paid a full
    collection walking all of them in about every second view (70-100 ms each)."""
    import gc

    gc.collect()
    gc.freeze()
