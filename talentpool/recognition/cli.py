"""``talentpool trust …``: the trust list of other issuers, and re-checking imported credentials."""

from __future__ import annotations

import click
from flask.cli import AppGroup

trust_cli = AppGroup("trust", help="Issuers whose credentials are recognised here; re-check "
                                   "imported credentials (docs/recognition.md).")


@trust_cli.command("add")
@click.argument("subject")
@click.option("--name", required=True, help="The issuer's name, as people know it.")
@click.option("--levels", default="", help="Levels its credentials may count as, e.g. 3,4,5 "
                                           "(empty: display only).")
@click.option("--foreign-level", type=click.IntRange(1, 5), default=None,
              help="Level an Open Badges credential that states no talentpool level counts as.")
def add_command(subject: str, name: str, levels: str, foreign_level: int | None) -> None:
    """Trust SUBJECT: a did:web DID (exactly) or a domain (all its did:web DIDs)."""
    from talentpool.recognition.reasons import RecognitionError
    from talentpool.recognition.trust import add_entry

    try:
        entry = add_entry(subject, name, levels, foreign_level)
    except RecognitionError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Trusted {entry.kind} {entry.subject} ({entry.name}); "
               f"levels: {entry.levels or 'display only'}")


@trust_cli.command("list")
def list_command() -> None:
    """Every trusted DID and domain, with what it is trusted for."""
    from talentpool.recognition.trust import entries

    rows = entries()
    if not rows:
        click.echo("The trust list is empty.")
    for entry in rows:
        foreign = f", other credentials count as {entry.foreign_level}" \
            if entry.foreign_level else ""
        click.echo(f"{entry.kind:<6} {entry.subject}  {entry.name}  "
                   f"levels: {entry.levels or 'display only'}{foreign}")


@trust_cli.command("remove")
@click.argument("subject")
def remove_command(subject: str) -> None:
    """Stop trusting SUBJECT (recognitions already accepted stay until re-checked)."""
    from talentpool.recognition.reasons import RecognitionError
    from talentpool.recognition.trust import remove_entry

    try:
        entry = remove_entry(subject)
    except RecognitionError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Removed {entry.subject}")


@trust_cli.command("recheck")
def recheck_command() -> None:
    """Check every imported credential again; revoked, suspended or expired ones stop counting."""
    from talentpool.recognition.service import recheck

    report = recheck()
    for row, outcome in report:
        click.echo(f"{row.public_id}  {row.issuer_did}  {outcome}  -> {row.state}")
    click.echo(f"{len(report)} imported credentials checked.")
