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
def import_command(path: Path) -> None:
    """Validate, then import or update packs (idempotent; removed items are retired)."""
    from talentpool.assessment.service import PackImportError, import_path

    try:
        results, problems = import_path(path)
    except PackImportError as error:
        raise click.ClickException(str(error)) from None
    if problems:
        _report_problems(problems, "; nothing was imported")
    for r in results:
        click.echo(f"{r.pack} v{r.version}: {r.added} added, {r.updated} updated, "
                   f"{r.unchanged} unchanged, {r.retired} retired, {r.restored} restored")
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
