"""``talentpool certificates …``: list, revoke, record national numbers, rotate the signing key."""

from __future__ import annotations

import click
from flask.cli import AppGroup

certificates_cli = AppGroup("certificates", help="List and revoke certificates; record national "
                                                 "numbers; rotate the signing key "
                                                 "(docs/certificates.md).")


@certificates_cli.command("list")
@click.option("--search", default="", help="Only serials or holder names containing this text.")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 100_000))
def list_command(search: str, limit: int) -> None:
    """Serial, holder, level and status of the newest certificates."""
    from talentpool.certification.service import certificate_status, list_certificates
    from talentpool.database import utcnow

    now = utcnow()
    certificates = list_certificates(search, limit)
    if not certificates:
        click.echo("No certificates.")
        return
    for certificate in certificates:
        click.echo(f"{certificate.serial}  level {certificate.level}  "
                   f"{certificate_status(certificate, now):<10}  "
                   f"{certificate.issued_at:%Y-%m-%d}  {certificate.holder_name or '-'}")


@certificates_cli.command("revoke")
@click.argument("serial")
@click.option("--reason", required=True, help="Shown on the public verification page.")
def revoke_command(serial: str, reason: str) -> None:
    """Revoke the certificate SERIAL."""
    from talentpool.certification.service import CertificationError
    from talentpool.certification.status_changes import revoke

    try:
        certificate = revoke(serial, reason, actor=None)
    except CertificationError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Revoked {certificate.serial}: {certificate.revocation_reason}")


@certificates_cli.command("suspend")
@click.argument("serial")
@click.option("--reason", required=True, help="Shown on the public verification page.")
def suspend_command(serial: str, reason: str) -> None:
    """Suspend the certificate SERIAL until it is reinstated."""
    from talentpool.certification.service import CertificationError
    from talentpool.certification.status_changes import suspend

    try:
        certificate = suspend(serial, reason, actor=None)
    except CertificationError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Suspended {certificate.serial}: {certificate.suspension_reason}")


@certificates_cli.command("reinstate")
@click.argument("serial")
def reinstate_command(serial: str) -> None:
    """Lift the suspension of the certificate SERIAL."""
    from talentpool.certification.service import CertificationError
    from talentpool.certification.status_changes import reinstate

    try:
        certificate = reinstate(serial)
    except CertificationError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Reinstated {certificate.serial}")


@certificates_cli.command("rotate-key")
@click.option("--organisation", "slug", default=None,
              help="The organisation's short name (default: the default organisation).")
def rotate_key_command(slug: str | None) -> None:
    """Sign new credentials with a fresh Ed25519 key; old ones keep verifying."""
    from talentpool.certification.service import default_issuer, issuer, rotate_signing_key

    organisation = default_issuer() if slug is None else issuer(slug)
    if organisation is None:
        raise click.ClickException(f"no organisation has the short name {slug!r}")
    key = rotate_signing_key(organisation=organisation)
    click.echo(f"New signing key {key.kid} of {organisation.slug}; earlier keys are retired but "
               "still published.")


@certificates_cli.command("new-field-key")
def new_field_key_command() -> None:
    """Print a new entry for FIELD_ENCRYPTION_KEYS (put it first, then reseal-identities)."""
    from talentpool.field_crypto import new_key_setting

    click.echo(new_key_setting())


@certificates_cli.command("reseal-identities")
def reseal_identities_command() -> None:
    """Encrypt every stored identity number and registered name again with the current field
    key."""
    from talentpool.certification.holders import reseal_identities
    from talentpool.office.registration import reseal_names

    click.echo(f"{reseal_identities()} identity numbers and {reseal_names()} registered names "
               "encrypted with the current key")


@certificates_cli.command("reissue-credentials")
def reissue_credentials_command() -> None:
    """Sign again the stored credentials that no longer verify or conform (after an upgrade)."""
    from talentpool.certification.reissue import reissue_credentials

    click.echo(str(reissue_credentials()))


@certificates_cli.command("national-number")
@click.argument("serial")
@click.argument("number")
def national_number_command(serial: str, number: str) -> None:
    """Record NUMBER, the national certificate number, on the certificate SERIAL."""
    from talentpool.certification.national import record_national_number
    from talentpool.certification.service import CertificationError

    try:
        certificate = record_national_number(serial, number)
    except CertificationError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{certificate.serial}: national number {certificate.national_number}")


@certificates_cli.command("import-national-numbers")
@click.argument("csv_file", type=click.File("rb"))
def import_national_numbers_command(csv_file) -> None:
    """Record the national numbers of a CSV list (ID number, level, national number).

    Every refused row is printed with its line and reason and changes nothing; the exit status
    is 1 when any row was refused.
    """
    from talentpool.certification.national import import_national_numbers
    from talentpool.certification.service import CertificationError

    try:
        report = import_national_numbers(csv_file.read())
    except CertificationError as error:
        raise click.ClickException(str(error)) from None
    for row in report.stored:
        click.echo(f"line {row.line}: {row.serial} {row.national_number}")
    for problem in report.problems:
        click.echo(f"line {problem.line}: {problem.reason}", err=True)
    click.echo(f"{len(report.stored)} recorded, {len(report.unchanged)} already recorded, "
               f"{len(report.problems)} refused (read as {report.encoding}).")
    if report.problems:
        raise SystemExit(1)
