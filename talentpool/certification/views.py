"""Public verification: the page behind the QR code, the JSON APIs and the JWKS."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from spectree import Response

from talentpool.certification import bp, did, holders, keys, service, status_list, throttle
from talentpool.certification.api_models import (
    CertificateStatus, CredentialUpload, DidDocument, Jwks, SignedCredential,
    StatusListCredential, VerificationAnswer,
)
from talentpool.certification.forms import NameCheckForm
from talentpool.certification.public import status_record
from talentpool.certification.serials import normalise_serial
from talentpool.database import utcnow
from talentpool.extensions import csrf
from talentpool.input_guard import stores_no_text
from talentpool.strict_json import MalformedJSON, parse_strict_json
from talentpool.errors import render_error
from talentpool.openapi import CERTIFICATES, DISCOVERY, api, error_responses

DEFAULT_CREDENTIAL_MAX_BYTES = 64 * 1024


def rate_limited(view: Callable) -> Callable:
    """Refuse with 429 when the client address exceeds the verification rate limit."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not throttle.allow_request(request.remote_addr or "unknown"):
            response, code = render_error(429, _("Too many verification requests from your "
                                                 "network. Please wait a minute and try again."))
            if not hasattr(response, "headers"):
                response = current_app.make_response((response, code))
            response.headers["Retry-After"] = str(throttle.window_seconds())
            return response, code
        return view(*args, **kwargs)

    return wrapped


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/verify")
def verify_form():
    """Type a serial to check a certificate."""
    typed = (request.args.get("serial") or "").strip()
    if typed:
        serial = normalise_serial(typed) or typed[:80].replace("/", "")
        return redirect(url_for("certification.verify_page", serial=serial))
    return render_template("certification/verify_form.html")


def _verify_response(serial: str, certificate, form: NameCheckForm, name_matches=None,
                     status: int | None = None):
    record = status_record(serial, certificate)
    response = current_app.make_response(render_template(
        "certification/verify.html", record=record, certificate=certificate, form=form,
        name_matches=name_matches))
    response.status_code = status or (200 if certificate else 404)
    return _no_store(response)


@bp.get("/verify/<serial>")
@rate_limited
def verify_page(serial: str):
    """Whether a certificate is valid, expired, revoked, superseded or unknown."""
    return _verify_response(serial, service.find_certificate(serial), NameCheckForm())


@bp.post("/verify/<serial>")
@rate_limited
def check_holder_name(serial: str):
    """Whether a typed full name (and optional ID number ending) is the holder's: yes or no."""
    certificate, form = service.find_certificate(serial), NameCheckForm()
    if certificate is None:
        return _verify_response(serial, None, form)
    if not form.validate_on_submit():
        return _verify_response(serial, certificate, form, status=400)
    if not throttle.allow_name_check(certificate.serial):
        response, code = render_error(429, _("This certificate's holder name was checked too "
                                             "often. Please try again in an hour."))
        return response, code
    return _verify_response(serial, certificate, form,
                            holders.holder_matches(certificate, form.holder_name.data,
                                                   form.id_last6.data))


@bp.get("/api/v1/certificates/<serial>")
@rate_limited
@api.validate(tags=[CERTIFICATES], security={}, operation_id="certificateStatus",
              resp=Response(HTTP_200=CertificateStatus, HTTP_404=(
                  CertificateStatus, "No certificate has this serial (same keys, null)."),
                  **error_responses(429)))
def status_api(serial: str):
    """JSON status of a serial (404 with the same keys when unknown).

    The serial may be typed in any case, with or without dashes.
    """
    certificate = service.find_certificate(serial)
    response = jsonify(status_record(serial, certificate))
    response.status_code = 200 if certificate else 404
    return _no_store(response)


@bp.get("/api/v1/certificates/<serial>/credential")
@rate_limited
@api.validate(tags=[CERTIFICATES], security={}, operation_id="certificateCredential",
              resp=Response(HTTP_200=SignedCredential, **error_responses(404, 429)))
def credential_api(serial: str):
    """The signed Open Badges credential of a certificate, exactly as issued."""
    certificate = service.find_certificate(serial)
    if certificate is None:
        return render_error(404, _("No certificate has this serial."))
    return _no_store(current_app.response_class(certificate.credential,
                                                mimetype="application/json"))


# Machines post credentials here without a session or a form, so there is no CSRF token to
# send; the endpoint changes nothing and reads no cookies, which is why exempting it is safe.
@csrf.exempt
@bp.post("/api/v1/credentials/verify")
@rate_limited
# The body is parsed strictly below (no NaN, no duplicate names, a depth limit), so the model
# only documents it; spectree's own parsing would let those through.
@api.validate(json=CredentialUpload, skip_validation=True, tags=[CERTIFICATES], security={},
              operation_id="verifyCredential",
              resp=Response(HTTP_200=VerificationAnswer, **error_responses(400, 413, 429)))
@stores_no_text
def verify_upload():
    """Check an uploaded credential JSON: signature, key and status.

    The body is the credential as issued: one JSON object in UTF-8, without NaN or duplicate
    names, at most 32 levels deep. A credential that fails the checks is still a 200, with
    `verified` false and the reason in `signature`, `key` and `status`.
    """
    limit = int(current_app.config.get("CREDENTIAL_MAX_BYTES", DEFAULT_CREDENTIAL_MAX_BYTES))
    if (request.content_length or 0) > limit:
        return render_error(413, _("A credential must be at most %(kb)d KB.", kb=limit // 1024))
    raw = request.get_data(cache=False)
    if len(raw) > limit:
        return render_error(413, _("A credential must be at most %(kb)d KB.", kb=limit // 1024))
    try:
        document = parse_strict_json(raw)
    except MalformedJSON:
        return render_error(400, _("Send the credential as one JSON object (UTF-8)."))
    if not isinstance(document, dict):
        return render_error(400, _("Send the credential as one JSON object (UTF-8)."))
    now = utcnow()
    result = service.verify_credential(document, now)
    serial = result.certificate.serial if result.certificate else ""
    return _no_store(jsonify(
        verified=result.verified, signature=result.signature, key=result.key, kid=result.kid,
        status=result.status,
        certificate=status_record(serial, result.certificate, now) if result.certificate else None))


@bp.get("/.well-known/jwks.json")
@api.validate(tags=[DISCOVERY], security={}, operation_id="signingKeys",
              resp=Response(HTTP_200=Jwks))
def jwks():
    """The public keys that sign credentials (every key, so old credentials keep verifying)."""
    response = jsonify(keys.jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/issuers/<slug>/did.json")
@api.validate(tags=[DISCOVERY], security={}, operation_id="issuerDidDocument",
              resp=Response(HTTP_200=DidDocument, **error_responses(404)))
def did_document(slug: str):
    """An evaluation organisation's did:web DID document: the keys that sign its credentials."""
    organisation = service.issuer(slug)
    if organisation is None:  # a .json address answers in JSON whatever the client accepts
        return jsonify(error=_("No issuer has this name."), status=404), 404
    response = jsonify(did.did_document(organisation, utcnow()))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/issuers/<slug>/status/<purpose>")
@api.validate(tags=[DISCOVERY], security={}, operation_id="issuerStatusList",
              resp=Response(HTTP_200=StatusListCredential, **error_responses(404)))
def issuer_status_list(slug: str, purpose: str):
    """An organisation's signed revocation or suspension list (W3C Bitstring Status List)."""
    organisation = service.issuer(slug)
    if organisation is None or purpose not in status_list.PURPOSES:
        return jsonify(error=_("No issuer has this name."), status=404), 404
    return _status_list(status_list.status_list_credential(
        service.public_base_url(), organisation, purpose))


@bp.get("/status/revocation")
@api.validate(tags=[DISCOVERY], security={}, operation_id="revocationStatusList",
              resp=Response(HTTP_200=StatusListCredential, **error_responses(404)))
def revocation_status_list():
    """The default organisation's revocation list at the address of credentials signed before
    each organisation had lists of its own."""
    base = service.public_base_url()
    return _status_list(status_list.status_list_credential(
        base, service.default_issuer(), status_list.REVOCATION,
        url=f"{base}/status/revocation"))


def _status_list(document: dict | None):
    if document is None:
        return jsonify(error=_("Nothing has been issued yet."), status=404), 404
    response = jsonify(document)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


from talentpool.certification import admin_views, holder_views, photo_views  # noqa: E402,F401
