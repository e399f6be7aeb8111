// Exam page controller: mounts the item's task module, shows the server's remaining time,
// saves the answer with the page's sequence number and loads whatever the server says is next.
(function () {
  "use strict";

  function readJSON(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function startClock() {
    const clock = document.getElementById("exam-clock");
    let remaining = parseInt(clock.dataset.remaining, 10);
    const started = Date.now();
    function tick() {
      const left = Math.max(0, remaining - Math.floor((Date.now() - started) / 1000));
      clock.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      clock.classList.toggle("is-low", left < 300);
      if (left === 0) { window.location.reload(); return; }
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  function start() {
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

    async function send() {
      submit.disabled = true;
      errorBox.hidden = true;
      const reply = await window.talentpool.postJSON(section.dataset.answerUrl,
                                                     { answer: controller.getAnswer() });
      if (reply.ok) { window.location.assign(reply.data.next_url); return; }
      errorBox.textContent = (reply.data && reply.data.error) || ("HTTP " + reply.status);
      errorBox.hidden = false;
      submit.disabled = reply.status === 409 || reply.status === 410;
    }

    submit.addEventListener("click", send);
    document.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && !submit.disabled) {
        event.preventDefault();
        send();
      }
    });
    startClock();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
