"""Response models of the public certificate APIs and the key set; they make their document."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, RootModel

Status = Literal["valid", "suspended", "expired", "revoked", "superseded", "unknown"]
_SERIAL = "TP-HHWE-5G8E-TDJ8-7ZEQ-4T2H-07PJ-S48Q"
_SITE = "https://talentpool.example.org"
_DID = "did:web:talentpool.example.org:issuers:talentpool"


class Bilingual(BaseModel):
    zh: str
    en: str


class IdType(BaseModel):
    code: Literal["resident_id", "hk_macao_permit", "taiwan_permit", "passport",
                  "foreign_permanent_residence"]
    zh: str
    en: str


class CertificateStatus(BaseModel):
    """What the printed certificate shows, with the holder's name masked, and its status; an
    unknown serial has nulls."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "serial": _SERIAL, "status": "valid", "national_number": "Y000000000000000000000",
        "masked_name": "王*明",
        "id_type": {"code": "resident_id", "zh": "居民身份证", "en": "Resident identity card"},
        "masked_id_number": "1101**********002X",
        "occupation": {"zh": "人工智能训练师", "en": "Artificial Intelligence Trainer"},
        "occupation_code": "4-04-05-05", "work_type": {"zh": "数据标注员", "en": "Data Annotator"},
        "level": 4, "level_name": {"zh": "四级/中级工", "en": "Level 4 / Intermediate"},
        "theory_score": 82, "practical_score": 74, "panel_score": None,
        "title": {"zh": "职业技能等级证书", "en": "Vocational Skill Level Certificate"},
        "issuer": "talentpool", "issuer_did": _DID, "issued_at": "2026-11-02T08:30:00Z",
        "valid_until": None, "revoked_at": None, "revocation_reason": None,
        "suspended_at": None, "suspension_reason": None,
        "verify_url": f"{_SITE}/verify/{_SERIAL}",
        "credential_url": f"{_SITE}/api/v1/certificates/{_SERIAL}/credential"}]})

    serial: str
    status: Status
    national_number: str | None = Field(pattern=r"^[A-Z][0-9]{21}$", description=(
        "The national certificate number (证书编号) the authority assigned after the results "
        "were reported; the certificate can be looked up nationally by it. Null until "
        "recorded."))
    masked_name: str | None = Field(description=(
        "The holder's name masked: a Chinese name keeps its first and last character (王*明, "
        "two characters 王*), other names keep each word's initial (J*** S****). Null once "
        "the holder's account is deleted. The full name is never returned."))
    id_type: IdType | None = Field(description=(
        "The holder's identity document (证件类型); null until the holder has entered one."))
    masked_id_number: str | None = Field(description=(
        "The document number (证件号码) masked: an 18-character number keeps its first and "
        "last four characters (1101**********002X), a shorter one a quarter of its length at "
        "each end. The full number is never returned."))
    occupation: Bilingual | None
    occupation_code: str | None
    work_type: Bilingual | None
    level: int | None = Field(ge=1, le=5)
    level_name: Bilingual | None
    theory_score: int | None = Field(ge=0, le=100)
    practical_score: int | None = Field(ge=0, le=100)
    panel_score: int | None = Field(ge=0, le=100)
    title: Bilingual | None = Field(description=(
        "The certificate's title: 职业技能等级证书 only when the issuing evaluation "
        "organisation's registration covers the level, otherwise the organisation's own title."))
    issuer: str | None = Field(description="The issuing evaluation organisation's name.")
    issuer_did: str | None = Field(description="The issuing organisation's did:web DID.")
    issued_at: AwareDatetime | None = Field(description="RFC 3339, UTC.")
    valid_until: AwareDatetime | None = Field(
        description="RFC 3339, UTC; null when the certificate never expires.")
    revoked_at: AwareDatetime | None = Field(description="RFC 3339, UTC; set when revoked.")
    revocation_reason: str | None
    suspended_at: AwareDatetime | None = Field(
        description="RFC 3339, UTC; set while the certificate is suspended.")
    suspension_reason: str | None
    verify_url: str | None = Field(json_schema_extra={"format": "uri"})
    credential_url: str | None = Field(json_schema_extra={"format": "uri"})


class Proof(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: Literal["DataIntegrityProof"]
    cryptosuite: Literal["eddsa-rdfc-2022"]
    verificationMethod: str = Field(description="`<issuer DID>#<kid>`, a Multikey of the "
                                    "issuer's DID document.")
    proofPurpose: str
    proofValue: str = Field(description="Multibase base58-btc Ed25519 signature.")


class SignedCredential(BaseModel):
    """An Open Badges 3.0 credential (W3C VC Data Model 2.0) with an eddsa-rdfc-2022 proof."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": f"{_SITE}/verify/{_SERIAL}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "validFrom": "2026-11-02T08:30:00Z",
        "issuer": {"id": _DID, "type": ["Profile"], "name": "talentpool"},
        "credentialSubject": {"type": ["AchievementSubject"]},
        "proof": [{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                   "verificationMethod": f"{_DID}#20261102-1a2b3c4d",
                   "proofPurpose": "assertionMethod", "proofValue": "z3FXQ…"}]}]})

    context: list[str] = Field(alias="@context")
    id: str
    type: list[str]
    proof: list[Proof] = Field(min_length=1)


class StatusListCredential(BaseModel):
    """An organisation's W3C Bitstring Status List credential (revocation or suspension), signed
    like a certificate's credential; bit i is 1 when the certificate at index i is revoked (or
    superseded), respectively suspended."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"{_SITE}/issuers/talentpool/status/revocation",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": _DID, "validFrom": "2026-12-01T08:30:00Z",
        "credentialSubject": {"id": f"{_SITE}/issuers/talentpool/status/revocation#list",
                              "type": "BitstringStatusList", "statusPurpose": "revocation",
                              "encodedList": "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"},
        "proof": [{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                   "verificationMethod": f"{_DID}#20261102-1a2b3c4d",
                   "proofPurpose": "assertionMethod", "proofValue": "z3FXQ…"}]}]})

    context: list[str] = Field(alias="@context")
    id: str
    type: list[str]
    issuer: str
    credentialSubject: dict[str, Any]
    proof: list[Proof] = Field(min_length=1)


class CredentialUpload(RootModel[dict[str, Any]]):
    """Any JSON object: the credential to check, as it was issued (at most 64 KB by default)."""


class VerificationAnswer(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"verified": True, "signature": "valid", "key": "active", "kid": "20261102-1a2b3c4d",
         "status": "valid", "certificate": CertificateStatus.model_config[
             "json_schema_extra"]["examples"][0]}]})

    verified: bool = Field(description="Signature valid and certificate valid.")
    signature: Literal["valid", "invalid", "missing", "unsupported"]
    key: Literal["active", "retired", "unknown"]
    kid: str | None = Field(description="The key id the proof names, if any.")
    status: Literal["valid", "suspended", "expired", "revoked", "superseded", "unknown",
                    "tampered",
                    "not_a_credential"] = Field(description=(
        "`tampered`: a credential whose proof fails; `not_a_credential`: JSON that is not a "
        "verifiable credential at all."))
    certificate: CertificateStatus | None = Field(
        description="The certificate's status record, if the credential names a known one.")


class Jwk(BaseModel):
    kty: Literal["OKP"]
    crv: Literal["Ed25519"]
    x: str = Field(description="The public key, unpadded base64url.")
    kid: str
    use: Literal["sig"]
    alg: Literal["EdDSA"]


class Jwks(BaseModel):
    """Every signing key (RFC 7517, OKP keys per RFC 8037), the signing one first."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"keys": [{
        "kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
        "kid": "20261102-1a2b3c4d", "use": "sig", "alg": "EdDSA"}]}]})

    keys: list[Jwk]


class VerificationMethod(BaseModel):
    id: str = Field(description="`<DID>#<kid>`.")
    type: Literal["Multikey"]
    controller: str
    publicKeyMultibase: str = Field(description="base58-btc of 0xed01 + the raw Ed25519 key.")


class DidDocument(BaseModel):
    """A did:web DID document (DID Core 1.0): unretired keys, and retired keys whose
    certificates are still valid."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": _DID, "verificationMethod": [{
            "id": f"{_DID}#20261102-1a2b3c4d", "type": "Multikey", "controller": _DID,
            "publicKeyMultibase": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"}],
        "assertionMethod": [f"{_DID}#20261102-1a2b3c4d"]}]})

    context: list[str] = Field(alias="@context")
    id: str
    verificationMethod: list[VerificationMethod]
    assertionMethod: list[str]
