"""Generate the written-work pack (levels 3, 2 and 1) from data/written_work.yaml.

Each source task becomes one ``rubric`` item, numbered in file order (``ww-001`` …): append new
tasks at the end so published ids keep their content. Every item is an exam item (written
work is scored by examiners and never shown in practice), so ``assign_uses`` is not used.

Source fields of a task: ``element``, ``level`` (3, 2 or 1), ``tags``, ``files`` (uploads
allowed, default 1), ``prompt``, ``materials`` (``title`` and Markdown ``text``, ids m1, m2 …
in order), ``criteria`` (``id``, ``title``, ``levels`` of ``points``/``zh``/``en``),
``notes`` (the raters' marking notes, written to ``gold.notes``), ``explanation`` and
``checks``. ``checks`` never reach the pack: they recompute from the materials every figure
the notes quote and stop the script when one disagrees, so data and notes cannot drift apart:

- ``table``: a Markdown table of a material (its zh text; the en table must have the same rows
  and, in the ``translate`` columns, the same values mapped through ``labels``), scored as gold
  vs prediction (``gold``/``pred`` columns; optional ``score`` column with ``threshold`` and
  further ``thresholds``, ``subsets`` of rows, an ``ok`` class for the miss and false-reject
  rates of an inspection), or compared with a ``reference`` label per row (``—`` where the
  specification does not decide; ``causes`` names the kind of every wrong row; ``by`` the
  annotator column), or audited against the box rules of ``boxes``;
- ``figures``: arithmetic on the volumes the materials give (``expr`` with + − × ÷, ``ceil``,
  ``sqrt``, ``binom_cdf(k, n, p)``), each with its ``value``.

Every expected value must also appear in both languages of the notes: by default integers
with thousands separators, other numbers to the decimals the source writes, id lists joined
with 、 (zh) or ", " (en); or as ``show`` (both languages) or ``zh``/``en``, which must contain
the value itself or as a percentage (``0.975`` → ``97.5%``).

    python exams/_generators/gen_written_work.py           # write exams/written-work
    python exams/_generators/gen_written_work.py --show    # print every computed figure
"""

from __future__ import annotations

import argparse
import ast
import math
import operator
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from common import EXAM, item, lm, write_pack

PACK = "written-work"
SOURCE = Path(__file__).parent / "data" / "written_work.yaml"
LEVELS = (3, 2, 1)
TOTAL_POINTS = 20  # every task weighs the same
GAP = "—"  # reference label of a row the specification does not decide
MAX_ANSWER_CHARS = 20_000
ELEMENTS = Path(__file__).resolve().parent.parent / "elements.yaml"


# --- figures ---------------------------------------------------------------------------------

def binom_cdf(k: int, n: int, p: float) -> float:
    """P(X ≤ k) for X ~ Binomial(n, p)."""
    return sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(int(k) + 1))


FUNCTIONS = {"ceil": math.ceil, "floor": math.floor, "sqrt": math.sqrt, "round": round,
             "min": min, "max": max, "binom_cdf": binom_cdf}
OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
             ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Pow: operator.pow}


def evaluate(expr: str) -> float:
    """Evaluate arithmetic on numbers and the functions above (nothing else is allowed)."""

    def walk(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            return OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in FUNCTIONS and not node.keywords):
            return FUNCTIONS[node.func.id](*(walk(arg) for arg in node.args))
        raise ValueError(f"not allowed in a figure: {ast.dump(node)}")

    return walk(ast.parse(expr, mode="eval"))


def same(computed: Any, expected: Any) -> bool:
    """Equal; a float to the decimals the expected value is written with."""
    if isinstance(expected, list):
        return list(computed) == expected
    if isinstance(expected, int):
        return abs(computed - expected) < 1e-9
    decimals = len(repr(expected).split(".")[1]) if "." in repr(expected) else 0
    return abs(computed - expected) <= 0.5 * 10 ** -decimals + 1e-12


def quoted(value: Any, language: str) -> str:
    """How the notes write a value by default: ids joined, integers with thousands
    separators, other numbers to the decimals written in the source (2666.7 → 2,666.7)."""
    if isinstance(value, list):
        return ("、" if language == "zh" else ", ").join(str(v) for v in value)
    if isinstance(value, int):
        return f"{value:,}"
    decimals = len(repr(value).split(".")[1]) if "." in repr(value) else 0
    return f"{value:,.{decimals}f}"


def expectation(want: Any) -> tuple[Any, dict[str, str] | None]:
    """An expected value and, when given, how each language writes it: a bare value, or
    ``{value, show}`` (the same string in both languages) or ``{value, zh, en}``."""
    if isinstance(want, dict):
        if set(want) == {"value"}:
            return want["value"], None
        if "show" in want:
            return want["value"], {"zh": want["show"], "en": want["show"]}
        return want["value"], {"zh": want["zh"], "en": want["en"]}
    return want, None


# --- Markdown tables -------------------------------------------------------------------------

def tables(markdown: str) -> list[list[list[str]]]:
    """Every Markdown table of a text: rows of cells, header first, separator row dropped."""
    found, current = [], []
    for line in markdown.splitlines() + [""]:
        if line.strip().startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not all(set(cell) <= set("-: ") for cell in cells):
                current.append(cells)
        elif current:
            found.append(current)
            current = []
    return found


def table_rows(text: str, first_column: str) -> list[dict[str, str]]:
    """The rows of the (only) table whose first header cell is ``first_column``."""
    matching = [t for t in tables(text) if t[0][0] == first_column]
    assert len(matching) == 1, f"expected one table starting with {first_column!r}"
    header, *rows = matching[0]
    assert all(len(row) == len(header) for row in rows), f"ragged table {first_column!r}"
    return [dict(zip(header, row, strict=True)) for row in rows]


def check_translation(zh_rows: list[dict[str, str]], en_rows: list[dict[str, str]],
                      columns: dict[str, str], labels: dict[str, str]) -> None:
    """The en table has the same rows, and the checked columns say the same thing."""
    assert len(zh_rows) == len(en_rows), "zh and en tables differ in length"
    for zh_row, en_row in zip(zh_rows, en_rows, strict=True):
        for zh_col, en_col in columns.items():
            zh_value = zh_row[zh_col]
            assert labels.get(zh_value, zh_value) == en_row[en_col], (zh_row, en_row[en_col])


def confusion_figures(rows: list[dict[str, str]], gold: str, pred: list[str],
                      labels: list[str], prefix: str = "") -> dict[str, Any]:
    counts = Counter((row[gold], p) for row, p in zip(rows, pred, strict=True))
    out: dict[str, Any] = {f"{prefix}n": len(rows)}
    right = sum(counts[(label, label)] for label in labels)
    out[f"{prefix}correct"] = right
    out[f"{prefix}accuracy"] = right / len(rows)
    f1s = []
    for g in labels:
        for p in labels:
            out[f"{prefix}cm.{g}.{p}"] = counts[(g, p)]
        tp = counts[(g, g)]
        predicted = sum(counts[(x, g)] for x in labels)
        actual = sum(counts[(g, x)] for x in labels)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * tp / (predicted + actual) if predicted + actual else 0.0
        out.update({f"{prefix}{g}.tp": tp, f"{prefix}{g}.fp": predicted - tp,
                    f"{prefix}{g}.fn": actual - tp, f"{prefix}{g}.support": actual,
                    f"{prefix}{g}.predicted": predicted, f"{prefix}{g}.precision": precision,
                    f"{prefix}{g}.recall": recall, f"{prefix}{g}.f1": f1})
        f1s.append(f1)
    out[f"{prefix}macro_f1"] = sum(f1s) / len(f1s)
    return out


def matches(row: dict[str, str], condition: dict[str, str]) -> bool:
    return all(row[col] != want[1:] if want.startswith("!") else row[col] == want
               for col, want in condition.items())


def box_problems(rows: list[dict[str, str]], rules: dict[str, Any]) -> dict[str, list[str]]:
    """Rows breaking each checkable box rule of the audit task's specification excerpt."""
    c = rules["columns"]
    width, height = rules["width"], rules["height"]
    found: dict[str, list[str]] = {"small": [], "truncated": [], "occlusion": [], "bounds": []}
    for row in rows:
        x, y, w, h = (int(row[c[k]]) for k in ("x", "y", "w", "h"))
        label = row[c["label"]]
        too_small = (label in rules["people"] and h < rules["min_person_h"]) or \
                    (label in rules["vehicles"] and min(w, h) < rules["min_vehicle_side"])
        if too_small:
            found["small"].append(row[c["id"]])
        if label == rules["ignore"]:
            continue
        touches = x <= 0 or y <= 0 or x + w >= width or y + h >= height
        if (row[c["truncated"]] == rules["yes"]) != touches:
            found["truncated"].append(row[c["id"]])
        ratio = int(row[c["ratio"]].rstrip("%"))
        level = next(name for limit, name in rules["occlusion_levels"] if ratio <= limit)
        if row[c["occlusion"]] != level:
            found["occlusion"].append(row[c["id"]])
        if x < 0 or y < 0 or x + w > width or y + h > height:
            found["bounds"].append(row[c["id"]])
    return found


def table_figures(check: dict[str, Any], materials: list[dict[str, Any]]) -> dict[str, Any]:
    material = materials[int(check["material"].lstrip("m")) - 1]["text"]
    zh_rows = table_rows(material["zh"], check["first"][0])
    en_rows = table_rows(material["en"], check["first"][1])
    check_translation(zh_rows, en_rows, check.get("translate", {}), check.get("labels", {}))
    out: dict[str, Any] = {}
    if "pred" in check:
        labels = check["classes"]
        gold, pred = check["gold"], check["pred"]
        assert all(row[gold] in labels and row[pred] in labels for row in zh_rows)
        out.update(confusion_figures(zh_rows, gold, [row[pred] for row in zh_rows], labels))
        if "ok" in check:  # inspection view: every class but ``ok`` is a defect
            ok = check["ok"]
            defects = [row for row in zh_rows if row[gold] != ok]
            good = [row for row in zh_rows if row[gold] == ok]
            out["miss_rate"] = sum(row[pred] == ok for row in defects) / len(defects)
            out["false_reject_rate"] = sum(row[pred] != ok for row in good) / len(good)
        if "score" in check:  # prediction = positive class when score ≥ threshold
            positive, negative = check["positive"], [x for x in labels if x != check["positive"]]
            assert len(negative) == 1

            def at(threshold: float) -> list[str]:
                return [positive if float(row[check["score"]]) >= threshold else negative[0]
                        for row in zh_rows]

            assert at(check["threshold"]) == [row[pred] for row in zh_rows], "pred ≠ score rule"
            for threshold in check.get("thresholds", []):
                out.update(confusion_figures(zh_rows, gold, at(threshold), labels,
                                             prefix=f"t{threshold}."))
        for name, condition in check.get("subsets", {}).items():
            part = [row for row in zh_rows if matches(row, condition)]
            out.update(confusion_figures(part, gold, [row[pred] for row in part], labels,
                                         prefix=f"{name}."))
            out[f"{name}.errors"] = out[f"{name}.n"] - out[f"{name}.correct"]
    if "reference" in check:
        ids = [row[check["id"]] for row in zh_rows]
        assert sorted(check["reference"]) == sorted(ids), "reference must list every row"
        reference = check["reference"]
        gap = [i for i in ids if reference[i] == GAP]  # the specification does not decide
        wrong = [row[check["id"]] for row in zh_rows if reference[row[check["id"]]] != GAP
                 and row[check["label"]] != reference[row[check["id"]]]]
        out.update({"wrong": len(wrong), "wrong_ids": wrong, "gap": len(gap), "gap_ids": gap,
                    "decidable": len(ids) - len(gap),
                    "accuracy": 1 - len(wrong) / (len(ids) - len(gap))})
        causes = check["causes"]
        assert sorted(causes) == sorted(wrong), f"causes must name exactly the wrong rows {wrong}"
        for cause, count in Counter(causes.values()).items():
            out[f"cause.{cause}"] = count
            out[f"cause.{cause}.ids"] = [i for i in wrong if causes[i] == cause]
        by = check["by"]
        for person in sorted({row[by] for row in zh_rows}):
            own = [row for row in zh_rows if row[by] == person]
            out[f"{person}.n"] = len(own)
            out[f"{person}.wrong"] = sum(row[check["id"]] in wrong for row in own)
    if "boxes" in check:
        problems = box_problems(zh_rows, check["boxes"])
        for rule, ids in problems.items():
            out[f"{rule}.ids"] = ids
            out[rule] = len(ids)
        broken = {i for ids in problems.values() for i in ids}
        out["n"] = len(zh_rows)
        out["broken"] = len(broken)
        key = check["boxes"]["columns"]["id"]
        for person in sorted({row[check["by"]] for row in zh_rows}):
            out[f"{person}.broken"] = sum(row[key] in broken for row in zh_rows
                                          if row[check["by"]] == person)
    return out


def run_checks(task: dict[str, Any], number: int, show: bool) -> None:
    label = f"ww-{number:03d}"
    for check in task.get("checks", []):
        if check["kind"] == "table":
            computed = table_figures(check, task["materials"])
            expected = check["expect"]
        elif check["kind"] == "figures":
            computed = {entry["name"]: evaluate(entry["expr"]) for entry in check["items"]}
            expected = {entry["name"]: {k: v for k, v in entry.items() if k not in ("name", "expr")}
                        for entry in check["items"]}
        else:
            raise ValueError(f"{label}: unknown check {check['kind']}")
        if show:
            for name, value in computed.items():
                print(f"{label} {name} = {value}")
        for name, want in expected.items():
            value, written = expectation(want)
            assert name in computed, f"{label}: nothing computed as {name}"
            assert same(computed[name], value), \
                f"{label}: {name} is {computed[name]}, the notes say {value}"
            for language in ("zh", "en"):
                text = written[language] if written else quoted(value, language)
                forms = [quoted(value, language)]
                if isinstance(value, float):
                    forms += [f"{value * 100:g}%", f"{value * 100:.1f}%"]
                assert any(form in text for form in forms), \
                    f"{label}: {name} is written {text!r}, which does not show {value}"
                assert text in task["notes"][language], \
                    f"{label}: {name} = {text!r} is not in the {language} notes"


# --- items -----------------------------------------------------------------------------------

def localised(entry: dict[str, Any]) -> dict[str, str]:
    """The {zh, en} of a source entry; anything else in it (e.g. the tail of an unquoted
    English text with a comma in a YAML flow mapping) is a mistake."""
    assert set(entry) <= {"zh", "en", "points"}, f"unexpected keys {set(entry)} in {entry}"
    return lm(entry["zh"].strip(), entry["en"].strip())


def build_item(number: int, task: dict[str, Any], elements: set[str]) -> dict[str, Any]:
    label = f"ww-{number:03d}"
    assert task["element"] in elements, (label, task["element"])
    assert task["level"] in LEVELS, label
    materials = [{"id": f"m{i}", "title": localised(m["title"]), "text": localised(m["text"])}
                 for i, m in enumerate(task["materials"], start=1)]
    assert 1 <= len(materials) <= 4, label
    criteria = []
    for criterion in task["criteria"]:
        levels = [{"points": level["points"], "text": localised(level)}
                  for level in criterion["levels"]]
        points = [level["points"] for level in levels]
        assert 3 <= len(levels) <= 5 and points[0] == 0, (label, criterion["id"])
        assert all(a < b for a, b in zip(points, points[1:])), (label, criterion["id"])
        criteria.append({"id": criterion["id"], "title": localised(criterion["title"]),
                         "levels": levels})
    assert 4 <= len(criteria) <= 6, label
    total = sum(c["levels"][-1]["points"] for c in criteria)
    assert total == TOTAL_POINTS, f"{label}: criteria top levels sum to {total}"
    spec = {"materials": materials,
            "answer": {"text": True, "max_chars": MAX_ANSWER_CHARS, "files": task.get("files", 1)},
            "rubric": {"criteria": criteria}}
    tags = ["written", f"level-{task['level']}", *task["tags"]]
    return item(label, "rubric", localised(task["prompt"]), spec,
                {"notes": localised(task["notes"])}, localised(task["explanation"]),
                task["element"], tags, levels=[task["level"]], use=EXAM)


def build(show: bool = False) -> list[dict[str, Any]]:
    elements = {e["code"] for e in yaml.safe_load(ELEMENTS.read_text("utf-8"))["elements"]
                if e["part"] == "practical"}
    tasks = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))["tasks"]
    items = []
    for number, task in enumerate(tasks, start=1):
        run_checks(task, number, show)
        items.append(build_item(number, task, elements))
    per_code = Counter((entry["levels"][0], entry["element"]) for entry in items)
    order = sorted(per_code, key=lambda k: (-k[0], [int(p) for p in k[1][1:].split(".")]))
    print(", ".join(f"{code} (level {level}): {per_code[(level, code)]}" for level, code in order))
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every computed figure")
    args = parser.parse_args()
    items = build(args.show)
    write_pack(
        PACK,
        lm("书面实操任务（三级至一级）", "Written practical tasks (levels 3 to 1)"),
        lm("人工智能训练师（数据标注员）三级、二级、一级技能考核的书面实操任务，"
           "由考评员按评分表评分：编写标注规范、设计标注流程与质检抽样、"
           "模型测试与测试报告、五级标注员培训计划（三级）；多团队质量管理方案、"
           "标注审计与改进方案（二级）；标注指南或标准提案、项目计划与风险评估（一级）。",
           "Written practical tasks of levels 3, 2 and 1 of the AI trainer (data annotator), "
           "scored by examiners against marking sheets: a labeling specification, a labeling "
           "workflow with QA sampling, a model test report and a training plan for level-5 "
           "annotators (level 3); a quality-management plan for a multi-team project and a "
           "label audit with an improvement plan (level 2); a guideline or standard proposal "
           "and a project plan with a risk assessment (level 1)."),
        "written_work",
        items,
        version=1,
        levels=list(LEVELS),
    )


if __name__ == "__main__":
    main()
