"""Files with a written answer: checked by content, listed in the answer, and downloadable
only by the raters assigned to it."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from openpyxl import Workbook

from talentpool.accounts.models import User
from talentpool.assessment import exam
from talentpool.assessment.models import ExamAttempt, Item
from talentpool.extensions import db
from talentpool.rating import service as rating
from talentpool.rating.answer_files import file_type
from tests.conftest import csrf_from
from tests.rating.test_rating import assignments, level3, sit  # noqa: F401  (fixture)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def xlsx() -> bytes:
    book = Workbook()
    book.active.append(["text", "gold", "model"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_types_are_judged_by_content():
    assert file_type(PDF) == "pdf"
    assert file_type(xlsx()) == "xlsx"
    assert file_type("文本,标签\n好,正面\n".encode("gb18030")) == "csv"
    assert file_type(b"\x89PNG\r\n\x1a\n....") == "png"
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("a.txt", "x")
    assert file_type(plain_zip.getvalue()) is None  # a ZIP that is not a workbook
    assert file_type(b"MZ\x90\x00\x03") is None  # an executable


def at_written_task(app, level3) -> str:
    """Sit up to the first written task; the attempt's public id."""
    with app.test_request_context():
        return sit(level3["candidate"], level3["session"], written=()).public_id


def test_a_file_is_added_listed_and_kept_with_the_answer(app, client, auth, level3):
    public_id = at_written_task(app, level3)
    auth.login("cand@example.org")
    page = client.get(f"/exams/attempts/{public_id}").get_data(as_text=True)
    token = csrf_from(page)
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    wrong = client.post(f"/exams/attempts/{public_id}/files", headers=headers,
                        data={"file": (io.BytesIO(b"MZ\x90\x00"), "plan.pdf")})
    assert wrong.status_code == 400 and "not a PDF / XLSX / CSV / PNG / JPEG file" in wrong.json["error"]
    renamed = client.post(f"/exams/attempts/{public_id}/files", headers=headers,
                          data={"file": (io.BytesIO(PDF), "plan.xlsx")})
    assert renamed.status_code == 400 and "rename it to end in .pdf" in renamed.json["error"]
    added = client.post(f"/exams/attempts/{public_id}/files", headers=headers,
                        data={"file": (io.BytesIO(PDF), "测试报告.pdf")})
    assert added.status_code == 200
    entry = added.json["file"]
    assert (entry["name"], entry["type"], entry["bytes"]) == ("测试报告.pdf", "pdf", len(PDF))
    # The example task takes one file: a second is refused until the first is removed.
    second = client.post(f"/exams/attempts/{public_id}/files", headers=headers,
                         data={"file": (io.BytesIO(xlsx()), "matrix.xlsx")})
    assert second.status_code == 400 and "at most 1 file" in second.json["error"]
    assert client.get(f"/exams/attempts/{public_id}/files").json["files"] == [entry]
    # An answer may list only what was uploaded for this task.
    with app.test_request_context():
        attempt = db.session.scalar(db.select(ExamAttempt).where(
            ExamAttempt.public_id == public_id))
        forged = {**entry, "id": "someone-elses"}
        with pytest.raises(exam.ExamError, match="was not uploaded with this task"):
            exam.submit_answer(attempt, attempt.sequence, {"text": "报告", "files": [forged]})
    sequence = page.split("sequence=")[1].split('"')[0]
    answered = client.post(f"/exams/attempts/{public_id}/answer?sequence={sequence}",
                           headers=headers, data=json.dumps(
                               {"answer": {"text": "见附件", "files": [entry]}}),
                           content_type="application/json")
    assert answered.status_code == 200, answered.json
    with app.app_context():
        attempt = db.session.scalar(db.select(ExamAttempt).where(
            ExamAttempt.public_id == public_id))
        assert db.session.get(Item, attempt.current_item_id).type_id == "rubric"


def test_only_an_assigned_rater_downloads_the_file(app, client, auth, level3):
    public_id = at_written_task(app, level3)
    with app.test_request_context():
        attempt = db.session.scalar(db.select(ExamAttempt).where(
            ExamAttempt.public_id == public_id))
        from talentpool.rating.answer_files import listing, upload

        entry = listing(upload(attempt, "报告.pdf", PDF))
        attempt = exam.submit_answer(attempt, attempt.sequence, {"text": "见附件",
                                                                 "files": [entry]})
        attempt = exam.submit_answer(attempt, attempt.sequence, {"text": "第二题", "files": []})
        task = rating.tasks_of_attempt(attempt.id)[0]
        mine = assignments(task)[0]
        rater = db.session.get(User, mine.rater_id).email
        outsider = next(db.session.get(User, r).email for r in level3["raters"]
                        if r not in {a.rater_id for a in assignments(task)})
        assignment_id = mine.public_id
    url = f"/rating/answers/{assignment_id}/files/{entry['id']}"
    auth.login(rater)
    assert entry["name"] in client.get(f"/rating/answers/{assignment_id}").get_data(as_text=True)
    got = client.get(url)
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Cache-Control"] == "private, no-store"
    assert "attachment" in got.headers["Content-Disposition"]
    auth.logout()
    auth.login(outsider)
    assert client.get(url).status_code == 404


def multipart(name: str, data: bytes) -> dict:
    """A file upload body built in memory (the test client would spool a large one to a
    temporary file that it never closes)."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import stream_encode_multipart

    stream, length, boundary = stream_encode_multipart(
        {"file": FileStorage(io.BytesIO(data), filename=name)}, use_tempfile=False)
    return {"input_stream": stream, "content_length": length,
            "content_type": f"multipart/form-data; boundary={boundary}"}


def test_a_file_up_to_the_rating_limit_passes_the_app_wide_request_limit(app, client, auth,
                                                                        level3):
    """MAX_CONTENT_LENGTH (2 MB by default) guards every other form; an answer file may be as
    large as RATING_FILE_MAX_BYTES, and a larger one is told the limit."""
    app.config["RATING_FILE_MAX_BYTES"] = 4 * 1048576
    public_id = at_written_task(app, level3)
    auth.login("cand@example.org")
    page = client.get(f"/exams/attempts/{public_id}").get_data(as_text=True)
    headers = {"X-CSRFToken": csrf_from(page), "Accept": "application/json"}
    large = PDF + b"%" + b"x" * (3 * 1048576)  # 3 MB: over the app-wide limit
    added = client.post(f"/exams/attempts/{public_id}/files", headers=headers,
                        **multipart("report.pdf", large))
    assert added.status_code == 200, added.get_data(as_text=True)
    assert added.json["file"]["bytes"] == len(large)
    too_large = client.post(f"/exams/attempts/{public_id}/files", headers=headers,
                            **multipart("twice.pdf", large * 2))
    assert too_large.status_code == 413 and "4 MB" in too_large.json["error"]
