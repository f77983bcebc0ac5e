"""Command-line verbs: ``flask --app wsgi <command>``."""
from __future__ import annotations

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from .extensions import db


def register_commands(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(keys_group)
    app.cli.add_command(verify_qr_command)
    app.cli.add_command(purge_imports_command)


@click.command("purge-imports")
@click.option("--days", default=7, show_default=True, type=click.IntRange(min=0),
              help="Discard spreadsheet previews not confirmed within this many days.")
def purge_imports_command(days: int) -> None:
    """Discard old unconfirmed spreadsheet uploads and delete their files, and the wrong rows that
    confirmed uploads kept for fixing (personal data); run daily."""
    from .domain.imports.batches import WRONG_ROWS_KEPT_DAYS, purge_previews, purge_wrong_rows

    count = purge_previews(days)
    wrong = purge_wrong_rows()
    db.session.commit()
    click.echo(f"已放弃 {count} 个超过 {days} 天未确认的上传批次,并删除其文件。")
    click.echo(f"已删除 {wrong} 个确认导入超过 {WRONG_ROWS_KEPT_DAYS} 天的批次保留的有误行。")


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


@click.group("keys")
def keys_group() -> None:
    """Certificate signing keys (Ed25519) in REGISTRY_KEYS_DIR."""


def _keyring():
    from .domain.certificates.signing import KeyRing

    return KeyRing(current_app.config["REGISTRY_KEYS_DIR"])


@keys_group.command("rotate")
def keys_rotate() -> None:
    """Create a new signing key; certificates signed with older keys still verify."""
    key_id = _keyring().rotate()
    click.echo(f"新的签名密钥:{key_id}(旧密钥保留用于核验已签发的证书)")


@keys_group.command("list")
def keys_list() -> None:
    """List the key ids, marking the one that signs now."""
    ring = _keyring()
    current = ring.current_key_id()
    for key in ring.public_keys():
        click.echo(f"{key.key_id}  {key.created_at}{'  (当前)' if key.key_id == current else ''}")


@keys_group.command("publish")
@click.argument("directory", type=click.Path(file_okay=False))
def keys_publish(directory: str) -> None:
    """Write keys.json and revocations.json, the files offline verifiers need."""
    import json
    from pathlib import Path

    from .domain.certificates.signing import published_keys
    from .domain.certificates.verification import revocation_list

    ring, issuer = _keyring(), current_app.config["REGISTRY_ISSUER_NAME"]
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    documents = {
        "keys.json": published_keys(ring.public_keys(), ring.current_key_id(), issuer),
        "revocations.json": revocation_list(ring, issuer),
    }
    for name, document in documents.items():
        (target / name).write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(f"已写入 {target / 'keys.json'} 和 {target / 'revocations.json'}")


@click.command("verify-qr")
@click.argument("code")
@click.option("--keys", "keys_path", type=click.Path(exists=True, dir_okay=False),
              help="Published keys.json; without it, this registry's own keys.")
@click.option("--revocations", "revocations_path", type=click.Path(exists=True, dir_okay=False),
              help="Published revocations.json (optional).")
def verify_qr_command(code: str, keys_path: str | None, revocations_path: str | None) -> None:
    """Verify a decoded QR text offline, with only the published files. Exit 0 only when valid."""
    import json
    from pathlib import Path

    from .domain.certificates.signing import published_keys
    from .domain.certificates.verification import verify_offline
    from .domain.common import today

    if keys_path:
        keys = json.loads(Path(keys_path).read_text(encoding="utf-8"))
    else:
        ring = _keyring()
        keys = published_keys(ring.public_keys(), ring.current_key_id(), current_app.config["REGISTRY_ISSUER_NAME"])
    revocations = json.loads(Path(revocations_path).read_text(encoding="utf-8")) if revocations_path else None
    try:
        verdict = verify_offline(code, keys, revocations, today())
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"结果:{verdict.text}({verdict.outcome})")
    if verdict.fields and verdict.wording:  # another document signed the same way (a service card)
        f, wording = verdict.fields, verdict.wording
        click.echo(f"证件编号:{f.number}\n持证人:{f.holder}\n{wording.title_label}:{f.title}\n发证日期:{f.issued_on}")
        if wording.hint:
            click.echo(f"提示:{wording.hint}")
    elif verdict.fields:
        f = verdict.fields
        click.echo(f"证书编号:{f.number}\n持证人:{f.holder}\n职业(工种):{f.title}\n等级:{f.level or '专项'}\n"
                   f"发证日期:{f.issued_on}\n有效期至:{f.valid_until or '长期有效'}")
    if verdict.list_generated_at:
        click.echo(f"吊销名单日期:{verdict.list_generated_at}")
    if verdict.outcome != "valid":
        raise SystemExit(1)
