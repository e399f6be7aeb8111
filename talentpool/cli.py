"""The ``talentpool`` command: demo, create-admin, scheduler, run-job, and Flask's db/run/routes."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo, pass_script_info, with_appcontext

from talentpool.config import PROJECT_ROOT


def _create_app() -> Flask:
    from talentpool.app import create_app

    return create_app()


cli = FlaskGroup(create_app=_create_app, add_version_option=False, load_dotenv=False,
                 set_debug_flag=False,
                 help="talentpool: train, test, certify and list data annotators.")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="talentpool")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--seed-only", is_flag=True, help="Prepare the data and exit without serving.")
@click.option("--password", default=None,
              help="Password for every demo account (default: a fresh random one each run).")
@click.option("--profiles", default=0, show_default=True, type=int,
              help="Add this many generated, listed talent-pool profiles (for benchmarks). "
                   "The demo itself adds 300 once, while fewer than 50 are listed; these come "
                   "on top.")
@click.option("--seed", "random_seed", default=2026, show_default=True, type=int,
              help="Random seed of the generated profiles.")
@click.option("--reset", is_flag=True,
              help="Delete every table of the database first and build the demo afresh "
                   "(files in the instance folder stay). Asks before deleting.")
@click.option("--yes", is_flag=True, help="Do not ask before --reset deletes the data.")
@pass_script_info
def demo_command(info: ScriptInfo, host: str, port: int, seed_only: bool,
                 password: str | None, profiles: int, random_seed: int, reset: bool,
                 yes: bool) -> None:
    """Create or migrate the database, load exam packs and demo accounts, then serve."""
    from flask_migrate import upgrade

    from talentpool.demo import seed_accounts

    app = info.load_app()
    if not app.config["PUBLIC_BASE_URL"]:
        # Links printed here and signed into demo credentials must point at this server.
        app.config["PUBLIC_BASE_URL"] = f"http://{host}:{port}"
    with app.app_context():
        if reset:
            _drop_every_table(app.config["SQLALCHEMY_DATABASE_URI"], ask=not yes)
        upgrade()
        click.echo(f"Database ready: {_safe_url(app.config['SQLALCHEMY_DATABASE_URI'])}")
        logins = seed_accounts(password)
        _import_demo_packs()
        from talentpool.demo import seed_certification

        for line in seed_certification():
            click.echo(line)
        from talentpool.cohorts.demo import seed_institution

        click.echo(seed_institution("staff@demo.talentpool.test", "admin@demo.talentpool.test",
                                    ["trainee@demo.talentpool.test"]))
        from talentpool.demo import seed_talent_pool

        click.echo(seed_talent_pool())
        if profiles > 0:
            from talentpool.directory.seed import seed_profiles

            click.echo(f"Seeding {profiles} talent-pool profiles …")
            click.echo(f"Created {seed_profiles(profiles, random_seed)} listed profiles.")
    click.echo("Demo accounts (e-mail / password):")
    for login in logins:
        click.echo(f"  {login.role.value:<18} {login.email:<32} {login.password}")
    if not app.config["MAIL_SERVER"]:
        click.echo("No MAIL_SERVER is set: mails (sign-up, reset and invitation links) are "
                   "printed here.")
    if seed_only:
        return
    from werkzeug.serving import run_simple

    click.echo(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)")
    # app.run() refuses to start under the Flask CLI; the development server is what it wraps.
    run_simple(host, port, app, threaded=True, use_reloader=False)


def _import_demo_packs() -> None:
    """Import every pack in exams/ as the demo administrator, then approve the drafts as the
    demo content reviewer (a second administrator); problems are printed, the demo goes on
    without that pack."""
    from talentpool.accounts.service import find_user_by_email
    from talentpool.assessment.packs import discover
    from talentpool.assessment.service import PackImportError, import_path
    from talentpool.demo import DEMO_IMPORTER, approve_demo_drafts

    exams = PROJECT_ROOT / "exams"
    if not exams.is_dir() or not discover(exams):
        click.echo("Exam packs: none in exams/")
        return
    try:
        results, problems = import_path(exams, by=find_user_by_email(DEMO_IMPORTER))
    except PackImportError as error:
        click.echo(f"Exam packs not imported: {error}", err=True)
        return
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    for r in results:
        click.echo(f"Exam pack {r.pack} v{r.version}: {r.added} added, {r.updated} updated, "
                   f"{r.unchanged} unchanged, {r.retired} retired")
    click.echo(approve_demo_drafts())


def _drop_every_table(url: str, ask: bool) -> None:
    """Drop every table of the database, the migration history included (``demo --reset``)."""
    from sqlalchemy import MetaData

    from talentpool.extensions import db

    if ask:
        click.confirm(f"Delete every table of {_safe_url(url)} and all the data in them?",
                      abort=True)
    tables = MetaData()
    tables.reflect(bind=db.engine)
    tables.drop_all(bind=db.engine)
    click.echo(f"Deleted {len(tables.tables)} tables of {_safe_url(url)}.")


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option(help="Prompted (twice) when omitted.")
@with_appcontext
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create an administrator account."""
    from talentpool.accounts.service import AccountError, create_user
    from talentpool.auth import Role

    try:
        user = create_user(email, name, password, Role.ADMIN)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Administrator {user.email} created.")


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduled jobs in this process (start exactly one per deployment)."""
    from talentpool.jobs import JOBS, build_scheduler

    app = current_app._get_current_object()
    scheduler = build_scheduler(app)
    click.echo("Scheduler started with jobs: " + ", ".join(job.name for job in JOBS))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


@click.command("run-job")
@click.argument("name")
@with_appcontext
def run_job_command(name: str) -> None:
    """Run one scheduled job now (claimed for the current period like a scheduled run)."""
    from talentpool.jobs import job_by_name, run_job

    try:
        job = job_by_name(name)
    except KeyError as error:
        raise click.ClickException(error.args[0]) from None
    click.echo(f"{name}: {run_job(current_app._get_current_object(), job)}")


@click.command("calibrate")
@click.option("--track", default=None, help="Only this track (default: every track).")
@click.option("--min-responses", type=int, default=None,
              help="First answers an item needs (default: CALIBRATION_MIN_RESPONSES).")
@click.option("--activate/--no-activate", default=None,
              help="Make the run active (default: when it converged).")
@with_appcontext
def calibrate_command(track: str | None, min_responses: int | None,
                      activate: bool | None) -> None:
    """Recalibrate the item bank from all first answers."""
    from talentpool.assessment.calibration import CalibrationError, calibrate_all, calibrate_track
    from talentpool.assessment.tracks import TRACKS_BY_ID

    if track is None:
        click.echo(calibrate_all(trigger="cli").replace("; ", "\n"))
        return
    if track not in TRACKS_BY_ID:
        raise click.ClickException(f"unknown track {track!r}; known: {', '.join(TRACKS_BY_ID)}")
    try:
        run = calibrate_track(track, "cli", min_responses, activate)
    except CalibrationError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{track}: {run.n_items} items, {run.n_persons} persons, {run.iterations} "
               f"iterations, converged={run.converged}, active={run.active}")


def register_commands(app: Flask) -> None:
    """Attach the commands to ``app.cli``."""
    from talentpool.assessment.cli import exams_cli
    from talentpool.certification.cli import certificates_cli
    from talentpool.recognition.cli import trust_cli

    for command in (demo_command, create_admin_command, scheduler_command, run_job_command,
                    calibrate_command, exams_cli, certificates_cli, trust_cli):
        app.cli.add_command(command)
