// Exam page controller: mounts the item's task module, shows the server's remaining time,
// saves the answer with the page's sequence number and shows whatever the server says is next.
// Within a part the answer's reply carries the next question's markup, which replaces the item
// in place (one request per answer); a new part, the end of the exam or a task type whose
// module this page has not loaded makes the page load the attempt's URL instead.
(function () {
  "use strict";

  // A busy server (429, 503) or a lost connection: wait and send the same answer again, up to
  // MAX_TRIES times. The sequence number in the URL makes a resend safe: the server stores the
  // answer once, and refuses a resend of an answer it already has (409), whereupon the page
  // loads whatever the server says is current.
  const MAX_TRIES = 6;
  let clockTimer = null;
  let current = null; // { submit, send } of the item on the page

  function readJSON(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function wait(seconds) {
    return new Promise((resolve) => window.setTimeout(resolve, seconds * 1000));
  }

  function startClock() {
    const clock = document.getElementById("exam-clock");
    if (clockTimer !== null) window.clearTimeout(clockTimer);
    const remaining = parseInt(clock.dataset.remaining, 10);
    const started = Date.now();
    function tick() {
      const left = Math.max(0, remaining - Math.floor((Date.now() - started) / 1000));
      clock.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      clock.classList.toggle("is-low", left < 300);
      if (left === 0) { window.location.reload(); return; }
      clockTimer = window.setTimeout(tick, 1000);
    }
    tick();
  }

  function showNext(data) {
    const next = data.item;
    if (!next || !window.talentpool.tasks[next.type]) {
      window.location.assign(data.next_url);
      return;
    }
    // Markup rendered by the server from templates/exams/_item.html, the same as a page load
    // would bring (tests/test_no_inline_code.py allows this one line).
    document.getElementById("exam-item").innerHTML = next.html;
    mountItem();
    window.scrollTo(0, 0);
    const heading = document.querySelector("#task .task-prompt");
    if (heading) heading.focus({ preventScroll: true });
  }

  function mountItem() {
    const section = document.getElementById("task");
    if (!section) return;
    const assets = readJSON("task-assets") || {};
    const module = window.talentpool.tasks[section.dataset.type];
    const controller = module.mount(section.querySelector(".task-ui"), readJSON("task-spec"), {
      locale: document.documentElement.lang === "en" ? "en" : "zh_CN",
      assetUrl: (path) => assets[path] || "",
    });
    const submit = document.getElementById("task-submit");
    const errorBox = document.getElementById("task-error");

    function show(text) {
      errorBox.textContent = text;
      errorBox.hidden = false;
    }

    async function send() {
      submit.disabled = true;
      errorBox.hidden = true;
      const answer = controller.getAnswer();
      for (let attempt = 1; ; attempt++) {
        let reply;
        try {
          reply = await window.talentpool.postJSON(section.dataset.answerUrl, { answer });
        } catch (_) {
          reply = { ok: false, status: 0, data: null, retryAfter: null };
        }
        if (reply.ok) { showNext(reply.data); return; }
        if (reply.status === 409 && attempt > 1) { window.location.reload(); return; }
        const busy = reply.status === 0 || reply.status === 429 || reply.status === 503;
        if (busy && attempt < MAX_TRIES) {
          const seconds = Math.min(30, reply.retryAfter || 2 ** attempt);
          show(section.dataset.busyText.replace("%(seconds)s", String(seconds)));
          await wait(seconds);
          continue;
        }
        show((reply.data && reply.data.error) || ("HTTP " + reply.status));
        submit.disabled = reply.status === 409 || reply.status === 410;
        return;
      }
    }

    submit.addEventListener("click", send);
    current = { submit, send };
    startClock();
  }

  document.addEventListener("keydown", (event) => {
    if (current && (event.ctrlKey || event.metaKey) && event.key === "Enter" && !current.submit.disabled) {
      event.preventDefault();
      current.send();
    }
  });
  document.addEventListener("DOMContentLoaded", mountItem);
})();
