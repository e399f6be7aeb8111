// multi_choice: one checkbox per option; keys 1–9 toggle an option.
(function () {
  "use strict";
  const tp = window.talentpool;
  const kit = tp.taskkit;

  function mount(root, spec, ctx) {
    const strings = kit.readStrings(root);
    const inputs = Array.from(root.querySelectorAll('input[type="checkbox"]'));
    const summary = root.querySelector(".tp-summary");
    let locked = false;
    root.querySelectorAll("img[data-asset]").forEach((img) => { img.src = ctx.assetUrl(img.dataset.asset); });

    function onKey(event) {
      const digit = kit.digitKey(event);
      if (locked || digit == null || kit.isTyping(event) || !root.isConnected) return;
      const input = inputs[digit - 1];
      if (!input) return;
      input.checked = !input.checked;
      input.focus();
      event.preventDefault();
    }
    document.addEventListener("keydown", onKey);

    function mark(ids, state) {
      for (const id of ids) {
        const label = root.querySelector(`.tp-option[data-option="${CSS.escape(id)}"]`);
        if (!label) continue;
        label.classList.add(`is-${state}`);
        label.querySelector(".tp-mark").textContent = strings[state];
      }
    }

    return {
      getAnswer() {
        return { choices: inputs.filter((input) => input.checked).map((input) => input.value) };
      },
      setAnswer(answer) {
        inputs.forEach((input) => { input.checked = answer.choices.includes(input.value); });
      },
      showFeedback(feedback) {
        locked = true;
        root.classList.add("is-locked");
        inputs.forEach((input) => { input.disabled = true; });
        mark(feedback.correct, "correct");
        mark(feedback.wrong, "wrong");
        mark(feedback.missed, "missed");
        summary.textContent = kit.fill(strings.summary, { jaccard: kit.percent(feedback.jaccard) });
        summary.hidden = false;
      },
      reset() {
        locked = false;
        root.classList.remove("is-locked");
        inputs.forEach((input) => { input.disabled = false; input.checked = false; });
        root.querySelectorAll(".tp-option").forEach((label) => {
          label.classList.remove("is-correct", "is-wrong", "is-missed");
          label.querySelector(".tp-mark").textContent = "";
        });
        summary.hidden = true;
        summary.textContent = "";
      },
    };
  }

  tp.tasks.multi_choice = { mount };
})();
