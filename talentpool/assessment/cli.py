"""``talentpool exams …``: validate, import and convert exam packs; pool readiness."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

exams_cli = AppGroup("exams", help="Validate, import and convert exam packs (docs/exam-packs.md).")


def _report_problems(problems, consequence: str = "") -> None:
    """Print every problem and exit non-zero."""
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    raise click.ClickException(f"{len(problems)} problem(s) found{consequence}.")


@exams_cli.command("validate")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def validate_command(path: Path) -> None:
    """Check a pack folder, a folder of packs or a .zip; report every problem."""
    from talentpool.assessment.service import PackImportError, validate_path

    try:
        packs, problems = validate_path(path)
    except PackImportError as error:
        raise click.ClickException(str(error)) from None
    for pack in packs:
        click.echo(f"ok  {pack.id} v{pack.version}: {len(pack.items)} items, "
                   f"{len(pack.assets)} assets")
    if problems:
        _report_problems(problems)


@exams_cli.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--by", "by_email", default=None, metavar="EMAIL",
              help="The administrator importing; another administrator then reviews the drafts. "
                   "Without it the importer is not recorded and any administrator may review.")
def import_command(path: Path, by_email: str | None) -> None:
    """Validate, then import or update packs (idempotent; removed items are retired; new and
    changed items are drafts until reviewed)."""
    from talentpool.assessment.service import PackImportError, import_path

    importer = _administrator(by_email) if by_email else None
    try:
        results, problems = import_path(path, by=importer)
    except PackImportError as error:
        raise click.ClickException(str(error)) from None
    if problems:
        _report_problems(problems, "; nothing was imported")
    for r in results:
        click.echo(f"{r.pack} v{r.version}: {r.added} added, {r.updated} updated, "
                   f"{r.unchanged} unchanged, {r.retired} retired, {r.restored} restored, "
                   f"{r.drafts} waiting for review")
    if any(r.drafts for r in results):
        click.echo("Drafts go live once another administrator approves them: "
                   "/admin/bank/drafts or 'talentpool exams review --pack SLUG --by EMAIL'.")
    _print_readiness()


def _administrator(email: str):
    from talentpool.accounts.service import find_user_by_email
    from talentpool.auth import Role

    user = find_user_by_email(email)
    if user is None or user.role != Role.ADMIN:
        raise click.ClickException(f"no administrator with the e-mail address {email}")
    return user


@exams_cli.command("review")
@click.option("--pack", "pack_slug", required=True, help="The pack whose drafts to review.")
@click.option("--by", "by_email", required=True, metavar="EMAIL",
              help="The reviewing administrator (not the one who imported the drafts).")
@click.option("--approve-all", is_flag=True, help="Approve every draft of the pack.")
@click.option("--approve", "approve_keys", multiple=True, metavar="ITEM",
              help="Approve this draft (an item id of the pack; repeatable).")
@click.option("--return", "return_key", default=None, metavar="ITEM",
              help="Return this draft with --note; it stays a draft.")
@click.option("--note", default="", help="Why the draft is returned.")
def review_command(pack_slug, by_email, approve_all, approve_keys, return_key, note) -> None:
    """List a pack's drafts with what changed, or approve or return them (second person only)."""
    from sqlalchemy import select

    from talentpool.assessment import drafts
    from talentpool.assessment.models import ExamPack
    from talentpool.extensions import db

    reviewer = _administrator(by_email)
    if db.session.scalar(select(ExamPack.id).where(ExamPack.slug == pack_slug)) is None:
        raise click.ClickException(f"no imported pack {pack_slug}")
    groups = drafts.queue(pack_slug)
    waiting = {row.item.key: row for _pack, rows in groups for row in rows}
    if not (approve_all or approve_keys or return_key):
        for row in waiting.values():
            what = "new" if row.changed is None else \
                "changed: " + ", ".join(row.changed) if row.changed else "unchanged, never approved"
            by = row.item.imported_by.email if row.item.imported_by else "importer not recorded"
            returned = f"; returned: {row.returned.note}" if row.returned else ""
            click.echo(f"{row.item.key} r{row.item.revision} ({what}; {by}){returned}")
        click.echo(f"{len(waiting)} draft(s) of {pack_slug} waiting for review")
        return
    unknown = [key for key in (*approve_keys, *([return_key] if return_key else []))
               if key not in waiting]
    if unknown:
        raise click.ClickException(f"not a draft of {pack_slug}: {', '.join(unknown)}")
    try:
        if return_key:
            drafts.review(waiting[return_key].item.public_id, drafts.RETURNED, note, reviewer)
            click.echo(f"{return_key} returned; it stays a draft")
        keys = [k for k in (list(waiting) if approve_all else approve_keys) if k != return_key]
        if approve_all and not keys:
            click.echo(f"no drafts of {pack_slug} to approve")
        if keys:
            reviews = drafts.approve_many([(waiting[k].item.public_id, None) for k in keys],
                                          reviewer)
            click.echo(f"{len(reviews)} draft(s) of {pack_slug} approved: live")
    except drafts.ReviewError as error:
        raise click.ClickException(str(error)) from None
    _print_readiness()


@exams_cli.command("readiness")
def readiness_command() -> None:
    """Whether each level's parts can open: calibration, secure pool under the cap, standard."""
    if not _print_readiness():
        raise SystemExit(1)


def _print_readiness() -> bool:
    """Print every level's readiness; True when every level could open."""
    from talentpool.assessment import pools

    scheme = pools.scheme()
    everything_ready = True
    for level in sorted(scheme.levels, reverse=True):
        for part in ("theory", "practical"):
            state = pools.readiness(scheme.levels[level], part)
            everything_ready &= state.ready
            status = "ready" if state.ready else "not ready"
            click.echo(f"level {level} {part}: {status} ({state.operational} operational, "
                       f"{state.pretest} pretest exam items)")
            for problem in state.problems:
                click.echo(f"  {problem}")
    return everything_ready


@exams_cli.command("convert")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["label-studio", "coco", "conll"]))
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the pack into (created).")
@click.option("--id", "pack_id", required=True, help="Pack id (a-z, 0-9, '-').")
@click.option("--track", default=None, help="Track id (label-studio only; coco and conll imply it).")
@click.option("--element", default="P1.1", show_default=True, help="Assessment-element code.")
@click.option("--media-root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder with the images/audio the source refers to.")
def convert_command(fmt, source, out_dir, pack_id, track, element, media_root) -> None:
    """Write an exam pack from a Label Studio, COCO or CoNLL/BIO file."""
    import json
    import shutil

    import yaml

    from talentpool.assessment import coco, conll, label_studio
    from talentpool.assessment.converters import ConversionError

    try:
        if fmt == "conll":
            result = conll.from_conll(source.read_text("utf-8").splitlines(), pack_id, element)
        elif fmt == "coco":
            result = coco.from_coco(json.loads(source.read_text("utf-8")), pack_id, element,
                                    media_root or source.parent)
        else:
            if not track:
                raise click.UsageError("--track is required for label-studio")
            result = label_studio.from_label_studio(json.loads(source.read_text("utf-8")),
                                                    pack_id, track, element, media_root)
    except (ConversionError, ValueError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{source.name}: {error}") from None
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    folder = out_dir / pack_id
    folder.mkdir(parents=True, exist_ok=True)
    for relative, origin in result.assets.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(origin, folder / relative)
    (folder / "pack.yaml").write_text(
        yaml.safe_dump(result.pack, allow_unicode=True, sort_keys=False), encoding="utf-8")
    click.echo(f"wrote {folder / 'pack.yaml'}: {len(result.pack['items'])} items, "
               f"{len(result.assets)} assets. "
               "Refine prompts and explanations, then run 'talentpool exams validate'.")


EXPORT_FORMATS = ["label-studio", "coco", "coco-results", "conll"]


@exams_cli.command("export-answers")
@click.option("--email", required=True, help="The trainee whose answers to export.")
@click.option("--format", "fmt", required=True, type=click.Choice(EXPORT_FORMATS),
              help="coco-results: the COCO results list for COCOeval; label-studio also writes "
                   "the labeling config next to FILE (FILE-config.xml).")
@click.option("--track", default=None, help="Only this track.")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_answers_command(email, fmt, track, out_file) -> None:
    """Export a trainee's latest practice answers in a common annotation format."""
    import json

    from talentpool.accounts.service import find_user_by_email
    from talentpool.assessment import coco, conll, label_studio
    from talentpool.assessment.converters import ConversionError
    from talentpool.practice.service import latest_answers

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no account with the e-mail address {email}")
    answers = latest_answers(user.id, track)
    if fmt == "conll":
        out_file.write_text(conll.to_conll(answers), encoding="utf-8")
    elif fmt == "label-studio":
        try:
            tasks, config = label_studio.to_label_studio(answers), label_studio.label_config(answers)
        except ConversionError as error:
            raise click.ClickException(str(error)) from None
        config_file = out_file.with_name(f"{out_file.stem}-config.xml")
        out_file.write_text(json.dumps(tasks, ensure_ascii=False, indent=2), encoding="utf-8")
        config_file.write_text(config, encoding="utf-8")
        click.echo(f"wrote the labeling config {config_file}")
    else:
        document = coco.to_coco(answers) if fmt == "coco" else coco.to_coco_results(answers)
        out_file.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    click.echo(f"wrote {out_file} ({len(answers)} answered items considered)")
