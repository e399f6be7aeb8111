"""``python -m talentpool.psychometrics calibrate``: calibrate items from a response CSV.

Input ``R.csv``: header ``person_id,<item id>,…``; one row per person; each cell an integer
category (0/1 for 2pl/3pl, 0..K−1 for grm/gpcm) or empty when the item was not administered.

Output ``I.csv``: ``item_id,model,a,b,c,se_a,se_b,se_c`` (2pl/3pl; c = 0 for 2pl) or
``item_id,model,a,b1,…,b(K−1),se_a,se_b1,…`` (grm/gpcm, GRM P(X ≥ k) = s(a(θ − b_k)), GPCM
P(X = k) ∝ exp Σ_{v≤k} a(θ − b_v)). Optional ``P.csv``: ``person_id,theta,se`` (EAP, posterior SD).

Bad input ends with a message naming the line or column and exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .ability import eap
from .calibration import CalibrationResult, Quadrature, calibrate
from .mstep import NO_PRIORS, RECOMMENDED_3PL_PRIORS

EXIT_BAD_INPUT = 2


class InputError(Exception):
    """A problem with the user's files, reported as one line without a traceback."""


@dataclass(frozen=True)
class ResponseTable:
    person_ids: list[str]
    item_ids: list[str]
    responses: np.ndarray


def read_responses(path: Path, model: str) -> ResponseTable:
    """Parse and check ``R.csv``; raise ``InputError`` naming the offending line or column."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"{path} is not a readable UTF-8 CSV file ({error})") from None
    if not rows:
        raise InputError(f"{path} is empty")
    header = [cell.strip() for cell in rows[0]]
    if not header or header[0] != "person_id":
        raise InputError(f"{path} line 1: the first column must be 'person_id'")
    item_ids = header[1:]
    if not item_ids:
        raise InputError(f"{path} line 1: no item columns after 'person_id'")
    for position, item_id in enumerate(item_ids, start=2):
        if not item_id:
            raise InputError(f"{path} line 1: column {position} has no item id")
    duplicates = sorted({i for i in item_ids if item_ids.count(i) > 1})
    if duplicates:
        raise InputError(f"{path} line 1: duplicate item id(s) {', '.join(duplicates)}")

    person_ids: list[str] = []
    data = np.full((len(rows) - 1, len(item_ids)), np.nan)
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InputError(
                f"{path} line {line}: {len(row)} cells, but the header has {len(header)} "
                "(ragged row)"
            )
        person = row[0].strip()
        if not person:
            raise InputError(f"{path} line {line}: empty person_id")
        person_ids.append(person)
        for column, cell in enumerate(row[1:]):
            cell = cell.strip()
            if not cell:
                continue
            if not re.fullmatch(r"[0-9]+", cell):
                raise InputError(
                    f"{path} line {line}, column '{item_ids[column]}': {cell!r} is not a "
                    "non-negative integer category"
                )
            data[line - 2, column] = int(cell)
    if not person_ids:
        raise InputError(f"{path} has a header but no persons")
    seen: set[str] = set()
    for line, person in enumerate(person_ids, start=2):
        if person in seen:
            raise InputError(f"{path} line {line}: duplicate person_id {person!r}")
        seen.add(person)
    _check_design(path, person_ids, item_ids, data, model)
    return ResponseTable(person_ids, item_ids, data)


def _check_design(
    path: Path, person_ids: list[str], item_ids: list[str], data: np.ndarray, model: str
) -> None:
    answered = ~np.isnan(data)
    for row in np.flatnonzero(~answered.any(axis=1)):
        raise InputError(f"{path} line {row + 2}: person {person_ids[row]!r} has no answers")
    for column, item_id in enumerate(item_ids):
        values = data[answered[:, column], column]
        if not len(values):
            raise InputError(f"{path} column '{item_id}': nobody answered this item")
        observed = sorted({int(v) for v in values})
        if model in ("2pl", "3pl") and observed[-1] > 1:
            row = int(np.flatnonzero(data[:, column] > 1)[0])
            raise InputError(
                f"{path} line {row + 2}, column '{item_id}': {model} items are scored 0/1, "
                f"found {observed[-1]}"
            )
        missing = sorted(set(range(observed[-1] + 1)) - set(observed))
        if missing:
            raise InputError(
                f"{path} column '{item_id}': categories with gaps — observed "
                f"{', '.join(map(str, observed))}, missing {', '.join(map(str, missing))}"
            )
        if len(observed) < 2:
            raise InputError(
                f"{path} column '{item_id}': every answer is {observed[0]}; an item needs at "
                "least two observed categories to be calibrated"
            )


def _format(value: float) -> str:
    return "" if np.isnan(value) else f"{value:.6g}"


def write_items(path: Path, table: ResponseTable, model: str, result: CalibrationResult) -> None:
    items, errors = result.items, result.standard_errors
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if model in ("2pl", "3pl"):
            writer.writerow(["item_id", "model", "a", "b", "c", "se_a", "se_b", "se_c"])
            for j, item_id in enumerate(table.item_ids):
                values = [
                    items.a[j],
                    items.b[j, 0],
                    items.c[j],
                    errors.a[j],
                    errors.b[j, 0],
                    errors.c[j],
                ]
                writer.writerow([item_id, model, *map(_format, values)])
            return
        width = items.b.shape[1]
        thresholds = [f"b{k}" for k in range(1, width + 1)]
        writer.writerow(
            ["item_id", "model", "a", *thresholds, "se_a", *[f"se_{b}" for b in thresholds]]
        )
        for j, item_id in enumerate(table.item_ids):
            values = [items.a[j], *items.b[j], errors.a[j], *errors.b[j]]
            writer.writerow([item_id, model, *map(_format, values)])


def write_persons(path: Path, table: ResponseTable, result: CalibrationResult) -> None:
    scores = eap(
        table.responses, result.items, mean=result.population_mean, sd=result.population_sd
    )
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person_id", "theta", "se"])
        for person, theta, se in zip(table.person_ids, scores.theta, scores.se):
            writer.writerow([person, _format(theta), _format(se)])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m talentpool.psychometrics")
    commands = parser.add_subparsers(dest="command", required=True)
    cal = commands.add_parser(
        "calibrate", help="calibrate items by marginal maximum likelihood (EM)"
    )
    cal.add_argument("--model", required=True, choices=["2pl", "3pl", "grm", "gpcm"])
    cal.add_argument(
        "--responses", required=True, type=Path, help="R.csv: person_id, then one column per item"
    )
    cal.add_argument("--out-items", required=True, type=Path, help="I.csv to write")
    cal.add_argument("--out-persons", type=Path, help="P.csv to write (EAP θ and posterior SD)")
    cal.add_argument("--max-iterations", type=int, default=500)
    cal.add_argument("--tolerance", type=float, default=1e-4)
    cal.add_argument("--quadrature-points", type=int, default=41)
    cal.add_argument(
        "--no-priors",
        action="store_true",
        help="3pl only: drop the default log-normal(0, 0.5) slope and beta(5, 17) guessing priors",
    )
    return parser


def run_calibrate(args: argparse.Namespace) -> int:
    table = read_responses(args.responses, args.model)
    priors = RECOMMENDED_3PL_PRIORS if args.model == "3pl" and not args.no_priors else NO_PRIORS
    result = calibrate(
        table.responses,
        args.model,
        priors=priors,
        quadrature=Quadrature(n_nodes=args.quadrature_points),
        max_iterations=args.max_iterations,
        tolerance=args.tolerance,
    )
    try:
        write_items(args.out_items, table, args.model, result)
        if args.out_persons is not None:
            write_persons(args.out_persons, table, result)
    except OSError as error:
        raise InputError(f"cannot write output: {error.strerror} ({error.filename})") from None
    report = result.convergence
    status = "converged" if report.converged else "did NOT converge"
    print(
        f"{len(table.item_ids)} items, {len(table.person_ids)} persons: {status} after "
        f"{report.iterations} EM cycles, log-likelihood {report.log_likelihood:.3f}"
    )
    return 0 if report.converged else 1


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run_calibrate(args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ValueError, np.linalg.LinAlgError) as error:
        # Checked input should not get here; if it does, still answer in one line.
        print(f"error: calibration failed: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
