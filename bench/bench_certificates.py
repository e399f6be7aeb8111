"""Certificate throughput: PDF rendering, credential signing, issuing, and verification requests.

Usage::

    python bench/bench_certificates.py                 # print the table
    python bench/bench_certificates.py --live --out docs/benchmarks-certification.md
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/<scratch db> python bench/...
    python bench/bench_certificates.py --breakdown --out docs/benchmarks-certification.md

The database given by DATABASE_URL is emptied (all tables dropped and created again).

Each measure repeats one operation for about ``--run-seconds`` per run; the reported figure
is the median of ``--repeats`` runs. Requests go through the Flask test client (no network),
and with ``--live`` also through a threaded local HTTP server with several client threads.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cryptography  # noqa: E402
import reportlab  # noqa: E402

from talentpool.app import create_app  # noqa: E402
from talentpool.extensions import db  # noqa: E402


def timed_runs(operation: Callable[[], object], run_seconds: float, repeats: int) -> list[float]:
    """Operations per second of each run (each run: as many calls as fit in run_seconds)."""
    rates = []
    for _ in range(repeats):
        count, start = 0, time.perf_counter()
        while count < 3 or time.perf_counter() - start < run_seconds:
            operation()
            count += 1
        rates.append(count / (time.perf_counter() - start))
    return rates


def build_app(folder: Path):
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": str(folder / "instance"), "VERIFY_RATE_LIMIT": 10**9,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "PUBLIC_BASE_URL": "https://talentpool.example.org"})
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def measures(app, live: bool, threads: int) -> list[tuple[str, Callable[[], object], str]]:
    """(name, operation, note) for every measure; setup happens here, untimed."""
    from talentpool.accounts.service import create_user
    from talentpool.auth import Role
    from talentpool.certification import keys, service
    from talentpool.certification.credential import (
        CredentialFacts, check_signature, sign, unsigned_credential,
    )
    from talentpool.certification.did import issuer_did
    from talentpool.certification.public import certificate_pdf

    context = app.app_context()
    context.push()
    users = [create_user(f"bench{n}@example.org", f"测试学员{n}", "correct horse battery",
                         Role.TRAINEE) for n in range(5)]
    certificate = service.issue_certificate(users[0], 5, 86, 77)
    serial, credential_text = certificate.serial, certificate.credential
    kid, private_key = keys.signing_key(certificate.issued_at)
    issuer = issuer_did()
    facts = CredentialFacts(serial, 5, 86, 77, None, certificate.issuer_name, issuer,
                            certificate.valid_from, certificate.valid_until,
                            "bench0@example.org", "00" * 16, "https://talentpool.example.org")
    levels = iter(range(10**9))

    def issue():
        service.issue_certificate(users[1 + next(levels) % 4], 5, 80, 70)

    client = app.test_client()
    document = json.loads(credential_text)

    def verify_and_end_transaction():
        # A request ends its transaction; on SQLite an open one would hold the write lock.
        service.verify_credential(document)
        db.session.rollback()

    db.session.commit()
    from talentpool.certification import status_list

    revoked = random.Random(7).sample(range(status_list.LIST_SIZE), 100_000)

    def status_list_of_100k():
        # A list in which 100,000 certificates are final: encode, compress and sign it.
        unsecured = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                     "id": "https://talentpool.example.org/status/revocation",
                     "type": ["VerifiableCredential", "BitstringStatusListCredential"],
                     "issuer": issuer, "validFrom": "2026-12-01T00:00:00Z",
                     "credentialSubject": {"id": "https://talentpool.example.org/status/"
                                           "revocation#list", "type": "BitstringStatusList",
                                           "statusPurpose": "revocation",
                                           "encodedList": status_list.encoded_list(revoked)}}
        sign(unsecured, f"{issuer}#{kid}", private_key, certificate.issued_at)

    result = [
        ("PDF rendering (certificate_pdf)", lambda: certificate_pdf(certificate), "certificates/s"),
        ("credential build + eddsa-rdfc-2022 signing",
         lambda: sign(unsigned_credential(facts), f"{issuer}#{kid}", private_key,
                      certificate.issued_at), "credentials/s"),
        ("credential verification (eddsa-rdfc-2022, signature only)",
         lambda: check_signature(document, lambda _method: keys.public_key(kid)[0]),
         "credentials/s"),
        ("issue_certificate (supersede, sign, one commit)", issue, "certificates/s"),
        ("revocation status list of 100,000 final certificates (encode + sign)",
         status_list_of_100k, "lists/s"),
        ("verify_credential (service, no HTTP)", verify_and_end_transaction, "credentials/s"),
        ("GET /api/v1/certificates/<serial>",
         lambda: client.get(f"/api/v1/certificates/{serial}"), "requests/s"),
        ("GET /verify/<serial> (HTML page)", lambda: client.get(f"/verify/{serial}"),
         "requests/s"),
        ("POST /api/v1/credentials/verify",
         lambda: client.post("/api/v1/credentials/verify", data=credential_text,
                             content_type="application/json"), "requests/s"),
    ]
    if live:
        result.append((f"live server, GET status API, {threads} client threads",
                       live_status_load(app, serial, threads), "requests/s"))
    return result


def live_status_load(app, serial: str, threads: int) -> Callable[[], object]:
    """One call = ``threads`` concurrent GETs against a threaded local server."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port, pool = server.server_port, ThreadPoolExecutor(threads)
    local = threading.local()

    def one_get() -> int:
        if not hasattr(local, "connection"):
            local.connection = http.client.HTTPConnection("127.0.0.1", port)
        local.connection.request("GET", f"/api/v1/certificates/{serial}")
        response = local.connection.getresponse()
        response.read()
        return response.status

    def burst():
        statuses = list(pool.map(lambda _: one_get(), range(threads)))
        assert statuses == [200] * threads, statuses

    burst.per_call = threads  # type: ignore[attr-defined]
    return burst


def breakdown(run_seconds: float, repeats: int) -> list[tuple[str, str, list[float]]]:
    """Where the time of one eddsa-rdfc-2022 signature goes, stage by stage (no database).

    A level-2 credential (panel score, status entry) is canonicalized the way ``sign`` does it:
    JSON-LD expansion in safe mode, conversion to an RDF dataset, RDFC-1.0; then the two
    SHA-256 and one Ed25519 signature. "cold contexts" uses a new document loader each call, so
    both contexts are parsed and processed again (what every call did before they were cached).
    """
    from datetime import datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from pyld.canon import URDNA2015
    from pyld.context_resolver import ContextResolver
    from pyld.jsonld import JsonLdProcessor

    from talentpool.certification import linked_data
    from talentpool.certification.credential import CredentialFacts, sign, unsigned_credential

    moment, key = datetime(2026, 12, 1), Ed25519PrivateKey.generate()
    document = unsigned_credential(CredentialFacts(
        "TP-BENCH", 2, 86, 77, 71, "Issuer", "did:web:talentpool.example.org:issuers:talentpool",
        moment, None, "bench@example.org", "00" * 16, "https://talentpool.example.org", 4242))
    loader, processor = linked_data.PACKAGE_LOADER, JsonLdProcessor()

    def options():
        return {"base": None, "documentLoader": loader,
                "contextResolver": ContextResolver(loader.resolved, loader)}

    expanded = processor.expand(document, options())
    dataset = processor.to_rdf(expanded, options())
    digest = bytes(64)

    def cold():
        linked_data._parsed.cache_clear()
        linked_data.canonical_nquads(document, linked_data.DocumentLoader(
            linked_data.PACKAGE_CONTEXTS))

    stages = [
        ("whole signature (sign: 2 canonicalisations + Ed25519)",
         lambda: sign(document, "did:web:x#k", key, moment)),
        ("canonical_nquads of the credential (cached contexts)",
         lambda: linked_data.canonical_nquads(document)),
        ("  JSON-LD expansion (safe mode)", lambda: processor.expand(document, options())),
        ("  expanded → RDF dataset", lambda: processor.to_rdf(expanded, options())),
        ("  RDFC-1.0 on the dataset", lambda: URDNA2015().main(
            dataset, {"format": "application/n-quads"})),
        ("canonical_nquads of the credential, cold contexts", cold),
        ("Ed25519 signature of hashData", lambda: key.sign(digest)),
    ]
    return [(name, "calls/s", timed_runs(operation, run_seconds, repeats))
            for name, operation in stages]


def render_section(rows: list[tuple[str, str, list[float]]], args, database: str) -> str:
    """The results of one run, as the Markdown section of its database."""
    lines = [f"### {database}", "", "| measure | unit | median | range | ms per operation |",
             "|---|---|---:|---|---:|"]
    for name, unit, rates in rows:
        median = statistics.median(rates)
        lines.append(f"| {name} | {unit} | {median:,.0f} | {min(rates):,.0f} – {max(rates):,.0f}"
                     f" | {1000 / median:.2f} |")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines += ["", f"{os.cpu_count()} logical CPUs, load average {load:.2f} when the run ended; "
              f"{platform.platform()}; Python {platform.python_version()}, reportlab "
              f"{reportlab.Version}, cryptography {cryptography.__version__}; "
              f"{args.repeats} runs × ~{args.run_seconds} s per measure."]
    return "\n".join(lines)


def write_section(path: Path, database: str, section: str) -> None:
    """Replace (or append) the block of ``database`` between its markers in ``path``."""
    begin, end = f"<!-- bench:{database} -->", f"<!-- /bench:{database} -->"
    text = path.read_text() if path.exists() else "# Certification throughput\n"
    block = f"{begin}\n{section}\n{end}"
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run-seconds", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--live", action="store_true", help="also load a local HTTP server")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--out", type=Path, help="write the Markdown table here")
    parser.add_argument("--breakdown", action="store_true",
                        help="only time the stages of one signature (no database)")
    args = parser.parse_args()
    if args.breakdown:
        rows = breakdown(args.run_seconds, args.repeats)
        for name, unit, rates in rows:
            print(f"{name:<60} {1000 / statistics.median(rates):>8.3f} ms", flush=True)
        if args.out:
            write_section(args.out, "breakdown", render_section(rows, args, "breakdown"))
        return
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        database = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0].split("+")[0]
        rows = []
        for name, operation, unit in measures(app, args.live, args.threads):
            rates = timed_runs(operation, args.run_seconds, args.repeats)
            db.session.rollback()  # end the bench's own read transaction (SQLite write lock)
            rates = [rate * getattr(operation, "per_call", 1) for rate in rates]
            rows.append((name, unit, rates))
            print(f"{name:<55} {statistics.median(rates):>10,.0f} {unit}", flush=True)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    if args.out:
        write_section(args.out, database, render_section(rows, args, database))


if __name__ == "__main__":
    main()
