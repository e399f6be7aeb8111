"""Two real talentpool instances, each served on its own port, recognise each other's
certificates through did:web and their status lists; a revocation on one is seen by the other."""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

from talentpool.accounts.service import create_user, find_user_by_email
from talentpool.app import create_app
from talentpool.auth import Role
from talentpool.certification.did import issuer_did
from talentpool.certification.service import issue_certificate
from talentpool.certification.status_changes import revoke
from talentpool.extensions import db
from talentpool.recognition import service, trust
from tests.conftest import PASSWORD, AuthActions, csrf_from, make_organisation

PERSON = "pat@example.org"


@contextmanager
def running_instance(folder):
    """A talentpool app on its own SQLite database and instance folder, served on a free port."""
    folder.mkdir()
    app = create_app({
        "TESTING": True, "SECRET_KEY": f"test-{folder.name}",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'talentpool.db'}",
        "INSTANCE_PATH": str(folder / "instance"), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "DID_WEB_HTTP_HOSTS": ["127.0.0.1"]})
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def setup_instance(app, levels: tuple[int, ...]) -> tuple[str, dict[int, str]]:
    """The instance's issuer DID, and the serials it issued to PERSON by level."""
    with app.app_context():
        organisation = make_organisation(f"centre-{app.config['PUBLIC_BASE_URL'].rsplit(':', 1)[1]}",
                                         "Skills Evaluation Centre")
        user = create_user(PERSON, "Pat Lee", PASSWORD, Role.TRAINEE)
        serials = {level: issue_certificate(user, level, 85, 80,
                                            organisation=organisation).serial
                   for level in levels}
        return issuer_did(organisation), serials


def import_through_page(app, credential: bytes):
    client = app.test_client()
    AuthActions(client).login(PERSON)
    page = client.get("/recognition/")
    reply = client.post("/recognition/import", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)),
        "credential": (io.BytesIO(credential), "credential.json")},
        content_type="multipart/form-data")
    return reply, client


def download(app, serial: str) -> bytes:
    client = app.test_client()
    AuthActions(client).login(PERSON)
    reply = client.get(f"/certificates/{serial}.json")
    assert reply.status_code == 200
    return reply.data


def levels_of_person(app) -> set[int]:
    with app.app_context():
        return service.held_levels(find_user_by_email(PERSON).id)


def test_two_instances_recognise_each_other_and_see_revocations(tmp_path, monkeypatch):
    monkeypatch.setenv("TALENTPOOL_INSTANCE", str(tmp_path / "default-instance"))
    with running_instance(tmp_path / "north") as north, \
            running_instance(tmp_path / "south") as south:
        north_did, north_serials = setup_instance(north, (5, 4))
        south_did, south_serials = setup_instance(south, (3,))
        assert north_did != south_did
        with north.app_context():
            trust.add_entry(south_did, "South Skills Centre", "3,4,5")
        with south.app_context():
            trust.add_entry(north_did, "North Skills Centre", "3,4,5")

        reply, _client = import_through_page(south, download(north, north_serials[5]))
        assert reply.status_code == 302, reply.get_data(as_text=True)
        reply, _client = import_through_page(north, download(south, south_serials[3]))
        assert reply.status_code == 302, reply.get_data(as_text=True)
        assert levels_of_person(south) == {3, 5}
        assert levels_of_person(north) == {3, 4, 5}
        page = _client.get("/recognition/").get_data(as_text=True)
        assert f"signature via did:web {south_did}, status list checked" in page

        # A certificate revoked before import is refused as revoked ...
        with north.app_context():
            revoke(north_serials[4], "issued in error")
        reply, _client = import_through_page(south, download(north, north_serials[4]))
        assert reply.status_code == 422
        assert "撤销" in reply.get_data(as_text=True) or "revoked" in reply.get_data(as_text=True)
        # ... and one revoked after import stops counting at the next re-check.
        with north.app_context():
            revoke(north_serials[5], "exam irregularity")
        result = south.test_cli_runner().invoke(args=["trust", "recheck"])
        assert "revoked" in result.output, result.output
        assert levels_of_person(south) == {3}
        # Importing the credential of this instance itself is pointless and refused.
        reply, _client = import_through_page(north, download(north, north_serials[5]))
        assert reply.status_code == 422 and "由本站颁发" in reply.get_data(as_text=True)
