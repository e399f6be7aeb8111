// Adds the page's CSRF token to every same-origin state-changing fetch().
// Task-type UIs call window.talentpool.postJSON(url, body), which goes through this.
(function () {
  "use strict";
  const meta = document.querySelector('meta[name="csrf-token"]');
  const token = meta ? meta.getAttribute("content") : "";

  async function postJSON(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body),
    });
    let payload = null;
    try { payload = await response.json(); } catch (_) { payload = null; }
    const retryAfter = parseInt(response.headers.get("Retry-After") || "", 10);
    return { ok: response.ok, status: response.status, data: payload,
             retryAfter: Number.isFinite(retryAfter) ? retryAfter : null };
  }

  window.talentpool = Object.assign(window.talentpool || {}, { csrfToken: token, postJSON });
})();
