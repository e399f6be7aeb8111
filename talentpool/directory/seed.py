"""Demo and benchmark data: ``seed_profiles(n, seed)`` lists n trainees with certificates,
skills, tiers and consents, reproducibly from ``seed``.

Rows are inserted in bulk, a chunk per transaction. Each certificate carries a real credential
signed by the instance's signing key, the same text ``certification.service.signed_credential``
gives, so seeded certificates verify like issued ones. Signing is nearly all the work, so for a
large pool worker processes sign while this one builds and inserts the other rows; they are
spawned, not forked, so they hold none of this process's database connections. Seeded accounts
get a random password hash nobody knows (they cannot log in).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta

import numpy as np
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, insert, select

from talentpool.accounts.models import User, new_public_id
from talentpool.accounts.passwords import hash_password
from talentpool.assessment.tracks import TRACKS
from talentpool.auth import Role
from talentpool.certification import keys
from talentpool.certification.credential import CredentialFacts, sign, unsigned_credential
from talentpool.certification.did import issuer_did
from talentpool.certification.models import Certificate, StoredStatus
from talentpool.certification.serials import new_serial
from talentpool.certification.status_list import free_indexes
from talentpool.database import utcnow
from talentpool.directory.models import (
    NO_LEVEL, ListingConsent, ProfileSkill, TalentProfile, TalentTier,
)
from talentpool.directory.placement import relevance
from talentpool.directory.privacy import CORE_FIELDS, NOTICE_VERSION
from talentpool.directory.tiers import Evidence, load_rules, place
from talentpool.extensions import db
from talentpool.organisations import service as organisations
from talentpool.organisations.models import Organisation
from talentpool.practice.models import SkillEstimate
from talentpool.practice.skills import report_score
from talentpool.urls import public_base_url

CHUNK = 5_000
SERIAL_BELOW = 2_000  # smaller pools are signed in this process: spawning workers costs more
CITIES = ("北京", "上海", "深圳", "广州", "杭州", "成都", "武汉", "西安", "南京", "重庆",
          "贵阳", "合肥", "长沙", "郑州", "济南", "太原", "沈阳", "昆明", "南昌", "石家庄")
CITY_WEIGHTS = np.array([12, 12, 9, 8, 7, 7, 6, 5, 5, 5, 5, 4, 4, 4, 3, 3, 3, 3, 2, 2], float)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
LEVEL_SHARES = {None: .35, 5: .30, 4: .20, 3: .10, 2: .04, 1: .01}
AVAILABILITY_SHARES = {"open": .45, "part_time": .25, "full_time": .2, "not_now": .1}
LANGUAGE_SHARES = {"en": .4, "ja": .05, "ko": .04, "fr": .02}


def _person(rng: np.random.Generator, now: datetime, index: int, seed: int) -> dict:
    """One synthetic trainee: level, skills, activity and profile choices."""
    levels = list(LEVEL_SHARES)
    level = levels[rng.choice(len(levels), p=list(LEVEL_SHARES.values()))]
    ability = rng.normal(0.0 if level is None else 0.25 * (6 - level), 0.9)
    tracks = rng.choice(len(TRACKS), size=int(rng.integers(1, 5)), replace=False)
    skills = {}
    for track in tracks:
        se = float(rng.uniform(0.22, 0.6))
        skills[TRACKS[int(track)].id] = (report_score(ability + rng.normal(0, 0.5)), 12.5 * se)
    languages = ["zh"] + [code for code, share in LANGUAGE_SHARES.items() if rng.random() < share]
    name = SURNAMES[rng.integers(len(SURNAMES))] + "".join(
        GIVEN[i] for i in rng.integers(len(GIVEN), size=int(rng.integers(1, 3))))
    return {
        "email": f"seed{seed}-{index}@pool.example", "name": name, "level": level,
        "skills": skills, "active": now - timedelta(days=float(rng.exponential(60.0))),
        "issued": now - timedelta(days=float(rng.uniform(30, 365 * 3))),
        "region": CITIES[rng.choice(len(CITIES), p=CITY_WEIGHTS / CITY_WEIGHTS.sum())],
        "languages": "," + ",".join(languages) + ",",
        "availability": list(AVAILABILITY_SHARES)[rng.choice(
            len(AVAILABILITY_SHARES), p=list(AVAILABILITY_SHARES.values()))],
        "share_region": bool(rng.random() < .6), "share_languages": bool(rng.random() < .5),
        "share_real_name": bool(rng.random() < .1),
    }


def _certificate(user_id: int, p: dict, status_index: int, organisation: Organisation) -> dict:
    """The row of a seeded person's certificate, before its credential is signed."""
    issued = p["issued"].replace(microsecond=0)
    title = organisations.certificate_title(organisation, p["level"])
    return {"serial": new_serial(), "user_id": user_id, "holder_name": p["name"],
            "level": p["level"], "theory_score": 75, "practical_score": 72,
            "panel_score": 70 if p["level"] <= 2 else None, "organisation_id": organisation.id,
            "issuer_name": organisation.name, "title_zh": title["zh"], "title_en": title["en"],
            "issued_at": issued, "valid_from": issued,
            "valid_until": None, "status": StoredStatus.VALID,
            "holder_salt": secrets.token_hex(16), "status_index": status_index}


def _unsigned(row: dict, email: str, organisation: Organisation, issuer: str, base: str) -> dict:
    """The credential ``certification.service.signed_credential`` signs for this row."""
    issuer_url = f"{base}/issuers/{organisation.slug}"
    return unsigned_credential(CredentialFacts(
        row["serial"], row["level"], row["theory_score"], row["practical_score"],
        row["panel_score"], row["issuer_name"], issuer, row["valid_from"], row["valid_until"],
        email, row["holder_salt"], base, {"zh": row["title_zh"], "en": row["title_en"]},
        issuer_url, row["status_index"], f"{issuer_url}/status"))


_KEYS: dict[bytes, Ed25519PrivateKey] = {}


def _signed_text(job: tuple[bytes, str, datetime, dict]) -> str:
    """Sign one credential (runs in a worker process): pure, given the job."""
    raw_key, method, created, unsecured = job
    private_key = _KEYS.get(raw_key) or _KEYS.setdefault(
        raw_key, Ed25519PrivateKey.from_private_bytes(raw_key))
    return json.dumps(sign(unsecured, method, private_key, created), ensure_ascii=False,
                      indent=2)


Signer = Callable[[list], Callable[[], list[str]]]


@contextmanager
def _signer(workers: int) -> Iterator[Signer]:
    """``start(jobs)`` begins signing and returns a function that waits for the texts.

    Workers are spawned (fresh interpreters, no inherited connections); a script that seeds
    needs the ``if __name__ == "__main__":`` guard that spawning asks for."""
    if workers < 1:
        yield lambda jobs: lambda: [_signed_text(job) for job in jobs]
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        def start(jobs: list) -> Callable[[], list[str]]:
            texts = pool.map(_signed_text, jobs, chunksize=max(1, len(jobs) // (8 * workers)))
            return lambda: list(texts)

        yield start


def _insert_chunk(people: list[dict], password_hash: str, now: datetime,
                  start_signing: Signer) -> None:
    rules = load_rules()
    returning = insert(User).returning(User.id, sort_by_parameter_order=True)
    user_ids = list(db.session.scalars(returning, [
        {"public_id": new_public_id(), "email": p["email"], "display_name": p["name"],
         "password_hash": password_hash, "role": Role.TRAINEE, "active": True,
         "created_at": p["issued"] - timedelta(days=90), "password_changed_at": now}
        for p in people]))
    certificates, estimates, tiers, consents, profiles = [], [], [], [], []
    organisation = organisations.default_organisation()
    indexes = iter(free_indexes(sum(p["level"] is not None for p in people), organisation.id))
    for user_id, p in zip(user_ids, people, strict=True):
        if p["level"] is not None:
            certificates.append((_certificate(user_id, p, next(indexes), organisation), p))
    signed = _start_signing(certificates, organisation, start_signing)
    for user_id, p in zip(user_ids, people, strict=True):
        for track, (score, score_se) in p["skills"].items():
            estimates.append({"user_id": user_id, "track": track, "theta": (score - 50) / 12.5,
                              "se": score_se / 12.5, "score": score, "score_se": score_se,
                              "n_items": 20, "provisional": False, "computed_at": p["active"]})
        scores = {track: score for track, (score, _se) in p["skills"].items()}
        evidence = Evidence(p["level"], scores, p["active"])
        placement = place(evidence, rules, now)
        p["tier"] = placement.tier
        tiers.append({"user_id": user_id, "tier": placement.tier.id, "rank": placement.tier.rank,
                      "reasons": placement.reasons, "next_steps": placement.next_steps,
                      "evidence": {"best_level": p["level"], "skills": scores,
                                   "last_active_at": p["active"].isoformat(timespec="seconds")},
                      "computed_at": now})
        shared = [*CORE_FIELDS] + [f for f in ("region", "languages", "real_name")
                                   if p[f"share_{f}"]]
        consents.append({"user_id": user_id, "action": "given", "fields": shared,
                         "notice_version": NOTICE_VERSION, "at": p["active"]})
        best_level, best_skill = p["level"] or NO_LEVEL, max(scores.values())
        profiles.append({
            "public_id": new_public_id(), "user_id": user_id, "listed": True,
            "pool_name": f"标注员{p['name'][0]}{user_id % 10_000:04d}", "headline": "",
            "region": p["region"], "languages": p["languages"], "availability": p["availability"],
            "phone": "", "share_region": p["share_region"],
            "share_languages": p["share_languages"], "share_real_name": p["share_real_name"],
            "tier": placement.tier.id, "tier_rank": placement.tier.rank, "best_level": best_level,
            "best_skill": round(best_skill, 3),
            "relevance": relevance(best_skill, placement.tier.rank, best_level),
            "last_active_at": p["active"], "created_at": now, "updated_at": now})
    for table, rows in ((SkillEstimate, estimates), (TalentTier, tiers),
                        (ListingConsent, consents)):
        if rows:
            db.session.execute(insert(table), rows)
    profile_ids = list(db.session.scalars(
        insert(TalentProfile).returning(TalentProfile.id, sort_by_parameter_order=True), profiles))
    skills = [{"profile_id": profile_id, "track": track, "score": round(score, 3),
               "score_se": round(score_se, 3), "provisional": False,
               "relevance": relevance(score, p["tier"].rank, p["level"] or NO_LEVEL),
               "last_active_at": p["active"]}
              for profile_id, p in zip(profile_ids, people, strict=True)
              for track, (score, score_se) in p["skills"].items()]
    db.session.execute(insert(ProfileSkill), skills)
    rows = [row for row, _p in certificates]
    for row, text in zip(rows, signed(), strict=True):
        row["credential"] = text
    if rows:
        db.session.execute(insert(Certificate), rows)


def _start_signing(certificates: list[tuple[dict, dict]], organisation: Organisation,
                   start_signing: Signer) -> Callable[[], list[str]]:
    """Begin signing the chunk's credentials with the organisation's key (looked up once);
    each row gets its key id now, its credential text from the returned function."""
    if not certificates:
        return list
    kid, private_key = keys.signing_key(certificates[0][0]["issued_at"], organisation.id)
    raw_key = private_key.private_bytes(serialization.Encoding.Raw,
                                        serialization.PrivateFormat.Raw,
                                        serialization.NoEncryption())
    issuer, base = issuer_did(organisation), public_base_url()
    jobs = []
    for row, p in certificates:
        row["signing_kid"] = kid
        jobs.append((raw_key, f"{issuer}#{kid}", row["issued_at"],
                     _unsigned(row, p["email"], organisation, issuer, base)))
    return start_signing(jobs)


def seed_profiles(n: int, seed: int = 0, now: datetime | None = None,
                  workers: int | None = None) -> int:
    """Create ``n`` listed trainee profiles, reproducibly; commits once per chunk.

    ``workers`` processes sign the credentials (default: one per CPU from ``SERIAL_BELOW``
    profiles, else none); the texts are the same either way.
    """
    now = now or utcnow()
    rng = np.random.default_rng(seed)
    start = db.session.scalar(select(func.count()).select_from(User)
                              .where(User.email.like(f"seed{seed}-%"))) or 0
    password_hash = hash_password(secrets.token_urlsafe(24))
    if workers is None:
        workers = (os.cpu_count() or 1) if n >= SERIAL_BELOW else 0
    with _signer(workers) as start_signing:
        for offset in range(0, n, CHUNK):
            people = [_person(rng, now, start + offset + i, seed)
                      for i in range(min(CHUNK, n - offset))]
            _insert_chunk(people, password_hash, now, start_signing)
            db.session.commit()
    return n


