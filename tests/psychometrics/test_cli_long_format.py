"""The command-line calibrator on long-format files (person,item,category), and its flags."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from .test_cli import make_csv, make_response_csv, read_csv, run_calibrate


def wide_to_long(wide: Path, long: Path) -> Path:
    """The answers of a wide file as long rows, item by item (so items keep their order)."""
    rows = read_csv(wide)
    item_ids = [name for name in rows[0] if name != "person_id"]
    answers = [
        [row["person_id"], item_id, row[item_id]]
        for item_id in item_ids
        for row in rows
        if row[item_id] != ""
    ]
    return make_csv(long, [["person", "item", "category"], *answers])


def calibrate_files(tmp_path: Path, responses: Path, model: str, tag: str, *extra: str):
    result = run_calibrate(
        "--model",
        model,
        "--responses",
        responses,
        "--out-items",
        tmp_path / f"I-{tag}.csv",
        "--out-persons",
        tmp_path / f"P-{tag}.csv",
        *extra,
    )
    return result, tmp_path / f"I-{tag}.csv", tmp_path / f"P-{tag}.csv"


@pytest.mark.parametrize("model", ["2pl", "grm"])
def test_long_file_gives_the_same_outputs_as_the_wide_file(tmp_path: Path, model: str) -> None:
    wide = make_response_csv(tmp_path / "wide.csv", model)
    long = wide_to_long(wide, tmp_path / "long.csv")
    wide_run, wide_items, wide_persons = calibrate_files(tmp_path, wide, model, "wide")
    long_run, long_items, long_persons = calibrate_files(
        tmp_path, long, model, "long", "--format", "long"
    )
    assert wide_run.returncode == long_run.returncode == 0, long_run.stderr
    assert long_items.read_text() == wide_items.read_text()
    by_person = {row["person_id"]: row for row in read_csv(wide_persons)}
    for row in read_csv(long_persons):
        assert row == by_person[row["person_id"]]
    assert len(read_csv(long_persons)) == len(by_person)


def test_the_long_format_is_detected_from_its_header(tmp_path: Path) -> None:
    long = wide_to_long(make_response_csv(tmp_path / "wide.csv", "2pl"), tmp_path / "long.csv")
    result, items, _ = calibrate_files(tmp_path, long, "2pl", "auto")
    assert result.returncode == 0, result.stderr
    assert [row["item_id"] for row in read_csv(items)] == [f"item{j}" for j in range(8)]


HEADER = ["person", "item", "category"]
BAD_LONG_INPUTS = {
    "duplicate": (
        [HEADER, ["p1", "q1", "1"], ["p2", "q1", "0"], ["p1", "q1", "0"]],
        "lines 2 and 4: person 'p1' answered item 'q1' twice",
    ),
    "text_category": ([HEADER, ["p1", "q1", "yes"]], "line 2: category 'yes'"),
    "short_row": ([HEADER, ["p1", "q1"]], "line 2: 2 cells, expected 3"),
    "gap": (
        [HEADER, ["p1", "q1", "0"], ["p2", "q1", "2"], ["p1", "q2", "0"], ["p2", "q2", "1"]],
        "item 'q1': categories with gaps — observed 0, 2, missing 1",
    ),
    "above_one": ([HEADER, ["p1", "q1", "0"], ["p2", "q1", "2"]], "line 3: 2pl items are scored"),
    "one_category": (
        [HEADER, ["p1", "q1", "0"], ["p2", "q1", "0"], ["p1", "q2", "0"], ["p2", "q2", "1"]],
        "item 'q1': every answer is 0",
    ),
    "no_answers": ([HEADER], "has a header but no answers"),
}


@pytest.mark.parametrize("case", sorted(BAD_LONG_INPUTS))
def test_bad_long_input_gets_a_clear_message(tmp_path: Path, case: str) -> None:
    rows, where = BAD_LONG_INPUTS[case]
    model = "grm" if case == "gap" else "2pl"
    result, items, _ = calibrate_files(tmp_path, make_csv(tmp_path / "R.csv", rows), model, case)
    assert result.returncode == 2
    assert where in result.stderr and "Traceback" not in result.stderr
    assert not items.exists()


def test_forcing_the_long_format_on_a_wide_file_names_the_header(tmp_path: Path) -> None:
    wide = make_response_csv(tmp_path / "wide.csv", "2pl")
    result, _, _ = calibrate_files(tmp_path, wide, "2pl", "forced", "--format", "long")
    assert result.returncode == 2 and "header person,item,category" in result.stderr


def test_a_flagged_item_is_written_with_its_problem_and_exit_status_1(tmp_path: Path) -> None:
    """Item q0 is right exactly for the persons with the higher rest scores (separation)."""
    rows = [HEADER]
    for person in range(60):
        scores = [int(person % 7 > k) for k in range(1, 6)]
        rows += [[f"p{person}", f"q{k + 1}", str(x)] for k, x in enumerate(scores)]
        rows.append([f"p{person}", "q0", str(int(sum(scores) >= 3))])
    result, items, _ = calibrate_files(tmp_path, make_csv(tmp_path / "R.csv", rows), "2pl", "f")
    assert result.returncode == 1, result.stderr
    problems = {row["item_id"]: row["problem"] for row in read_csv(items)}
    assert "perfect separation" in problems["q0"]
    assert "warning: item 'q0': perfect separation" in result.stderr
    with items.open(newline="") as handle:
        assert next(csv.reader(handle))[-1] == "problem"
