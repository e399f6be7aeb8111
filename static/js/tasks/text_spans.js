// text_spans: select characters (mouse drag or Shift+arrows), give them an entity type (1–9).
// Offsets count Unicode code points, like the scorer; end is exclusive.
(function () {
  "use strict";
  const tp = window.talentpool;
  const kit = tp.taskkit;

  function mount(root, spec, ctx) {
    const strings = kit.readStrings(root);
    const textBox = root.querySelector(".tp-text");
    const status = root.querySelector(".tp-status");
    const list = root.querySelector(".tp-span-list");
    const legend = root.querySelector(".tp-legend");
    const summary = root.querySelector(".tp-summary");
    const labelButtons = Array.from(root.querySelectorAll(".tp-label-btn"));
    const chars = kit.renderChars(textBox, spec.text);
    const characters = Array.from(spec.text);
    let spans = [];
    let anchor = 0; // selection boundaries 0…n; the caret is the focus boundary
    let focus = 0;
    let drag = null;
    let locked = false;

    labelButtons.forEach((button) => {
      button.style.setProperty("--label-color", kit.labelColor(spec.labels, button.dataset.label));
      button.addEventListener("click", () => assignLabel(button.dataset.label));
    });

    const slice = (start, end) => characters.slice(start, end).join("");
    const selection = () => ({ start: Math.min(anchor, focus), end: Math.max(anchor, focus) });

    function assignLabel(label) {
      if (locked) return;
      const { start, end } = selection();
      if (start === end) {
        status.textContent = strings.select_first;
        return;
      }
      if (!spans.some((s) => s.start === start && s.end === end && s.label === label)) {
        spans.push({ start, end, label });
        spans.sort((a, b) => a.start - b.start || a.end - b.end || a.label.localeCompare(b.label));
      }
      anchor = focus = end;
      status.textContent = kit.fill(strings.added, { text: slice(start, end), label });
      render();
    }

    function removeSpan(span) {
      spans = spans.filter((s) => s !== span);
      status.textContent = kit.fill(strings.removed, { label: span.label, text: slice(span.start, span.end) });
      render();
    }

    function render() {
      kit.paintSpans(chars, spans, { labels: spec.labels });
      const { start, end } = selection();
      chars.forEach((char, i) => {
        char.classList.toggle("tp-selected", i >= start && i < end);
        char.classList.toggle("tp-caret", i === focus);
      });
      textBox.classList.toggle("tp-caret-end", focus === chars.length);
      renderList();
    }

    function renderList() {
      list.replaceChildren();
      if (!spans.length) list.append(kit.el("li", { class: "tp-empty", text: strings.none }));
      for (const span of spans) {
        const text = slice(span.start, span.end);
        const chip = kit.el("span", { class: "tp-chip", text: span.label });
        chip.style.setProperty("--span-color", kit.labelColor(spec.labels, span.label));
        const remove = kit.el("button", {
          type: "button", class: "tp-btn tp-btn-small tp-editor-only", text: strings.remove,
          "aria-label": kit.fill(strings.remove_span, { label: span.label, text }), onclick: () => removeSpan(span),
        });
        list.append(kit.el("li", {}, chip, kit.el("span", { class: "tp-span-text", text }),
          kit.el("span", { class: "muted small", text: `${span.start}–${span.end}` }), remove));
      }
    }

    function announceSelection() {
      const { start, end } = selection();
      status.textContent = start === end ? "" : kit.fill(strings.selected, { text: slice(start, end), start, end });
    }

    function charIndexOf(target) {
      const node = target.closest(".tp-char, .tp-span-tag");
      let char = node;
      while (char && !char.classList.contains("tp-char")) char = char.nextElementSibling;
      return char ? Number(char.dataset.index) : null;
    }

    textBox.addEventListener("pointerdown", (event) => {
      const index = charIndexOf(event.target);
      if (locked || index == null || event.button !== 0) return;
      event.preventDefault();
      textBox.focus();
      drag = { from: index, moved: false, span: spanAtNode(event.target) };
      selectChars(index, index);
    });
    textBox.addEventListener("pointerover", (event) => {
      const index = charIndexOf(event.target);
      if (!drag || index == null) return;
      if (index !== drag.from) drag.moved = true;
      selectChars(drag.from, index);
    });
    document.addEventListener("pointerup", () => {
      if (!drag) return;
      const { moved, span } = drag;
      drag = null;
      if (!moved && span) {
        anchor = focus;
        removeSpan(span);
      } else announceSelection();
    });

    function spanAtNode(node) {
      const holder = node.closest("[data-span]");
      return holder ? spans[Number(holder.dataset.span)] : null;
    }

    function selectChars(from, to) {
      anchor = to >= from ? from : from + 1;
      focus = to >= from ? to + 1 : to;
      render();
    }

    textBox.addEventListener("keydown", (event) => {
      if (locked) return;
      const digit = kit.digitKey(event);
      if (digit != null) {
        if (spec.labels[digit - 1]) assignLabel(spec.labels[digit - 1]);
      } else if (["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) {
        moveCaret(event.key, event.shiftKey);
      } else if (event.key === "Escape") {
        anchor = focus;
        render();
        announceSelection();
      } else if (event.key === "Delete" || event.key === "Backspace") {
        const covering = spans.filter((s) => s.start <= focus && focus < s.end);
        covering.forEach(removeSpan);
      } else return;
      event.preventDefault();
    });

    function moveCaret(key, extend) {
      const targets = { ArrowLeft: focus - 1, ArrowRight: focus + 1, Home: 0, End: chars.length };
      focus = Math.min(Math.max(targets[key], 0), chars.length);
      if (!extend) anchor = focus;
      render();
      announceSelection();
      (chars[focus] || chars[chars.length - 1])?.scrollIntoView({ block: "nearest" });
    }

    function showFeedback(feedback) {
      locked = true;
      root.classList.add("is-locked");
      labelButtons.forEach((button) => { button.disabled = true; });
      anchor = focus = -1;
      const marks = [
        ...feedback.correct.map((span) => ({ ...span, kind: "correct" })),
        ...feedback.partial.map((pair) => ({ ...pair.answer, kind: "partial", gold: pair.gold })),
        ...feedback.partial.map((pair) => ({ ...pair.gold, kind: "partial-gold" })),
        ...feedback.missing.map((span) => ({ ...span, kind: "missing" })),
        ...feedback.spurious.map((span) => ({ ...span, kind: "spurious" })),
      ];
      kit.paintSpans(chars, marks, {
        labels: spec.labels, classFor: (mark) => `fb-${mark.kind}`, tag: (mark) => mark.kind !== "partial-gold",
      });
      status.textContent = "";
      chars.forEach((char) => char.classList.remove("tp-caret", "tp-selected"));
      list.replaceChildren(...marks.filter((mark) => mark.kind !== "partial-gold").map(feedbackItem));
      legend.hidden = false;
      summary.hidden = false;
      summary.textContent = kit.fill(strings.summary, {
        f1: kit.percent(feedback.f1), precision: kit.percent(feedback.precision), recall: kit.percent(feedback.recall),
      });
    }

    function feedbackItem(mark) {
      const chip = kit.el("span", { class: "tp-chip", text: mark.label });
      chip.style.setProperty("--span-color", kit.labelColor(spec.labels, mark.label));
      return kit.el("li", { class: `tp-feedback-item fb-item-${mark.kind}` },
        kit.el("span", { class: `tp-badge fb-${mark.kind}`, text: strings[mark.kind] }), chip,
        kit.el("span", { class: "tp-span-text", text: mark.text }),
        kit.el("span", { class: "muted small", text: `${mark.start}–${mark.end}` }),
        mark.gold ? kit.el("span", { class: "small", text: kit.fill(strings.gold_is, mark.gold) }) : null);
    }

    function reset() {
      locked = false;
      root.classList.remove("is-locked");
      labelButtons.forEach((button) => { button.disabled = false; });
      spans = [];
      anchor = focus = 0;
      legend.hidden = summary.hidden = true;
      summary.textContent = status.textContent = "";
      render();
    }

    render();
    return {
      getAnswer: () => ({ spans: spans.map(({ start, end, label }) => ({ start, end, label })) }),
      setAnswer(answer) {
        spans = answer.spans.map(({ start, end, label }) => ({ start, end, label }));
        render();
      },
      showFeedback,
      reset,
    };
  }

  tp.tasks.text_spans = { mount };
})();
