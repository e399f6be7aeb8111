// rubric: written work — the materials are shown by the page; the answer is Markdown text that
// raters score later (no feedback here).
(function () {
  "use strict";
  const tp = window.talentpool;
  const kit = tp.taskkit;

  function mount(root, spec, ctx) {
    const strings = kit.readStrings(root);
    const answer = root.querySelector(".tp-answer");
    const count = root.querySelector(".tp-count");
    root.querySelectorAll("img[data-asset]").forEach((img) => { img.src = ctx.assetUrl(img.dataset.asset); });
    function showCount() {
      if (count && answer) count.textContent = kit.fill(strings.count, { n: answer.value.length });
    }
    answer?.addEventListener("input", showCount);
    showCount();
    return {
      getAnswer: () => ({ text: answer ? answer.value : "", files: [] }),
      setAnswer(value) { if (answer) answer.value = value.text || ""; showCount(); },
      showFeedback() { if (answer) answer.readOnly = true; },
      reset() { if (answer) { answer.readOnly = false; answer.value = ""; } showCount(); },
    };
  }

  tp.tasks.rubric = { mount };
})();
