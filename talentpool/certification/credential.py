"""Open Badges 3.0 credentials (W3C VC Data Model 2.0) with an ``eddsa-rdfc-2022`` proof.

Signing (W3C Data Integrity EdDSA Cryptosuites v1.0, §3.2 eddsa-rdfc-2022): the proof
configuration is the proof without ``proofValue`` plus the document's ``@context``; both it and
the document without ``proof`` are canonicalized with RDFC-1.0 (``linked_data``), hashData =
SHA-256(canonical configuration) ‖ SHA-256(canonical document), and the Ed25519 signature of
hashData is written as multibase base58-btc in ``proofValue``. The issuer is a did:web DID; the
``verificationMethod`` is ``<issuer DID>#<key id>``, a Multikey in the issuer's DID document.
This module is pure: keys and the issuer come in as arguments.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from talentpool.certification.canonical import base58btc, from_base58btc
from talentpool.certification.levels import (
    OCCUPATION, OCCUPATION_CODE, PANEL_LEVELS, STANDARD, WORK_TYPE, level,
)
from talentpool.certification.linked_data import (
    OB_CONTEXT, PACKAGE_LOADER, VC_CONTEXT, DocumentLoader, canonical_nquads,
)

CRYPTOSUITE = "eddsa-rdfc-2022"
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@dataclass(frozen=True)
class CredentialFacts:
    """What a credential states, taken from the certificate at issue."""

    serial: str
    level: int
    theory_score: int
    practical_score: int
    panel_score: int | None
    issuer_name: str
    issuer_id: str
    valid_from: datetime
    valid_until: datetime | None
    email: str
    salt: str
    base_url: str
    title: dict[str, str]  # the certificate's title ({"zh", "en"}), by the issuer's registration
    issuer_url: str  # the issuing organisation's public page
    status_index: int | None = None  # position in the issuer's status lists
    status_lists: str | None = None  # where they are: <status_lists>/revocation, …/suspension


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


def achievement_id(base: str, number: int) -> str:
    """The URL that names a level's achievement (it serves the achievement page)."""
    return f"{base}/achievements/{OCCUPATION_CODE}/data-annotator/level-{number}"


def achievement(base: str, number: int, scores: dict[str, int] | None = None) -> tuple[dict, list]:
    """The Open Badges ``Achievement`` of a level, and the holder's ``Result`` list when
    ``scores`` ({"theory": …, "practical": …, "panel": …}) are given. Levels 2 and 1 include
    the panel review."""
    grade, the_id = level(number), achievement_id(base, number)
    panel = "panel" in scores if scores is not None else number in PANEL_LEVELS
    level_name = f"{grade.zh} · {grade.en}"
    descriptions = [{
        "id": f"{the_id}#level", "type": ["ResultDescription"],
        "name": "技能等级 · Skill level", "resultType": "RubricCriterionLevel",
        "rubricCriterionLevel": [{"id": f"{the_id}#level-{grade.number}",
                                  "type": ["RubricCriterionLevel"], "name": level_name}]}]
    results = [{"type": ["Result"], "resultDescription": f"{the_id}#level",
                "achievedLevel": f"{the_id}#level-{grade.number}", "value": str(grade.number)}]
    parts = [("理论知识 · Theory", "theory"), ("技能考核 · Practical skills", "practical")]
    if panel:
        parts.append(("综合评审 · Panel review", "panel"))
    for name, fragment in parts:
        description, result = _score(name, (scores or {}).get(fragment, 0),
                                     f"{the_id}#{fragment}")
        descriptions.append(description)
        results.append(result)
    occupation = f"{OCCUPATION['zh']}（{WORK_TYPE['zh']}）· {OCCUPATION['en']} ({WORK_TYPE['en']})"
    document = {
        "id": the_id, "type": ["Achievement"], "achievementType": "Certificate",
        "name": f"{occupation} {level_name}",
        "description": f"{STANDARD['zh']} {OCCUPATION_CODE} · {STANDARD['en']}",
        "criteria": {"narrative": (
            f"通过{grade.short_zh}理论知识与技能考核，两部分成绩均不低于60分"
            + ("，并通过综合评审" if panel else "") + "。"
            f" Passed the theory and practical skills exams of {grade.en}, each with a "
            "score of at least 60 out of 100" + (", and the panel review." if panel else "."))},
        "resultDescription": descriptions}
    return document, results


def unsigned_credential(facts: CredentialFacts) -> dict:
    """The Open Badges 3.0 credential of a certificate, before signing."""
    base = facts.base_url
    scores = {"theory": facts.theory_score, "practical": facts.practical_score,
              **({"panel": facts.panel_score} if facts.panel_score is not None else {})}
    the_achievement, results = achievement(base, facts.level, scores)
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"{base}/verify/{facts.serial}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": facts.issuer_id, "type": ["Profile"], "name": facts.issuer_name,
                   "url": facts.issuer_url},
        "name": f"{facts.title['zh']} · {facts.title['en']}",
        "validFrom": timestamp(facts.valid_from),
        **({"validUntil": timestamp(facts.valid_until)} if facts.valid_until else {}),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress",
                            "hashed": True, "identityHash": identity_hash(facts.email, facts.salt),
                            "salt": facts.salt}],
            "achievement": the_achievement,
            "result": results},
        # One entry, as an object: VC 2.0 allows a list (revocation and suspension), but the
        # OB 3.0 JSON Schema allows one status (1EdTech openbadges-specification issue 623
        # proposes several for 3.1), so the credential names its revocation bit only.
        **({"credentialStatus": status_entry(facts.status_lists, facts.status_index,
                                             "revocation")}
           if facts.status_index is not None and facts.status_lists else {}),
    }


def certificate_facts(certificate: Any, email: str, issuer_id: str, issuer_slug: str,
                      base_url: str) -> CredentialFacts:
    """What the credential of ``certificate`` states: the one way a certificate becomes
    credential facts, for issuing, re-issuing and seeding alike.

    ``certificate`` is anything with the certificate's column values as attributes — a
    ``Certificate``, or a seeded row about to be inserted in bulk. The issuer's page is
    ``<base_url>/issuers/<issuer_slug>`` and its status lists are served below it.
    """
    issuer_url = f"{base_url}/issuers/{issuer_slug}"
    return CredentialFacts(
        certificate.serial, certificate.level, certificate.theory_score,
        certificate.practical_score, certificate.panel_score, certificate.issuer_name,
        issuer_id, certificate.valid_from, certificate.valid_until, email,
        certificate.holder_salt, base_url,
        {"zh": certificate.title_zh, "en": certificate.title_en}, issuer_url,
        certificate.status_index, f"{issuer_url}/status")


def credential_text(facts: CredentialFacts, verification_method: str,
                    private_key: Ed25519PrivateKey, created: datetime) -> str:
    """The stored text of the credential of ``facts``, signed at ``created``: the JSON every
    certificate keeps and serves (pure, so worker processes can sign with it too)."""
    document = sign(unsigned_credential(facts), verification_method, private_key, created)
    return json.dumps(document, ensure_ascii=False, indent=2)


def status_entry(lists: str, index: int, purpose: str) -> dict:
    """A W3C Bitstring Status List entry: bit ``index`` of the issuer's ``purpose`` list, which
    is served at ``<lists>/<purpose>``."""
    list_url = f"{lists}/{purpose}"
    return {"id": f"{list_url}#{index}", "type": "BitstringStatusListEntry",
            "statusPurpose": purpose, "statusListIndex": str(index),
            "statusListCredential": list_url}


def hash_data(unsecured: dict, proof_config: dict,
              loader: DocumentLoader = PACKAGE_LOADER) -> bytes:
    """SHA-256(canonical proof configuration) ‖ SHA-256(canonical document) (vc-di-eddsa §3.3)."""
    return (hashlib.sha256(canonical_nquads(proof_config, loader).encode()).digest()
            + hashlib.sha256(canonical_nquads(unsecured, loader).encode()).digest())


def sign(unsecured: dict, verification_method: str, private_key: Ed25519PrivateKey,
         created: datetime, loader: DocumentLoader = PACKAGE_LOADER) -> dict:
    """``unsecured`` with an eddsa-rdfc-2022 Data Integrity proof, in a one-item ``proof`` array."""
    proof = {"type": "DataIntegrityProof", "cryptosuite": CRYPTOSUITE,
             "created": timestamp(created), "verificationMethod": verification_method,
             "proofPurpose": "assertionMethod"}
    config = {**proof, "@context": unsecured["@context"]}
    signature = private_key.sign(hash_data(unsecured, config, loader))
    return {**unsecured, "proof": [{**proof, "proofValue": base58btc(signature)}]}


def is_credential(document: object) -> bool:
    """True when ``document`` claims to be a VC 2.0 verifiable credential (before any check)."""
    if not isinstance(document, dict):
        return False
    context, types = document.get("@context"), document.get("type")
    return (isinstance(context, list) and bool(context) and context[0] == VC_CONTEXT
            and isinstance(types, list) and "VerifiableCredential" in types)


@dataclass(frozen=True)
class SignatureCheck:
    """``signature``: valid, invalid, missing or unsupported; ``kid``: the method's fragment."""

    signature: str
    kid: str | None
    key_found: bool


def _issuer_id(document: dict) -> str | None:
    issuer = document.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def check_signature(document: dict,
                    find_key: Callable[[str], Ed25519PublicKey | None]) -> SignatureCheck:
    """Verify the eddsa-rdfc-2022 proof of ``document``; ``find_key(method)`` resolves the key.

    The verification method must belong to the issuer (``<issuer id>#<key id>``) and the
    proof must be the only one. Any change to the document or the proof fails.
    """
    proofs = document.get("proof")
    if not isinstance(proofs, list) or not proofs:
        return SignatureCheck("missing", None, False)
    if len(proofs) != 1 or not isinstance(proofs[0], dict):
        return SignatureCheck("unsupported", None, False)
    proof = proofs[0]
    method, issuer = proof.get("verificationMethod"), _issuer_id(document)
    controller, _hash, kid = method.partition("#") if isinstance(method, str) else ("", "", "")
    if (proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE
            or proof.get("proofPurpose") != "assertionMethod" or not kid):
        return SignatureCheck("unsupported", kid or None, False)
    key = find_key(method) if controller == issuer else None
    if key is None:
        return SignatureCheck("invalid", kid, False)
    config = {name: value for name, value in proof.items() if name != "proofValue"}
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    if "@context" in config or not _TIMESTAMP.match(str(config.get("created", ""))):
        return SignatureCheck("invalid", kid, True)
    config["@context"] = unsecured.get("@context")
    try:
        key.verify(from_base58btc(proof.get("proofValue")), hash_data(unsecured, config))
    except (InvalidSignature, ValueError, TypeError):
        return SignatureCheck("invalid", kid, True)
    return SignatureCheck("valid", kid, True)
