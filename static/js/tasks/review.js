// review (质检): flag the wrong elements of someone else's annotation, shown read-only as spans or boxes.
(function () {
  "use strict";
  const tp = window.talentpool;
  const kit = tp.taskkit;
  const FEEDBACK_CLASSES = ["fb-hit", "fb-missed", "fb-false-flag"];

  // Draws the annotation; calls onToggle(id) when an element is clicked; paint(classOf) redraws.
  function textView(root, spec, onToggle) {
    const spans = spec.annotation.spans;
    const chars = kit.renderChars(root.querySelector(".tp-review-text"), spec.base_spec.text);
    root.querySelector(".tp-review-text").addEventListener("click", (event) => {
      const holder = event.target.closest("[data-span]");
      if (holder) onToggle(spans[Number(holder.dataset.span)].id);
    });
    return (classOf) => kit.paintSpans(chars, spans, { labels: spec.base_spec.labels, classFor: (span) => classOf(span.id) });
  }

  function imageView(root, spec, ctx, onToggle) {
    const canvas = root.querySelector(".tp-canvas");
    const base = spec.base_spec;
    const stage = kit.createImageStage(canvas, {
      src: ctx.assetUrl(base.image), width: base.width, height: base.height, title: canvas.getAttribute("aria-label"),
    });
    let lastClassOf = () => "";
    const paint = (classOf) => {
      lastClassOf = classOf;
      stage.boxLayer.replaceChildren();
      const groups = spec.annotation.boxes.map((box, index) => {
        const group = kit.drawBox(stage.boxLayer, box, {
          unit: stage.unit(), color: kit.labelColor(base.labels, box.label),
          caption: `${index + 1} ${kit.labelName(base, box.label, ctx.locale)}`,
          className: `tp-review-box ${classOf(box.id)}`,
        });
        group.dataset.id = box.id;
        return group;
      });
      kit.placeCaptions(groups, stage);
    };
    stage.svg.addEventListener("click", (event) => {
      const group = event.target.closest(".tp-box");
      if (group) onToggle(group.dataset.id);
    });
    kit.bindZoomControls(root, stage);
    stage.onViewChange(() => paint(lastClassOf));
    return paint;
  }

  function mount(root, spec, ctx) {
    const strings = kit.readStrings(root);
    const status = root.querySelector(".tp-status");
    const summary = root.querySelector(".tp-summary");
    const flagButtons = Array.from(root.querySelectorAll(".tp-flag"));
    const ids = flagButtons.map((button) => button.dataset.id);
    const flags = new Set();
    const feedbackClass = new Map();
    let locked = false;
    const paint = spec.base_type === "bbox" ? imageView(root, spec, ctx, toggle) : textView(root, spec, toggle);

    flagButtons.forEach((button) => {
      const color = kit.labelColor(spec.base_spec.labels, button.querySelector(".tp-chip").dataset.label);
      button.querySelector(".tp-chip").style.setProperty("--span-color", color);
      button.addEventListener("click", () => toggle(button.dataset.id));
    });

    function toggle(id) {
      if (locked) return;
      if (flags.has(id)) flags.delete(id);
      else flags.add(id);
      status.textContent = kit.fill(strings[flags.has(id) ? "flagged" : "unflagged"], { n: ids.indexOf(id) + 1 });
      render();
    }

    function render() {
      flagButtons.forEach((button) => button.setAttribute("aria-pressed", String(flags.has(button.dataset.id))));
      paint((id) => [flags.has(id) ? "is-flagged" : "", feedbackClass.get(id) || ""].join(" ").trim());
    }

    document.addEventListener("keydown", (event) => {
      const digit = kit.digitKey(event);
      if (locked || digit == null || kit.isTyping(event) || !root.isConnected || !ids[digit - 1]) return;
      event.preventDefault();
      toggle(ids[digit - 1]);
    });

    function showFeedback(feedback) {
      locked = true;
      root.classList.add("is-locked");
      status.textContent = "";
      flagButtons.forEach((button) => { button.disabled = true; });
      const groups = { "fb-hit": feedback.hit, "fb-missed": feedback.missed, "fb-false-flag": feedback.false_flags };
      const notes = { "fb-hit": strings.hit, "fb-missed": strings.missed, "fb-false-flag": strings.false_flag };
      for (const [className, elements] of Object.entries(groups)) {
        for (const element of elements) {
          feedbackClass.set(element.id, className);
          const item = root.querySelector(`.tp-element-list li[data-id="${CSS.escape(element.id)}"]`);
          item.classList.add(className);
          item.querySelector(".tp-element-note").textContent = notes[className];
        }
      }
      render();
      root.querySelector(".tp-legend").hidden = false;
      summary.hidden = false;
      summary.textContent = feedback.gold_errors.length ? kit.fill(strings.summary, {
        hit: feedback.hit.length, errors: feedback.gold_errors.length, false_flags: feedback.false_flags.length, f1: kit.percent(feedback.f1),
      }) : strings.summary_clean;
    }

    function reset() {
      locked = false;
      flags.clear();
      feedbackClass.clear();
      root.classList.remove("is-locked");
      flagButtons.forEach((button) => { button.disabled = false; });
      root.querySelectorAll(".tp-element-list li").forEach((item) => {
        item.classList.remove(...FEEDBACK_CLASSES);
        item.querySelector(".tp-element-note").textContent = "";
      });
      root.querySelector(".tp-legend").hidden = true;
      summary.hidden = true;
      summary.textContent = status.textContent = "";
      render();
    }

    render();
    function setAnswer(answer) {
      flags.clear();
      answer.flags.forEach((id) => flags.add(id));
      render();
    }

    return { getAnswer: () => ({ flags: ids.filter((id) => flags.has(id)) }), setAnswer, showFeedback, reset };
  }

  tp.tasks.review = { mount };
})();
