// single_choice: one radio button per option; keys 1–9 pick an option.
(function () {
  "use strict";
  const tp = window.talentpool;
  const kit = tp.taskkit;

  function mount(root, spec, ctx) {
    const strings = kit.readStrings(root);
    const inputs = Array.from(root.querySelectorAll('input[type="radio"]'));
    let locked = false;
    root.querySelectorAll("img[data-asset]").forEach((img) => { img.src = ctx.assetUrl(img.dataset.asset); });

    function onKey(event) {
      const digit = kit.digitKey(event);
      if (locked || digit == null || kit.isTyping(event) || !root.isConnected) return;
      const input = inputs[digit - 1];
      if (!input) return;
      input.checked = true;
      input.focus();
      event.preventDefault();
    }
    document.addEventListener("keydown", onKey);

    function optionLabel(id) {
      return root.querySelector(`.tp-option[data-option="${CSS.escape(id)}"]`);
    }

    function mark(id, state, text) {
      const label = optionLabel(id);
      if (!label) return;
      label.classList.add(`is-${state}`);
      label.querySelector(".tp-mark").textContent = text;
    }

    return {
      getAnswer() {
        const chosen = inputs.find((input) => input.checked);
        return { choice: chosen ? chosen.value : null };
      },
      setAnswer(answer) {
        inputs.forEach((input) => { input.checked = input.value === answer.choice; });
      },
      showFeedback(feedback) {
        locked = true;
        root.classList.add("is-locked");
        inputs.forEach((input) => { input.disabled = true; });
        if (feedback.answer_choice && !feedback.correct) mark(feedback.answer_choice, "wrong", strings.wrong);
        mark(feedback.gold_choice, "correct", feedback.correct ? strings.correct : strings.gold);
      },
      reset() {
        locked = false;
        root.classList.remove("is-locked");
        inputs.forEach((input) => { input.disabled = false; input.checked = false; });
        root.querySelectorAll(".tp-option").forEach((label) => {
          label.classList.remove("is-correct", "is-wrong", "is-missed");
          label.querySelector(".tp-mark").textContent = "";
        });
      },
    };
  }

  tp.tasks.single_choice = { mount };
})();
