// cot_steps: judge each step of a chain of reasoning right or wrong (null = not judged).
(function () {
  "use strict";
  const tp = window.talentpool;
  const kit = tp.taskkit;
  const KEYS = { 1: true, r: true, R: true, 2: false, w: false, W: false, 0: null, Backspace: null, Delete: null };

  function mount(root, spec) {
    const strings = kit.readStrings(root);
    const steps = Array.from(root.querySelectorAll(".tp-step"));
    const status = root.querySelector(".tp-status");
    const summary = root.querySelector(".tp-summary");
    let judgements = steps.map(() => null);
    let locked = false;

    function judge(index, value) {
      if (locked) return;
      judgements[index] = value;
      render();
      const judged = judgements.filter((j) => j !== null).length;
      status.textContent = kit.fill(strings.progress, { judged, total: steps.length });
    }

    function render() {
      steps.forEach((step, index) => {
        step.dataset.judged = String(judgements[index]);
        step.querySelectorAll(".tp-judge").forEach((button) => {
          button.setAttribute("aria-pressed", String(String(judgements[index]) === button.dataset.judge));
        });
      });
    }

    root.querySelector(".tp-steps").addEventListener("click", (event) => {
      const button = event.target.closest(".tp-judge");
      if (!button) return;
      const index = Number(button.closest(".tp-step").dataset.index);
      const value = button.dataset.judge === "true";
      judge(index, judgements[index] === value ? null : value); // a second click clears
    });

    root.querySelector(".tp-steps").addEventListener("keydown", (event) => {
      const step = event.target.closest(".tp-step");
      if (!step || locked || event.ctrlKey || event.metaKey || event.altKey) return;
      const index = Number(step.dataset.index);
      if (event.key in KEYS && !(event.target.tagName === "BUTTON" && event.key === "Backspace")) {
        judge(index, KEYS[event.key]);
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        steps[index + (event.key === "ArrowDown" ? 1 : -1)]?.focus();
      } else return;
      event.preventDefault();
    });

    function showFeedback(feedback) {
      locked = true;
      root.classList.add("is-locked");
      status.textContent = "";
      steps.forEach((step) => step.querySelectorAll(".tp-judge").forEach((button) => { button.disabled = true; }));
      for (const item of feedback.steps) {
        const step = steps[item.index];
        step.classList.add(item.correct ? "is-correct" : "is-incorrect");
        const note = item.correct
          ? strings[item.gold ? "agreed_right" : "agreed_wrong"]
          : `${item.answer === null ? `${strings.not_judged} ` : ""}${strings[item.gold ? "should_right" : "should_wrong"]}`;
        step.querySelector(".tp-step-note").textContent = note;
      }
      addBadge(feedback.gold_first_error, strings.first_error, "is-first-error");
      if (feedback.answer_first_error !== feedback.gold_first_error) {
        addBadge(feedback.answer_first_error, strings.your_first_error, "is-your-first-error");
      }
      const clean = feedback.gold_first_error === null;
      const key = `summary_${clean ? "clean_" : ""}${feedback.first_error_hit ? "hit" : "miss"}`;
      summary.textContent = kit.fill(strings[key], { accuracy: kit.percent(feedback.step_accuracy) });
      summary.hidden = false;
    }

    function addBadge(index, text, className) {
      if (index === null || index === undefined) return;
      steps[index].classList.add(className);
      steps[index].querySelector(".tp-step-number").after(kit.el("span", { class: `tp-badge tp-first-error-badge ${className}`, text }));
    }

    function reset() {
      locked = false;
      root.classList.remove("is-locked");
      judgements = steps.map(() => null);
      steps.forEach((step) => {
        step.classList.remove("is-correct", "is-incorrect", "is-first-error", "is-your-first-error");
        step.querySelector(".tp-step-note").textContent = "";
        step.querySelectorAll(".tp-first-error-badge").forEach((badge) => badge.remove());
        step.querySelectorAll(".tp-judge").forEach((button) => { button.disabled = false; });
      });
      summary.hidden = true;
      summary.textContent = status.textContent = "";
      render();
    }

    render();
    function setAnswer(answer) {
      judgements = steps.map((_, index) => answer.steps[index] ?? null);
      render();
    }

    return { getAnswer: () => ({ steps: [...judgements] }), setAnswer, showFeedback, reset };
  }

  tp.tasks.cot_steps = { mount };
})();
