"""The command-line calibrator, run as a user would: in a subprocess."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talentpool.psychometrics.cli import main

from .factories import make_items, make_responses

ROOT = Path(__file__).resolve().parents[2]


def run_calibrate(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "talentpool.psychometrics", "calibrate", *map(str, args)]
    return subprocess.run(
        command,
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )


def make_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def make_response_csv(path: Path, model: str, n_persons: int = 400, n_items: int = 8) -> Path:
    rng = np.random.default_rng(51)
    items = make_items(model, n_items, rng, 3)
    _, responses = make_responses(items, n_persons, rng, answered_fraction=0.8)
    header = ["person_id"] + [f"item{j}" for j in range(n_items)]
    body = [
        [f"p{i}"] + ["" if np.isnan(x) else str(int(x)) for x in row]
        for i, row in enumerate(responses)
    ]
    return make_csv(path, [header, *body])


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("model", ["2pl", "3pl"])
def test_right_wrong_models_write_a_b_c_and_persons(tmp_path: Path, model: str) -> None:
    responses = make_response_csv(tmp_path / "R.csv", model)
    result = run_calibrate(
        "--model",
        model,
        "--responses",
        responses,
        "--out-items",
        tmp_path / "I.csv",
        "--out-persons",
        tmp_path / "P.csv",
    )
    assert result.returncode == 0, result.stderr
    items = read_csv(tmp_path / "I.csv")
    assert list(items[0])[:5] == ["item_id", "model", "a", "b", "c"]
    assert [row["item_id"] for row in items] == [f"item{j}" for j in range(8)]
    assert all(row["model"] == model and float(row["a"]) > 0 for row in items)
    if model == "2pl":
        assert all(float(row["c"]) == 0 for row in items)
    persons = read_csv(tmp_path / "P.csv")
    assert list(persons[0]) == ["person_id", "theta", "se"] and len(persons) == 400
    assert "converged" in result.stdout


@pytest.mark.parametrize("model", ["grm", "gpcm"])
def test_partial_credit_models_write_thresholds(tmp_path: Path, model: str) -> None:
    responses = make_response_csv(tmp_path / "R.csv", model)
    result = run_calibrate(
        "--model", model, "--responses", responses, "--out-items", tmp_path / "I.csv"
    )
    assert result.returncode == 0, result.stderr
    items = read_csv(tmp_path / "I.csv")
    assert list(items[0])[:5] == ["item_id", "model", "a", "b1", "b2"]
    if model == "grm":
        assert all(float(row["b1"]) < float(row["b2"]) for row in items)


BAD_INPUTS = {
    "ragged": ([["person_id", "q1", "q2"], ["p1", "1", "0"], ["p2", "1"]], "line 3"),
    "non_integer": (
        [["person_id", "q1", "q2"], ["p1", "1", "0"], ["p2", "0.5", "1"]],
        "line 3, column 'q1'",
    ),
    "text_cell": ([["person_id", "q1", "q2"], ["p1", "yes", "0"], ["p2", "0", "1"]], "column 'q1'"),
    "nobody_answered": (
        [["person_id", "q1", "q2"], ["p1", "1", ""], ["p2", "0", ""]],
        "column 'q2'",
    ),
    "no_answers": (
        [["person_id", "q1", "q2"], ["p1", "1", "0"], ["p2", "", ""], ["p3", "0", "1"]],
        "line 3",
    ),
    "gap": (
        [["person_id", "q1", "q2"], ["p1", "0", "0"], ["p2", "2", "1"], ["p3", "0", "1"]],
        "column 'q1'",
    ),
    "one_category": (
        [["person_id", "q1", "q2"], ["p1", "1", "0"], ["p2", "1", "1"]],
        "column 'q1'",
    ),
    "bad_header": ([["id", "q1"], ["p1", "1"]], "person_id"),
    "duplicate_item": ([["person_id", "q1", "q1"], ["p1", "1", "0"]], "duplicate item"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_gets_a_clear_message_and_no_traceback(tmp_path: Path, case: str) -> None:
    rows, where = BAD_INPUTS[case]
    model = "grm" if case == "gap" else "2pl"
    result = run_calibrate(
        "--model",
        model,
        "--responses",
        make_csv(tmp_path / "R.csv", rows),
        "--out-items",
        tmp_path / "I.csv",
    )
    assert result.returncode != 0
    assert where in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "I.csv").exists()


def test_gaps_message_names_the_missing_category(tmp_path: Path) -> None:
    rows, _ = BAD_INPUTS["gap"]
    result = run_calibrate(
        "--model",
        "grm",
        "--responses",
        make_csv(tmp_path / "R.csv", rows),
        "--out-items",
        tmp_path / "I.csv",
    )
    assert "missing 1" in result.stderr


def test_missing_file_and_2pl_scores_above_one_are_reported(tmp_path: Path) -> None:
    missing = run_calibrate(
        "--model", "2pl", "--responses", tmp_path / "nope.csv", "--out-items", tmp_path / "I.csv"
    )
    assert (
        missing.returncode != 0
        and "cannot read" in missing.stderr
        and "Traceback" not in missing.stderr
    )
    rows = [["person_id", "q1"], ["p1", "0"], ["p2", "2"], ["p3", "1"]]
    too_high = run_calibrate(
        "--model",
        "2pl",
        "--responses",
        make_csv(tmp_path / "R.csv", rows),
        "--out-items",
        tmp_path / "I.csv",
    )
    assert too_high.returncode != 0 and "line 3, column 'q1'" in too_high.stderr


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(
        st.lists(
            st.sampled_from(["", "0", "1", "2", "x", "1.5", "-1", " 1 "]), min_size=1, max_size=4
        ),
        min_size=1,
        max_size=6,
    ),
    model=st.sampled_from(["2pl", "3pl", "grm", "gpcm"]),
)
def test_any_small_table_ends_in_a_result_or_a_message(tmp_path: Path, cells, model: str) -> None:
    """Whatever the cells, the calibrator returns an exit status; it never raises."""
    width = max(len(row) for row in cells)
    header = ["person_id"] + [f"q{j}" for j in range(width)]
    rows = [[f"p{i}", *row] for i, row in enumerate(cells)]
    responses = make_csv(tmp_path / "R.csv", [header, *rows])
    status = main(
        [
            "calibrate",
            "--model",
            model,
            "--responses",
            str(responses),
            "--out-items",
            str(tmp_path / "I.csv"),
            "--max-iterations",
            "50",
        ]
    )
    assert status in (0, 1, 2)
