"""Render the documented pages in headless Chromium and save them as PNG files here.

    python docs/screenshots/capture.py

Needs the test extra (Playwright) and Debian's chromium; Chinese text needs a CJK font
(Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "screenshot passphrase"
PRACTICE_SHOTS = (("object_detection", "bbox"), ("named_entities", "spans"))


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        os.environ["TALENTPOOL_INSTANCE"] = folder
        from talentpool.accounts.service import create_user
        from talentpool.app import create_app
        from talentpool.assessment.service import DEFAULT_EXAMS, import_path
        from talentpool.auth import Role
        from talentpool.extensions import db

        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/shots.db"})
        with app.app_context():
            db.create_all()
            import_path(DEFAULT_EXAMS)
            create_user("trainee@example.org", "王小明", PASSWORD, Role.TRAINEE)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for locale, button in (("zh_CN", "中文"), ("en", "English")):
                page = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
                page.goto(base + "/")
                page.get_by_role("button", name=button).click()
                page.screenshot(path=HERE / f"landing-{locale}.png", full_page=True)
                page.goto(base + "/accounts/login")
                page.locator("#email").fill("trainee@example.org")
                page.locator("#password").fill(PASSWORD)
                page.locator("main form button[type=submit]").click()
                page.wait_for_url(base + "/home")
                page.screenshot(path=HERE / f"trainee-home-{locale}.png", full_page=True)
                for track, name in PRACTICE_SHOTS:
                    page.goto(f"{base}/practice/tracks/{track}")
                    page.wait_for_selector("#task .task-ui")
                    page.screenshot(path=HERE / f"practice-{name}-{locale}.png", full_page=True)
                    page.locator("#task-submit").click()
                    page.wait_for_selector("#task-result:not([hidden])")
                    page.evaluate("window.scrollTo(0, 0)")
                    page.screenshot(path=HERE / f"feedback-{name}-{locale}.png", full_page=True)
                page.context.close()
            browser.close()
        server.shutdown()
    print("screenshots written to", HERE)


if __name__ == "__main__":
    main()
