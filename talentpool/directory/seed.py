"""Demo and benchmark data: ``seed_profiles(n, seed)`` lists n trainees with certificates,
skills, tiers and consents, reproducibly from ``seed``.

Rows are inserted in bulk, a chunk per transaction. Each certificate carries a real credential
signed by its issuer's signing key and built as issuing builds it (``certification.credential``:
``certificate_facts`` of the row, then ``credential_text``), so seeded certificates verify like
issued ones and ``certification.service.signed_credential`` gives the same text. Signing is
nearly all the work, so for a large pool worker processes sign while this one builds and
inserts the other rows; they are spawned, not forked, so they hold none of this process's
database connections. Seeded accounts get a random password hash nobody knows (they cannot log in).
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta
from types import SimpleNamespace

import numpy as np
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, insert, select, text

from talentpool.accounts.models import User
from talentpool.accounts.passwords import hash_password
from talentpool.assessment.tracks import TRACKS
from talentpool.auth import Role
from talentpool.certification import keys
from talentpool.certification.credential import (
    CredentialFacts, certificate_facts, credential_text,
)
from talentpool.certification.did import issuer_did
from talentpool.certification.models import Certificate, StoredStatus
from talentpool.certification.serials import new_serial
from talentpool.certification import status_list
from talentpool.database import new_public_id, utcnow
from talentpool.directory.keywords import searchable_text, shown_texts
from talentpool.directory.models import (
    NO_LEVEL, ListingConsent, ProfileSearchText, ProfileSkill, TalentProfile, TalentTier,
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
HEADLINE_PARTS = (
    "三年语音转写经验", "熟悉医疗影像标注", "擅长命名实体标注", "法律文书标注",
    "电商评论情感分类", "自动驾驶点云标注", "大模型对话数据质检", "方言语音采集与转写",
    "金融文本分类", "多轮对话偏好排序", "图像目标检测与分割", "客服对话意图标注",
    "古籍文字识别校对", "数学推理思维链校验", "短视频内容审核",
    "Medical imaging annotation", "Legal NER", "Cantonese speech transcription",
    "LLM preference ranking", "Point-cloud labeling for autonomous driving",
    "Quality review lead", "E-commerce sentiment labels")
HEADLINE_SHARE = .75


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
        "headline": " · ".join(HEADLINE_PARTS[i] for i in rng.choice(
            len(HEADLINE_PARTS), size=int(rng.integers(1, 3)), replace=False))
        if rng.random() < HEADLINE_SHARE else "",
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


_KEYS: dict[bytes, Ed25519PrivateKey] = {}


def _signed_text(job: tuple[bytes, str, datetime, CredentialFacts]) -> str:
    """Sign one credential (runs in a worker process): pure, given the job."""
    raw_key, method, created, facts = job
    private_key = _KEYS.get(raw_key) or _KEYS.setdefault(
        raw_key, Ed25519PrivateKey.from_private_bytes(raw_key))
    return credential_text(facts, method, private_key, created)


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


def _seed_issuer(number: int) -> Organisation:
    """The default organisation, then further seeded issuers ``seed-issuer-2``, … (created on
    first use; that commits)."""
    if number == 1:
        return organisations.default_organisation()
    slug = f"seed-issuer-{number}"
    return organisations.by_slug(slug) or organisations.create_organisation(
        slug, organisations.OrganisationFields(f"示例评价机构 {number}", f"Seed issuer {number}"))


def _status_slots(n: int, full: set[int]) -> list[tuple[Organisation, int]]:
    """``n`` (issuer, status index) pairs: free bits of the default organisation first, then
    of further seeded issuers, since one organisation's lists hold ``LIST_SIZE`` certificates
    and a million seeded profiles hold about 650,000. ``full`` remembers exhausted issuers."""
    slots: list[tuple[Organisation, int]] = []
    number = 0
    while len(slots) < n:
        number += 1
        organisation = _seed_issuer(number)
        if organisation.id in full:
            continue
        room = status_list.LIST_SIZE - (db.session.scalar(
            select(func.count()).select_from(Certificate).where(
                Certificate.organisation_id == organisation.id,
                Certificate.status_index.is_not(None))) or 0)
        take = min(room, n - len(slots))
        slots += [(organisation, index)
                  for index in status_list.free_indexes(take, organisation.id)]
        if take == room:
            full.add(organisation.id)
    return slots


def _insert_chunk(people: list[dict], password_hash: str, now: datetime,
                  start_signing: Signer, full: set[int]) -> None:
    rules = load_rules()
    slots = iter(_status_slots(sum(p["level"] is not None for p in people), full))
    user_ids = _insert_returning_ids(User, [
        {"public_id": new_public_id(), "email": p["email"], "display_name": p["name"],
         "password_hash": password_hash, "role": Role.TRAINEE, "active": True,
         "created_at": p["issued"] - timedelta(days=90), "password_changed_at": now}
        for p in people])
    certificates, estimates, tiers, consents, profiles = [], [], [], [], []
    for user_id, p in zip(user_ids, people, strict=True):
        if p["level"] is not None:
            organisation, index = next(slots)
            certificates.append((_certificate(user_id, p, index, organisation), p, organisation))
    signed = _start_signing(certificates, start_signing)
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
        pool_name = f"标注员{p['name'][0]}{user_id % 10_000:04d}"
        profiles.append({
            "public_id": new_public_id(), "user_id": user_id, "listed": True,
            "pool_name": pool_name, "headline": p["headline"],
            "region": p["region"], "languages": p["languages"], "availability": p["availability"],
            "phone": "", "share_region": p["share_region"],
            "share_languages": p["share_languages"], "share_real_name": p["share_real_name"],
            "tier": placement.tier.id, "tier_rank": placement.tier.rank, "best_level": best_level,
            "best_skill": round(best_skill, 3),
            "relevance": relevance(best_skill, placement.tier.rank, best_level),
            "last_active_at": p["active"], "created_at": now, "updated_at": now})
    for table, rows in ((SkillEstimate, estimates), (TalentTier, tiers),
                        (ListingConsent, consents)):
        _insert(table, rows)
    profile_ids = _insert_returning_ids(TalentProfile, profiles)
    skills = [{"profile_id": profile_id, "track": track, "score": round(score, 3),
               "score_se": round(score_se, 3), "provisional": False,
               "relevance": relevance(score, p["tier"].rank, p["level"] or NO_LEVEL),
               "last_active_at": p["active"]}
              for profile_id, p in zip(profile_ids, people, strict=True)
              for track, (score, score_se) in p["skills"].items()]
    _insert(ProfileSkill, skills)
    _insert(ProfileSearchText, [
        {"profile_id": profile_id, "text": searchable_text(shown_texts(
            profile["pool_name"], p["headline"], p["skills"], p["region"], p["share_region"],
            p["name"], p["share_real_name"]))}
        for profile_id, profile, p in zip(profile_ids, profiles, people, strict=True)])
    rows = [row for row, _p, _organisation in certificates]
    for row, credential in zip(rows, signed(), strict=True):
        row["credential"] = credential
    _insert(Certificate, rows)


def _copying() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _insert(model, rows: list[dict]) -> None:
    """Insert ``rows`` in bulk: PostgreSQL COPY (several times faster than multi-row INSERT
    statements for a million profiles), else ``insert(model)``."""
    if not rows:
        return
    if _copying():
        _copy(model.__table__, rows)
    else:
        db.session.execute(insert(model), rows)


def _insert_returning_ids(model, rows: list[dict]) -> list[int]:
    """Insert ``rows`` and return their new ids in order (on PostgreSQL the ids are taken from
    the table's sequence first, then the rows are copied with them)."""
    if not _copying():
        return list(db.session.scalars(
            insert(model).returning(model.id, sort_by_parameter_order=True), rows))
    table = model.__table__
    ids = sorted(db.session.scalars(
        select(func.nextval(func.pg_get_serial_sequence(
            db.session.get_bind().dialect.identifier_preparer.format_table(table), "id")))
        .select_from(func.generate_series(1, len(rows)))))
    _copy(table, [{"id": id_, **row} for id_, row in zip(ids, rows, strict=True)])
    return ids


def _copy(table, rows: list[dict]) -> None:
    """COPY ``rows`` into ``table`` with the values ``insert()`` would send: the columns' Python
    defaults fill what a row leaves out, and each column's type converts the value."""
    connection = db.session.connection()
    dialect = connection.dialect
    columns = [column for column in table.columns
               if column.name in rows[0] or column.default is not None]
    makers = []
    for column in columns:
        convert = column.type.dialect_impl(dialect).bind_processor(dialect)
        default = column.default
        if default is not None and not (default.is_scalar or default.is_callable):
            raise ValueError(f"{column} has a default COPY cannot compute")
        makers.append((column.name, convert, default))
    quote = dialect.identifier_preparer
    statement = (f"COPY {quote.format_table(table)} "
                 f"({', '.join(quote.quote(column.name) for column in columns)}) FROM STDIN")
    with connection.connection.driver_connection.cursor() as cursor, \
            cursor.copy(statement) as copy:
        for row in rows:
            values = []
            for name, convert, default in makers:
                if name in row:
                    value = row[name]
                else:
                    value = default.arg if default.is_scalar else default.arg(None)
                values.append(convert(value) if convert else value)
            copy.write_row(values)


def _start_signing(certificates: list[tuple[dict, dict, Organisation]],
                   start_signing: Signer) -> Callable[[], list[str]]:
    """Begin signing the chunk's credentials, each with its issuer's key (looked up once per
    chunk); each row gets its key id now, its credential text from the returned function."""
    issuers: dict[int, tuple[str, bytes, str]] = {}
    base, jobs = public_base_url(), []
    for row, p, organisation in certificates:
        if organisation.id not in issuers:
            kid, private_key = keys.signing_key(row["issued_at"], organisation.id)
            issuers[organisation.id] = (kid, private_key.private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                serialization.NoEncryption()), issuer_did(organisation))
        kid, raw_key, issuer = issuers[organisation.id]
        row["signing_kid"] = kid
        facts = certificate_facts(SimpleNamespace(**row), p["email"], issuer,
                                  organisation.slug, base)
        jobs.append((raw_key, f"{issuer}#{kid}", row["issued_at"], facts))
    return start_signing(jobs) if jobs else list


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
    full: set[int] = set()
    with _signer(workers) as start_signing:
        for offset in range(0, n, CHUNK):
            people = [_person(rng, now, start + offset + i, seed)
                      for i in range(min(CHUNK, n - offset))]
            _insert_chunk(people, password_hash, now, start_signing, full)
            db.session.commit()
    if n >= SERIAL_BELOW and _copying():
        _refresh_statistics()
    return n


def _refresh_statistics() -> None:
    """ANALYZE the seeded tables (PostgreSQL), committed: without statistics the planner took
    a sequential scan over 650,000 certificates for the 20 holders of a result page (0.5 s
    instead of 0.4 ms), and a server whose autovacuum is off never gathers them."""
    quote = db.session.get_bind().dialect.identifier_preparer
    tables = (User, Certificate, SkillEstimate, TalentTier, ListingConsent, TalentProfile,
              ProfileSkill, ProfileSearchText)
    db.session.execute(text(
        "ANALYZE " + ", ".join(quote.format_table(model.__table__) for model in tables)))
    db.session.commit()


