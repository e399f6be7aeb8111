"""``python -m talentpool.psychometrics calibrate``: calibrate items from a response CSV.

Input ``R.csv``, wide or long (see ``response_files``; detected from the header unless
``--format`` says): wide has the header ``person_id,<item id>,…`` and one row per person, each
cell an integer category (0/1 for 2pl/3pl, 0..K−1 for grm/gpcm) or empty when the item was not
administered; long has the header ``person,item,category`` and one row per answer.

Output ``I.csv``: ``item_id,model,a,b,c,se_a,se_b,se_c,problem`` (2pl/3pl; c = 0 for 2pl) or
``item_id,model,a,b1,…,b(K−1),se_a,se_b1,…,problem`` (grm/gpcm, GRM P(X ≥ k) = s(a(θ − b_k)),
GPCM P(X = k) ∝ exp Σ_{v≤k} a(θ − b_v)); ``problem`` is empty unless the item was flagged as
degenerate (see ``item_problems``). Optional ``P.csv``: ``person_id,theta,se`` (EAP, posterior SD).
Both formats give the same outputs for the same answers.

Bad input ends with a message naming the line, column or item and exit status 2; never a
traceback. Exit status 1: the files were written, but EM did not converge or an item was flagged.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

from .ability import eap
from .calibration import CalibrationResult, Quadrature, calibrate
from .long_ability import eap_long
from .mstep import NO_PRIORS, OPERATIONAL_PRIORS, RECOMMENDED_3PL_PRIORS
from .response_files import InputError, ResponseTable, read_responses

EXIT_BAD_INPUT = 2

__all__ = ["InputError", "ResponseTable", "build_parser", "main", "read_responses"]


def _format(value: float) -> str:
    return "" if np.isnan(value) else f"{value:.6g}"


def _problems_by_item(result: CalibrationResult, item_ids: list[str]) -> list[str]:
    texts: list[list[str]] = [[] for _ in item_ids]
    for problem in result.item_problems:
        texts[problem.item].append(problem.detail)
    return ["; ".join(parts) for parts in texts]


def write_items(path: Path, table: ResponseTable, model: str, result: CalibrationResult) -> None:
    items, errors = result.items, result.standard_errors
    problems = _problems_by_item(result, table.item_ids)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if model in ("2pl", "3pl"):
            writer.writerow(["item_id", "model", "a", "b", "c", "se_a", "se_b", "se_c", "problem"])
            for j, item_id in enumerate(table.item_ids):
                values = [
                    items.a[j],
                    items.b[j, 0],
                    items.c[j],
                    errors.a[j],
                    errors.b[j, 0],
                    errors.c[j],
                ]
                writer.writerow([item_id, model, *map(_format, values), problems[j]])
            return
        width = items.b.shape[1]
        thresholds = [f"b{k}" for k in range(1, width + 1)]
        writer.writerow(
            ["item_id", "model", "a", *thresholds, "se_a", *[f"se_{b}" for b in thresholds]]
            + ["problem"]
        )
        for j, item_id in enumerate(table.item_ids):
            values = [items.a[j], *items.b[j], errors.a[j], *errors.b[j]]
            writer.writerow([item_id, model, *map(_format, values), problems[j]])


def write_persons(path: Path, table: ResponseTable, result: CalibrationResult) -> None:
    score = eap if isinstance(table.responses, np.ndarray) else eap_long
    scores = score(
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
        "--responses",
        required=True,
        type=Path,
        help="R.csv: wide (person_id, then one column per item) or long (person,item,category)",
    )
    cal.add_argument(
        "--format",
        choices=["auto", "wide", "long"],
        default="auto",
        help="layout of R.csv (default: long if the header is person,item,category)",
    )
    cal.add_argument("--out-items", required=True, type=Path, help="I.csv to write")
    cal.add_argument("--out-persons", type=Path, help="P.csv to write (EAP θ and posterior SD)")
    cal.add_argument("--max-iterations", type=int, default=500)
    cal.add_argument("--tolerance", type=float, default=1e-4)
    cal.add_argument("--quadrature-points", type=int, default=41)
    priors = cal.add_mutually_exclusive_group()
    priors.add_argument(
        "--no-priors",
        action="store_true",
        help="3pl only: drop the default log-normal(0, 0.5) slope and beta(5, 17) guessing priors",
    )
    priors.add_argument(
        "--operational-priors",
        action="store_true",
        help="log a ~ N(0, 0.5²), b ~ N(0, 2²) and, for 3pl, c ~ beta(5, 17)",
    )
    return parser


def run_calibrate(args: argparse.Namespace) -> int:
    table = read_responses(args.responses, args.model, args.format)
    if args.operational_priors:
        priors = OPERATIONAL_PRIORS
    elif args.model == "3pl" and not args.no_priors:
        priors = RECOMMENDED_3PL_PRIORS
    else:
        priors = NO_PRIORS
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
    for problem in result.item_problems:
        print(f"warning: item '{table.item_ids[problem.item]}': {problem.detail}", file=sys.stderr)
    return 0 if result.clean else 1


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
