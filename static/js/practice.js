// Practice page controller: mounts the item's task module, submits the answer as JSON,
// then lets the module draw the feedback and shows the score and explanation.
(function () {
  "use strict";

  function readJSON(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function showResult(data) {
    const percent = Math.round(100 * data.score);
    document.getElementById("task-score").textContent = percent + "%";
    const category = document.getElementById("task-category");
    category.textContent = category.dataset.template
      .replace("{c}", data.category).replace("{m}", data.max_category);
    document.getElementById("task-explanation").textContent = data.explanation || "";
    const result = document.getElementById("task-result");
    result.hidden = false;
    result.classList.toggle("is-full", data.category === data.max_category);
    result.classList.toggle("is-zero", data.score === 0);
    document.getElementById("task-next").hidden = false;
  }

  function start() {
    const section = document.getElementById("task");
    if (!section) return;
    const module = (window.talentpool.tasks || {})[section.dataset.type];
    const assets = readJSON("task-assets") || {};
    const ctx = {
      locale: document.documentElement.lang === "en" ? "en" : "zh_CN",
      assetUrl: (path) => assets[path] || "",
    };
    const root = section.querySelector(".task-ui");
    const controller = module.mount(root, readJSON("task-spec"), ctx);
    const errorBox = document.getElementById("task-error");
    const submit = document.getElementById("task-submit");
    const past = readJSON("task-past");
    const startedAt = Date.now();

    if (past) {
      if (controller.setAnswer) controller.setAnswer(past.answer);
      controller.showFeedback(past.feedback, past);
      showResult(past);
      return;
    }

    async function send() {
      errorBox.hidden = true;
      submit.disabled = true;
      const reply = await window.talentpool.postJSON(section.dataset.answerUrl, {
        answer: controller.getAnswer(),
        duration_ms: Math.min(Date.now() - startedAt, 86400000),
      });
      if (!reply.ok) {
        errorBox.textContent = (reply.data && reply.data.error) || ("HTTP " + reply.status);
        errorBox.hidden = false;
        submit.disabled = false;
        return;
      }
      controller.showFeedback(reply.data.feedback, reply.data);
      showResult(reply.data);
      submit.hidden = true;
      document.getElementById("task-next").focus();
    }

    submit.addEventListener("click", send);
    document.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && !submit.hidden && !submit.disabled) {
        event.preventDefault();
        send();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
