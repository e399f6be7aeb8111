// Practice page controller: mounts the item's task module, submits the answer as JSON,
// then lets the module draw the feedback and shows the score and explanation.
// An empty answer is not sent: the page says what to do (the server refuses it as well).
// After the feedback the trainee may try the same item again or go on; before it, skip.
(function () {
  "use strict";

  function readJSON(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  const byId = (id) => document.getElementById(id);

  function showResult(data) {
    const percent = Math.round(100 * data.score);
    byId("task-score").textContent = percent + "%";
    const category = byId("task-category");
    category.textContent = category.dataset.template
      .replace("{c}", data.category).replace("{m}", data.max_category);
    byId("task-explanation").textContent = data.explanation || "";
    byId("task-retry-note").hidden = !data.retry;
    const result = byId("task-result");
    result.hidden = false;
    result.classList.toggle("is-full", data.category === data.max_category);
    result.classList.toggle("is-zero", data.score === 0);
    byId("task-next").hidden = false;
  }

  // A retry starts from a clean task: no score, no explanation, no gold left on the page.
  function clearResult() {
    byId("task-result").hidden = true;
    ["task-score", "task-category", "task-explanation"].forEach((id) => { byId(id).textContent = ""; });
    byId("task-retry-note").hidden = true;
  }

  function firstControl(root) {
    return root.querySelector('input:not([disabled]), textarea, [tabindex="0"], button:not([disabled])');
  }

  function start() {
    const section = byId("task");
    if (!section) return;
    const tp = window.talentpool;
    const module = (tp.tasks || {})[section.dataset.type];
    const assets = readJSON("task-assets") || {};
    const ctx = {
      locale: document.documentElement.lang === "en" ? "en" : "zh_CN",
      assetUrl: (path) => assets[path] || "",
    };
    const root = section.querySelector(".task-ui");
    const controller = module.mount(root, readJSON("task-spec"), ctx);
    const past = readJSON("task-past");

    if (past) {
      if (controller.setAnswer) controller.setAnswer(past.answer);
      controller.showFeedback(past.feedback, past);
      showResult(past);
      return;
    }

    const errorBox = byId("task-error");
    const submit = byId("task-submit");
    const retry = byId("task-retry");
    const next = byId("task-next");
    const skip = byId("task-skip");
    const status = byId("task-status");
    const warning = byId("task-warning");
    const nothing = byId("task-nothing");
    let startedAt = Date.now();

    function warn(text) {
      byId("task-warning-text").textContent = text || "";
      warning.classList.toggle("flash", Boolean(text));
      warning.classList.toggle("flash-warning", Boolean(text));
      if (nothing) nothing.hidden = !text;
    }

    async function send(nothingToMark) {
      errorBox.hidden = true;
      status.textContent = "";
      const answer = controller.getAnswer();
      if (!nothingToMark && tp.taskkit.isEmptyAnswer(answer)) {
        warn(section.dataset.emptyMessage);
        return;
      }
      warn("");
      submit.disabled = true;
      const body = { answer, duration_ms: Math.min(Date.now() - startedAt, 86400000) };
      if (nothingToMark) body.nothing_to_mark = true;
      let reply;
      try {
        reply = await tp.postJSON(section.dataset.answerUrl, body);
      } catch (_) {
        reply = { ok: false, status: 0, data: null };
      }
      submit.disabled = false;
      if (!reply.ok) {
        if (reply.data && reply.data.empty) {
          warn(reply.data.error);
          return;
        }
        errorBox.textContent = (reply.data && reply.data.error) || ("HTTP " + reply.status);
        errorBox.hidden = false;
        return;
      }
      controller.showFeedback(reply.data.feedback, reply.data);
      showResult(reply.data);
      if (reply.data.next_url) next.href = reply.data.next_url; // chosen by the server already
      submit.hidden = true;
      skip.hidden = true;
      retry.hidden = false;
      next.focus();
    }

    function tryAgain() {
      controller.reset();
      clearResult();
      submit.hidden = false;
      skip.hidden = false;
      retry.hidden = true;
      next.hidden = true;
      startedAt = Date.now();
      status.textContent = section.dataset.retryMessage;
      (firstControl(root) || submit).focus();
    }

    submit.addEventListener("click", () => send(false));
    if (nothing) nothing.addEventListener("click", () => send(true));
    retry.addEventListener("click", tryAgain);
    document.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && !submit.hidden && !submit.disabled) {
        event.preventDefault();
        send(false);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
