import logging
from logging.config import fileConfig

from flask import current_app

from alembic import context

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name)
logger = logging.getLogger('alembic.env')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        sqlite = connection.dialect.name == 'sqlite'
        if sqlite:
            _sqlite_foreign_keys(connection, False)
        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            # SQLite's DDL is transactional once the driver leaves transactions to SQLAlchemy (extensions.py):
            # all the migrations and the check of their references in one transaction, all or nothing.
            transactional_ddl=True if sqlite else None,
            **conf_args
        )

        try:
            with context.begin_transaction():
                before = context.get_context().get_current_revision()
                context.run_migrations()
                # A scan of the whole database: only when a migration ran.
                if sqlite and context.get_context().get_current_revision() != before:
                    _check_sqlite_foreign_keys(connection)
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, True)


def _sqlite_foreign_keys(connection, enforced):
    """SQLite's foreign keys off while migrating, on again after.

    Batch mode rebuilds a table (a new one filled from the old, the old dropped, the new renamed),
    and with foreign keys enforced, dropping a table that other rows refer to fails (SQLite's
    ALTER TABLE documentation: its twelve steps begin by turning them off). The pragma does nothing
    inside a transaction, so it goes to the driver's connection before the migrations' BEGIN and
    after their end; _check_sqlite_foreign_keys, inside their transaction, makes sure they left every
    reference whole (else nothing of them is kept).
    """
    connection.connection.dbapi_connection.execute(f"PRAGMA foreign_keys={'ON' if enforced else 'OFF'}")


def _check_sqlite_foreign_keys(connection):
    broken = connection.exec_driver_sql('PRAGMA foreign_key_check').fetchall()
    if broken:
        raise RuntimeError(f'the migrations left references to rows that do not exist: {broken[:10]}')


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
