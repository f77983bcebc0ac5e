"""Public verification (no sign-in): scanned QR links, number + name lookup, offline files and page.

Pages show only masked personal data. Every verification is logged with a coarse origin; lookups
and name/ID comparisons are rate-limited per client (Flask-Limiter: memory, or Redis when set).
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for

from ...domain.certificates import verification
from ...domain.service_cards import public as card_public  # registers the card reader with verification
from ...domain.certificates.numbering import display_number
from ...domain.certificates.signing import published_keys
from ...domain.common import today
from ...errors import wants_json
from ...extensions import db, limiter
from ..certificates import event_log, keyring
from .forms import LookupForm, MatchForm

bp = Blueprint("verify", __name__)


def _limit() -> str:
    return current_app.config["VERIFY_LOOKUP_LIMIT"]


#: Scans are not limited (only lookups and comparisons are): spare them the limiter's bookkeeping.
limiter.unlimited("verify.scanned")


def public_view(verdict: verification.Verdict) -> dict:
    """What anyone may see: masked holder, what the certificate says, and whether it stands."""
    record = verdict.certificate
    if record is not None and not isinstance(record, verification.PublicRecord):
        record = verification.PublicRecord.of(record)
    data = {"outcome": verdict.outcome, "text": verdict.text, "checked_on": today().isoformat()}
    if record is not None:
        data["certificate"] = {
            "number": record.number,
            "number_display": display_number(record.number),
            "type": record.type_name,
            "holder": record.masked_name,
            "document": record.masked_document,
            "document_type": record.document_type_name,
            "sex": record.sex_name,
            "programme": record.programme_name,
            "occupation": record.occupation_name,
            "level": record.level_name or ("专项职业能力" if record.certificate_type == "special_ability" else None),
            "base": record.base_name,
            "issued_on": record.issued_on.isoformat(),
            "valid_until": record.valid_until.isoformat() if record.valid_until else None,
            "status": record.status_name,
            "status_on": record.status_on.isoformat() if record.status_on else None,
            "status_reason": record.status_reason_name or None,
            "replaced_by": record.replaced_by_number,
            "replaced_by_display": display_number(record.replaced_by_number) if record.replaced_by_number else None,
        }
    elif verdict.fields is not None and verdict.outcome == "unknown":
        data["signed"] = {"holder": verdict.fields.holder, "title": verdict.fields.title}
    return data


def _view(verdict, number: str) -> tuple[dict, str]:
    """The public data and the page of a verdict: a certificate's, or a service card's (an altered
    code with a card's number gets the card's page)."""
    if verdict.kind != card_public.DOCUMENT_TYPE and verdict.outcome == "altered" \
            and card_public.is_card_number(number):
        verdict = card_public.CardVerdict("altered")
    if verdict.kind == card_public.DOCUMENT_TYPE:
        return card_public.public_view(verdict), "verify/card.html"
    return public_view(verdict), "verify/result.html"


def _log(verdict: verification.Verdict, channel: str, outcome: str | None = None) -> None:
    """Log the check: queued for this process's next batch, or committed now.

    Committed now, on SQLite the read transaction ends first and the event is written in one that
    starts with the write: a read transaction that turns into a write fails at once when another
    worker wrote in between ("database is locked"), while starting with the write waits for the lock.
    """
    record_id = verdict.certificate.id if verdict.certificate is not None else None
    certificate_id, card_id = (None, record_id) if verdict.kind == card_public.DOCUMENT_TYPE else (record_id, None)
    log = event_log()
    if log is not None:
        log.add(verification.event_row(certificate_id, channel, outcome or verdict.outcome, request.remote_addr,
                                       card_id))
        return
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.rollback()  # PostgreSQL's row locks need no such care: one transaction, fewer round trips
    verification.log_verification(certificate_id, channel, outcome or verdict.outcome, request.remote_addr, card_id)
    db.session.commit()


@bp.route("/C/<number>/<fields>", methods=["GET"])
@bp.route("/c/<number>/<fields>", methods=["GET"])
def scanned(number: str, fields: str):
    """What a scanned QR code opens: genuine and valid, revoked, expired, unknown or altered."""
    verdict = verification.scan(number, fields, keyring(), today())
    data, template = _view(verdict, number)
    json_wanted = wants_json()
    _log(verdict, "api" if json_wanted else "qr")
    if json_wanted:
        return jsonify(data)
    return render_template(template, data=data, match_form=MatchForm(formdata=None),
                           match_url=url_for("verify.match", number=number.upper(), fields=fields),
                           photo_url=url_for("verify.card_photo", number=number.upper(), fields=fields))


@bp.route("/C/<number>/<fields>/match", methods=["POST"])
@limiter.limit(_limit)
def match(number: str, fields: str):
    """Compare what the viewer reads on the paper with the record: only 相符 or 不相符."""
    verdict = verification.verify_code(number, fields, keyring(), today())
    data, template = _view(verdict, number)
    form = MatchForm()
    result = None
    if verdict.certificate is not None and form.validate_on_submit():
        result = verification.holder_matches(verdict.certificate, form.typed.data)
        _log(verdict, "match", "valid" if result else "altered")
    if wants_json():
        return jsonify({"matches": result}), 200 if result is not None else 400
    return render_template(template, data=data, match_form=form, match_result=result,
                           match_url=url_for("verify.match", number=number, fields=fields),
                           photo_url=url_for("verify.card_photo", number=number, fields=fields))


@bp.route("/C/<number>/<fields>/photo.jpg")
def card_photo(number: str, fields: str):
    """The photo of a genuine card, for the family to compare faces: only with the card's own signed
    code, so photos cannot be fetched by guessing numbers."""
    verdict = verification.verify_code(number, fields, keyring(), today())
    if verdict.kind != card_public.DOCUMENT_TYPE or verdict.card is None:
        abort(404)
    response = Response(verdict.card.photo.jpeg, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.route("/verify/", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def lookup():
    """Certificate number and full name together, like the national certificate lookup."""
    form = LookupForm()
    verdict = data = None
    if form.validate_on_submit():
        verdict = verification.lookup(form.number.data, form.name.data, today())
        data = public_view(verdict)
        _log(verdict, "lookup")
        if wants_json():
            return jsonify(data)
    return render_template("verify/lookup.html", form=form, verdict=verdict, data=data)


@bp.route("/verify/keys.json")
def keys_json():
    """The public keys, by key id, for offline verification."""
    ring = keyring()
    return jsonify(published_keys(ring.public_keys(), ring.current_key_id(), current_app.config["REGISTRY_ISSUER_NAME"]))


@bp.route("/verify/revocations.json")
def revocations_json():
    """Revoked and suspended certificates, dated and signed."""
    return jsonify(verification.revocation_list(keyring(), current_app.config["REGISTRY_ISSUER_NAME"]))


@bp.route("/verify/offline")
def offline():
    """A self-contained page (keys, revocation list and script inline) that works saved to a phone."""
    ring = keyring()
    issuer = current_app.config["REGISTRY_ISSUER_NAME"]
    nacl = (Path(current_app.static_folder) / "vendor" / "tweetnacl" / "nacl.min.js").read_text()
    revocations = verification.revocation_list(ring, issuer)
    generated = datetime.fromisoformat(revocations["generated_at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    return render_template(
        "verify/offline.html", nacl=nacl, keys=published_keys(ring.public_keys(), ring.current_key_id(), issuer),
        revocations=revocations, list_generated=f"{generated:%Y-%m-%d %H:%M}",
    )

