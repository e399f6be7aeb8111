"""Why an import was refused: a stable code (for tests and logs) and a translated sentence."""

from __future__ import annotations

from flask_babel import gettext as _


class ImportRefused(Exception):
    """An import refused; ``code`` is stable, ``str(error)`` is the translated reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class RecognitionError(Exception):
    """Any other recognition use case refused; ``str(error)`` is a translated message."""


def _message(code: str, **values) -> str:
    stored = " " + _("Nothing was stored.")
    if code == "too_large":
        return _("The file is larger than %(kb)d KB; a credential is much smaller.", **values) \
            + stored
    if code == "malformed":
        return _("This is not a JSON file, or it is damaged.") + stored
    if code == "not_a_credential":
        return _("This JSON is not a verifiable credential (Open Badges 3.0 / W3C VC 2.0).") \
            + stored
    if code == "unsigned":
        return _("This credential carries no signature (proof), so nobody can check it.") \
            + stored
    if code == "unsupported_proof":
        return _("This credential is signed in a way this site cannot check (one "
                 "eddsa-rdfc-2022 Data Integrity proof is supported).") + stored
    if code == "unsupported_context":
        return _("This credential uses a JSON-LD context this site does not have (%(context)s), "
                 "so its signature cannot be checked here.", **values) + stored
    if code == "issued_here":
        return _("This credential was issued by this site; its certificate already counts "
                 "here.") + stored
    if code == "untrusted_issuer":
        return _("The issuer %(issuer)s is not on this site's trust list, so its credentials "
                 "are not recognised here.", **values) + stored
    if code == "unavailable":
        return _("The issuer's site could not be reached to check this credential "
                 "(%(detail)s). This says nothing against the credential: try again later.",
                 **values) + stored
    if code == "tampered":
        return _("The signature does not match: the credential was edited after it was issued, "
                 "or it is forged.") + stored
    if code == "revoked":
        return _("The issuer has revoked this credential.") + stored
    if code == "suspended":
        return _("The issuer has suspended this credential.") + stored
    if code == "expired":
        return _("This credential expired on %(date)s.", **values) + stored
    if code == "not_yet_valid":
        return _("This credential is valid only from %(date)s.", **values) + stored
    if code == "someone_else":
        return _("This credential names someone else: it was not issued to the e-mail address "
                 "of your account.") + stored
    if code == "already_imported":
        return _("You have already imported this credential.") + stored
    if code == "bad_url":
        return _("This address cannot be fetched: %(detail)s. Give the https address of the "
                 "credential on its issuer's public site.", **values) + stored
    if code == "fetch_failed":
        return _("The credential could not be fetched from this address (%(detail)s). Try "
                 "again later, or upload the file.", **values) + stored
    raise KeyError(code)


def refusal(code: str, **values) -> ImportRefused:
    """The ImportRefused of ``code``, its message filled with ``values``."""
    return ImportRefused(code, _message(code, **values))
