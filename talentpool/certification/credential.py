"""Open Badges 3.0 credentials (W3C VC Data Model 2.0) with an ``eddsa-jcs-2022`` proof.

Signing (W3C Data Integrity EdDSA Cryptosuites, §3.3): the proof options carry the document's
``@context``; hashData = SHA-256(JCS(proof options)) ‖ SHA-256(JCS(document without proof));
the Ed25519 signature of hashData is written as multibase base58-btc in ``proofValue``. The
``verificationMethod`` is ``<site>/.well-known/jwks.json#<kid>``: the key id after ``#`` names
the published key. This module is pure: keys come in as arguments.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from talentpool.certification.canonical import (
    CanonicalizationError, base58btc, canonicalize, from_base58btc,
)
from talentpool.certification.levels import OCCUPATION, OCCUPATION_CODE, TITLE, WORK_TYPE, level

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CRYPTOSUITE = "eddsa-jcs-2022"


@dataclass(frozen=True)
class CredentialFacts:
    """What a credential states, taken from the certificate at issue."""

    serial: str
    level: int
    theory_score: int
    practical_score: int
    panel_score: int | None
    issuer_name: str
    valid_from: datetime
    valid_until: datetime | None
    email: str
    salt: str
    base_url: str


def timestamp(moment: datetime) -> str:
    """XML Schema dateTime in UTC with a ``Z``, to the second."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_hash(email: str, salt: str) -> str:
    """Open Badges IdentityHash: ``sha256$`` + hex SHA-256 of the e-mail address and salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def _score(name: str, value: int, description_id: str) -> tuple[dict, dict]:
    description = {"id": description_id, "type": ["ResultDescription"], "name": name,
                   "resultType": "ScaledScore", "valueMin": "0", "valueMax": "100",
                   "requiredValue": "60"}
    result = {"type": ["Result"], "resultDescription": description_id, "value": str(value)}
    return description, result


def unsigned_credential(facts: CredentialFacts) -> dict:
    """The Open Badges 3.0 credential of a certificate, before signing."""
    base, grade = facts.base_url, level(facts.level)
    achievement_id = f"{base}/achievements/{OCCUPATION_CODE}/data-annotator/level-{grade.number}"
    level_name = f"{grade.zh} · {grade.en}"
    level_description = {
        "id": f"{achievement_id}#level", "type": ["ResultDescription"],
        "name": "技能等级 · Skill level", "resultType": "RubricCriterionLevel",
        "rubricCriterionLevel": [{"id": f"{achievement_id}#level-{grade.number}",
                                  "type": ["RubricCriterionLevel"], "name": level_name}]}
    descriptions, results = [level_description], [
        {"type": ["Result"], "resultDescription": f"{achievement_id}#level",
         "achievedLevel": f"{achievement_id}#level-{grade.number}", "value": str(grade.number)}]
    parts = [("理论知识 · Theory", facts.theory_score, "theory"),
             ("技能考核 · Practical skills", facts.practical_score, "practical")]
    if facts.panel_score is not None:
        parts.append(("综合评审 · Panel review", facts.panel_score, "panel"))
    for name, value, fragment in parts:
        description, result = _score(name, value, f"{achievement_id}#{fragment}")
        descriptions.append(description)
        results.append(result)
    occupation = f"{OCCUPATION['zh']}（{WORK_TYPE['zh']}）· {OCCUPATION['en']} ({WORK_TYPE['en']})"
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"{base}/verify/{facts.serial}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": f"{base}/", "type": ["Profile"], "name": facts.issuer_name,
                   "url": f"{base}/"},
        "name": f"{TITLE['zh']} · {TITLE['en']}",
        "validFrom": timestamp(facts.valid_from),
        **({"validUntil": timestamp(facts.valid_until)} if facts.valid_until else {}),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress",
                            "hashed": True, "identityHash": identity_hash(facts.email, facts.salt),
                            "salt": facts.salt}],
            "achievement": {
                "id": achievement_id, "type": ["Achievement"], "achievementType": "Certificate",
                "name": f"{occupation} {level_name}",
                "description": f"{TITLE['zh']} {OCCUPATION_CODE} · {TITLE['en']}",
                "criteria": {"narrative": (
                    f"通过{grade.short_zh}理论知识与技能考核，两部分成绩均不低于60分"
                    + ("，并通过综合评审" if facts.panel_score is not None else "") + "。"
                    f" Passed the theory and practical skills exams of {grade.en}, each with a "
                    "score of at least 60 out of 100"
                    + (", and the panel review." if facts.panel_score is not None else "."))},
                "resultDescription": descriptions},
            "result": results},
        "credentialStatus": {"id": f"{base}/api/v1/certificates/{facts.serial}",
                             "type": "TalentpoolCertificateStatus"},
    }


def _hash_data(unsecured: dict, proof_options: dict) -> bytes:
    return (hashlib.sha256(canonicalize(proof_options)).digest()
            + hashlib.sha256(canonicalize(unsecured)).digest())


def sign(unsecured: dict, kid: str, private_key: Ed25519PrivateKey, created: datetime,
         base_url: str) -> dict:
    """``unsecured`` with a Data Integrity proof (eddsa-jcs-2022) by key ``kid``."""
    proof = {"type": "DataIntegrityProof", "cryptosuite": CRYPTOSUITE,
             "created": timestamp(created),
             "verificationMethod": f"{base_url}/.well-known/jwks.json#{kid}",
             "proofPurpose": "assertionMethod"}
    config = {**proof, "@context": unsecured["@context"]}
    signature = private_key.sign(_hash_data(unsecured, config))
    return {**unsecured, "proof": {**proof, "proofValue": base58btc(signature)}}


@dataclass(frozen=True)
class SignatureCheck:
    """``signature``: valid, invalid, missing or unsupported; ``kid`` as named by the proof."""

    signature: str
    kid: str | None
    key_found: bool


def check_signature(document: dict,
                    find_key: Callable[[str], Ed25519PublicKey | None]) -> SignatureCheck:
    """Verify the eddsa-jcs-2022 proof of ``document`` with the key ``find_key(kid)`` gives."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        return SignatureCheck("missing", None, False)
    method = proof.get("verificationMethod")
    kid = method.rpartition("#")[2] if isinstance(method, str) and "#" in method else None
    if (proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE
            or proof.get("proofPurpose") != "assertionMethod" or not kid):
        return SignatureCheck("unsupported", kid, False)
    key = find_key(kid)
    if key is None:
        return SignatureCheck("invalid", kid, False)
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    if "@context" in options:
        context, expected = unsecured.get("@context"), options["@context"]
        if (not isinstance(context, list) or not isinstance(expected, list)
                or context[:len(expected)] != expected):
            return SignatureCheck("invalid", kid, True)
        unsecured["@context"] = options["@context"]
    options["@context"] = unsecured.get("@context")
    try:
        key.verify(from_base58btc(proof.get("proofValue")), _hash_data(unsecured, options))
    except (InvalidSignature, ValueError, CanonicalizationError, TypeError):
        return SignatureCheck("invalid", kid, True)
    return SignatureCheck("valid", kid, True)
