"""Command-line verbs: ``flask --app wsgi <command>``."""
from __future__ import annotations

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from .extensions import db


def register_commands(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds training bases.")
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo data set (refused when REGISTRY_ENV=production)."""
    from .demo import DemoRefused, seed_demo
    from .domain.organisations.models import TrainingBase

    if if_empty and db.session.scalar(select(func.count(TrainingBase.id))):
        click.echo("数据库已有数据,跳过演示数据。")
        return
    try:
        summary = seed_demo(current_app.config.get("REGISTRY_ENV"))
    except DemoRefused as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo("演示数据已载入:" + ",".join(f"{k} {v}" for k, v in summary.items()))


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["city", "district", "base", "enterprise"]), required=True)
@click.option("--district", "district_code", help="District code (role district).")
@click.option("--base-id", type=int, help="Training base id (role base).")
@click.option("--enterprise-id", type=int, help="Enterprise id (role enterprise).")
@click.option("--name", "display_name", default="")
@click.password_option()
def create_user_command(username, role, district_code, base_id, enterprise_id, display_name, password) -> None:
    """Create an account, e.g. the first city-bureau administrator."""
    from .domain.accounts.operations import AccountData, create_account
    from .domain.errors import DomainError
    from .domain.organisations.models import District

    district_id = None
    if district_code:
        district = db.session.scalar(select(District).where(District.code == district_code))
        if district is None:
            raise click.ClickException(f"未知的区代码 {district_code}")
        district_id = district.id
    try:
        create_account(
            AccountData(username, role, display_name, district_id, base_id, enterprise_id), password
        )
    except DomainError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"已创建账号 {username}")
