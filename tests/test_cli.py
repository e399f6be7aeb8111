"""The ``talentpool`` command line."""

import os
import subprocess
import sys

from talentpool.accounts import service
from talentpool.auth import Role


def run_cli(tmp_path, *args, input=None, **env):
    environment = {**os.environ, "TALENTPOOL_INSTANCE": str(tmp_path / "instance"), **env}
    environment.pop("DATABASE_URL", None)
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "talentpool", *args], capture_output=True,
                          text=True, env=environment, timeout=120, input=input)


def test_demo_seed_only_migrates_and_prints_a_login_per_role(tmp_path):
    first = run_cli(tmp_path, "demo", "--seed-only")
    assert first.returncode == 0, first.stderr
    for role in Role:
        assert role.value in first.stdout
    assert (tmp_path / "instance" / "talentpool.db").exists()
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0
    second = run_cli(tmp_path, "demo", "--seed-only", "--password", "a fixed demo pass")
    assert second.returncode == 0, second.stderr
    # one per account (two trainees, two administrators)
    assert second.stdout.count("a fixed demo pass") == 6
    assert "written answers wait for the demo rater" in first.stdout
    # the demo administrator imports the shipped packs, the content reviewer approves them
    assert "imported by admin@demo.talentpool.test approved by the demo content reviewer" \
        in first.stdout
    assert "no drafts waiting for review" in second.stdout
    assert "Demo certificate " in second.stdout

    kept = run_cli(tmp_path, "demo", "--seed-only", "--reset", input="n\n")
    assert kept.returncode == 1 and "Aborted" in kept.stderr
    assert "Deleted" not in kept.stdout
    fresh = run_cli(tmp_path, "demo", "--seed-only", "--reset", "--yes")
    assert fresh.returncode == 0, fresh.stderr
    assert "Deleted " in fresh.stdout and "tables of sqlite:///" in fresh.stdout
    # built afresh: the packs are imported and approved again, as on the first run
    assert "imported by admin@demo.talentpool.test approved by the demo content reviewer" \
        in fresh.stdout


def test_db_upgrade_command(tmp_path):
    result = run_cli(tmp_path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    current = run_cli(tmp_path, "db", "current")
    assert "(head)" in current.stdout


def test_create_admin(app, runner):
    result = runner.invoke(args=["create-admin", "--email", "Root@Example.org", "--name", "Root",
                                 "--password", "a long admin passphrase"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert service.find_user_by_email("root@example.org").role is Role.ADMIN


def test_create_admin_weak_password_is_refused_plainly(app, runner):
    result = runner.invoke(args=["create-admin", "--email", "root@example.org", "--name", "Root",
                                 "--password", "short"])
    assert result.exit_code != 0
    assert "10" in result.output and "Traceback" not in result.output


def test_run_job_unknown_name(app, runner):
    result = runner.invoke(args=["run-job", "no-such-job"])
    assert result.exit_code != 0 and "purge-expired-tokens" in result.output


def test_run_job_runs_a_registered_job(app, runner):
    result = runner.invoke(args=["run-job", "purge-expired-tokens"])
    assert result.exit_code == 0 and "purge-expired-tokens: done" in result.output


def test_demo_serves_until_stopped(tmp_path):
    """The README's first command: `talentpool demo` migrates, seeds and answers on its port."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {**os.environ, "TALENTPOOL_INSTANCE": str(tmp_path / "instance")}
    environment.pop("DATABASE_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "talentpool", "demo", "--port", str(port)],
                              env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        deadline = time.monotonic() + 120  # seeding signs ~200 credentials
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "demo server did not start"
                time.sleep(0.3)
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert "trainee@demo.talentpool.test" in output
