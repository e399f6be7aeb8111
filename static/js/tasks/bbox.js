// bbox: draw, move, resize and label boxes on an image; zoom and pan. Coordinates are image pixels.
(function () {
  "use strict";
  const tp = window.talentpool;
  const kit = tp.taskkit;
  const MIN_SIZE = 2;
  const CORNERS = ["nw", "ne", "sw", "se"];

  function mount(root, spec, ctx) {
    const strings = kit.readStrings(root);
    const canvas = root.querySelector(".tp-canvas");
    const status = root.querySelector(".tp-status");
    const list = root.querySelector(".tp-box-list");
    const zoomLevel = root.querySelector(".tp-zoom-level");
    const labelButtons = Array.from(root.querySelectorAll(".tp-label-btn"));
    const stage = kit.createImageStage(canvas, {
      src: ctx.assetUrl(spec.image), width: spec.width, height: spec.height, title: canvas.getAttribute("aria-label"),
    });
    let boxes = [];
    let selected = null;
    let label = spec.labels[0];
    let action = null;
    let spaceHeld = false;
    let feedback = null;
    let showing = "both"; // feedback view: "mine", "gold" or "both"
    const viewButtons = Array.from(root.querySelectorAll(".tp-fb-view [data-show]"));

    const colorOf = (name) => kit.labelColor(spec.labels, name);
    const nameOf = (id) => kit.labelName(spec, id, ctx.locale);
    const clamp = (value, low, high) => Math.min(Math.max(value, low), high);
    const rounded = (point) => ({ x: Math.round(point.x), y: Math.round(point.y) });

    function rectFrom(a, b) {
      return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) };
    }

    function chooseLabel(name) {
      label = name;
      labelButtons.forEach((button) => button.setAttribute("aria-pressed", String(button.dataset.label === name)));
      if (selected != null) {
        boxes[selected].label = name;
        render();
      }
    }

    function select(index) {
      selected = index;
      if (index != null) chooseLabel(boxes[index].label);
      render();
      if (index != null) {
        const box = boxes[index];
        status.textContent = kit.fill(strings.selected, { n: index + 1, ...box, label: nameOf(box.label) });
      }
    }

    function deleteSelected() {
      if (selected == null) return;
      boxes.splice(selected, 1);
      status.textContent = kit.fill(strings.deleted, { n: selected + 1 });
      selected = null;
      render();
    }

    function render() {
      stage.boxLayer.replaceChildren();
      stage.overlayLayer.replaceChildren();
      zoomLevel.textContent = `${Math.round(stage.zoom() * 100)}%`;
      if (feedback) return renderFeedback();
      const unit = stage.unit();
      const groups = boxes.map((box, index) => {
        const group = kit.drawBox(stage.boxLayer, box, {
          unit, color: colorOf(box.label), caption: `${index + 1} ${nameOf(box.label)}`,
          className: index === selected ? "is-selected" : "",
        });
        group.dataset.index = index;
        return group;
      });
      kit.placeCaptions(groups, stage);
      if (selected != null) drawHandles(boxes[selected], unit);
      renderList();
    }

    function drawHandles(box, unit) {
      const size = 9 * unit;
      for (const corner of CORNERS) {
        const x = corner.includes("w") ? box.x : box.x + box.w;
        const y = corner.includes("n") ? box.y : box.y + box.h;
        stage.overlayLayer.append(kit.svgEl("rect", {
          class: `tp-handle tp-handle-${corner}`, "data-handle": corner, x: x - size / 2, y: y - size / 2, width: size, height: size,
        }));
      }
    }

    function renderList() {
      list.replaceChildren();
      if (!boxes.length) list.append(kit.el("li", { class: "tp-empty", text: strings.none }));
      boxes.forEach((box, index) => {
        const n = index + 1;
        const picker = kit.el("select", { "aria-label": kit.fill(strings.label_of, { n }), class: "tp-editor-only" },
          spec.labels.map((name) => kit.el("option", { value: name, text: nameOf(name), selected: name === box.label })));
        picker.addEventListener("change", () => { box.label = picker.value; render(); });
        const item = kit.el("li", { class: index === selected ? "is-selected" : "" },
          kit.el("button", { type: "button", class: "tp-btn tp-box-name", text: kit.fill(strings.box, { n }), onclick: () => select(index) }),
          kit.el("span", { class: "tp-chip", text: nameOf(box.label) }), picker,
          kit.el("span", { class: "muted small tp-coords", text: `x ${box.x} · y ${box.y} · ${box.w} × ${box.h}` }),
          kit.el("button", { type: "button", class: "tp-btn tp-btn-small tp-editor-only", text: strings.delete,
            "aria-label": kit.fill(strings.delete_box, { n }), onclick: () => { selected = index; deleteSelected(); } }));
        item.querySelector(".tp-chip").style.setProperty("--span-color", colorOf(box.label));
        list.append(item);
      });
    }

    // ---- pointer: draw on the image, move a box, resize by a handle, pan with Space or the middle button
    stage.svg.addEventListener("pointerdown", (event) => {
      if (event.button !== 0 && event.button !== 1) return;
      canvas.focus({ preventScroll: true });
      event.preventDefault();
      const point = stage.toImagePoint(event);
      if (spaceHeld || event.button === 1) {
        action = { kind: "pan", last: { x: event.clientX, y: event.clientY } };
      } else if (feedback) {
        return;
      } else if (event.target.dataset.handle) {
        const box = boxes[selected];
        const fixed = {
          x: event.target.dataset.handle.includes("w") ? box.x + box.w : box.x,
          y: event.target.dataset.handle.includes("n") ? box.y + box.h : box.y,
        };
        action = { kind: "resize", fixed };
      } else if (event.target.closest(".tp-box")) {
        const index = Number(event.target.closest(".tp-box").dataset.index);
        select(index);
        action = { kind: "move", start: point, origin: { ...boxes[index] } };
      } else {
        action = { kind: "draw", start: rounded(point) };
        selected = null;
      }
      stage.svg.setPointerCapture(event.pointerId);
    });

    stage.svg.addEventListener("pointermove", (event) => {
      if (!action) return;
      if (action.kind === "pan") {
        const unit = stage.unit();
        stage.panBy((action.last.x - event.clientX) * unit, (action.last.y - event.clientY) * unit);
        action.last = { x: event.clientX, y: event.clientY };
        return;
      }
      const point = stage.toImagePoint(event);
      if (action.kind === "draw") action.preview = rectFrom(action.start, rounded(point));
      if (action.kind === "resize") Object.assign(boxes[selected], rectFrom(action.fixed, rounded(point)));
      if (action.kind === "move") {
        const box = boxes[selected];
        box.x = clamp(Math.round(action.origin.x + point.x - action.start.x), 0, spec.width - box.w);
        box.y = clamp(Math.round(action.origin.y + point.y - action.start.y), 0, spec.height - box.h);
      }
      render();
      if (action.preview) {
        kit.drawBox(stage.overlayLayer, action.preview, { color: colorOf(label), className: "is-drawing" });
      }
    });

    stage.svg.addEventListener("pointerup", () => {
      if (!action) return;
      const finished = action;
      action = null;
      if (finished.kind === "draw" && finished.preview && finished.preview.w >= MIN_SIZE && finished.preview.h >= MIN_SIZE) {
        boxes.push({ ...finished.preview, label });
        select(boxes.length - 1);
        status.textContent = kit.fill(strings.drawn, { n: boxes.length, label: nameOf(label) });
      } else if (finished.kind === "resize") {
        const box = boxes[selected];
        box.w = Math.max(box.w, 1);
        box.h = Math.max(box.h, 1);
        box.x = Math.min(box.x, spec.width - box.w);
        box.y = Math.min(box.y, spec.height - box.h);
        select(selected);
      } else render();
    });

    const zoom = kit.bindZoomControls(root, stage);
    stage.onViewChange(render);

    // ---- keyboard and buttons
    labelButtons.forEach((button) => button.addEventListener("click", () => chooseLabel(button.dataset.label)));

    function nudge(dx, dy) {
      const box = boxes[selected];
      box.x = clamp(box.x + dx, 0, spec.width - box.w);
      box.y = clamp(box.y + dy, 0, spec.height - box.h);
      select(selected);
    }

    // Keyboard drawing: N adds a box in the middle of the view, Alt+arrows resize the selected one.
    function addBoxInView() {
      const view = stage.view;
      const w = Math.max(1, Math.round(view.w / 4));
      const h = Math.max(1, Math.round(view.h / 4));
      boxes.push({ x: Math.round(view.x + (view.w - w) / 2), y: Math.round(view.y + (view.h - h) / 2), w, h, label });
      select(boxes.length - 1);
      status.textContent = kit.fill(strings.drawn, { n: boxes.length, label: nameOf(label) });
    }

    function resizeBy(dw, dh) {
      const box = boxes[selected];
      box.w = clamp(box.w + dw, 1, spec.width - box.x);
      box.h = clamp(box.h + dh, 1, spec.height - box.y);
      select(selected);
    }

    root.addEventListener("keydown", (event) => {
      if (kit.isTyping(event)) return;
      const digit = kit.digitKey(event);
      const step = event.shiftKey ? 10 : 1;
      const arrows = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      if (["+", "="].includes(event.key)) zoom("in");
      else if (event.key === "-") zoom("out");
      else if (event.key === "0") zoom("fit");
      else if (feedback) return;
      else if (digit != null && spec.labels[digit - 1]) chooseLabel(spec.labels[digit - 1]);
      else if ((event.key === "Delete" || event.key === "Backspace") && selected != null) deleteSelected();
      else if (arrows[event.key] && selected != null && event.target === canvas) {
        (event.altKey ? resizeBy : nudge)(...arrows[event.key]);
      } else if (event.key.toLowerCase() === "n" && !event.ctrlKey && !event.metaKey && event.target === canvas) addBoxInView();
      else if (event.key === "Escape") select(null);
      else if (event.key === " " && event.target === canvas) spaceHeld = true;
      else return;
      event.preventDefault();
    });
    root.addEventListener("keyup", (event) => { if (event.key === " ") spaceHeld = false; });

    // ---- feedback: my boxes (tagged 1, 2 … as in the list) and the gold boxes (G1, G2 …);
    // the list below says what each tag is. The view buttons show mine, the gold or both.
    function renderFeedback() {
      const unit = stage.unit();
      const mine = showing !== "gold";
      const gold = showing !== "mine";
      const groups = [];
      const draw = (layer, box, className, caption) => groups.push(kit.drawBox(layer, box, { unit, className, caption }));
      for (const item of feedback.unmatched_gold) {
        if (gold) draw(stage.boxLayer, item.gold, "fb-missed", goldTag(item.gold_index));
      }
      for (const item of feedback.false_positives) {
        if (mine) draw(stage.overlayLayer, item.answer, "fb-fp", String(item.answer_index + 1));
      }
      for (const match of feedback.matches) {
        if (gold) draw(stage.boxLayer, match.gold, "fb-gold", mine ? null : goldTag(match.gold_index));
        if (mine) draw(stage.overlayLayer, match.answer, "fb-match", String(match.answer_index + 1));
      }
      kit.placeCaptions(groups, stage);
    }

    function show(view) {
      showing = view;
      viewButtons.forEach((button) => button.setAttribute("aria-pressed", String(button.dataset.show === view)));
      render();
    }
    viewButtons.forEach((button) => button.addEventListener("click", () => show(button.dataset.show)));

    const goldTag = (index) => kit.fill(strings.gold_tag, { n: index + 1 });

    function goldBox(index) {
      const found = [...feedback.matches, ...feedback.unmatched_gold].find((item) => item.gold_index === index);
      return found.gold;
    }

    function whyUnmatched(item, threshold) {
      if (item.closest_gold_index == null) return strings.no_object;
      const gold = goldBox(item.closest_gold_index);
      if (item.closest_iou >= feedback.iou_threshold) {
        return gold.label !== item.answer.label ? kit.fill(strings.wrong_label, { label: nameOf(gold.label) }) : strings.duplicate;
      }
      return kit.fill(strings.low_iou, { iou: kit.number(item.closest_iou), threshold });
    }

    function annotateList() {
      const threshold = kit.number(feedback.iou_threshold);
      const addBadge = (index, className, text, note) => {
        list.children[index].classList.add(className);
        list.children[index].append(kit.el("span", { class: `tp-badge ${className}`, text }));
        if (note) list.children[index].append(kit.el("span", { class: "muted small", text: note }));
      };
      feedback.matches.forEach((m) => addBadge(m.answer_index, "fb-match", kit.fill(strings.iou, { iou: kit.number(m.iou) }),
        kit.fill(strings.matches, { tag: goldTag(m.gold_index) })));
      feedback.false_positives.forEach((item) => addBadge(item.answer_index, "fb-fp", whyUnmatched(item, threshold)));
      for (const item of feedback.unmatched_gold) {
        const { x, y, w, h } = item.gold;
        list.append(kit.el("li", { class: "fb-missed" },
          kit.el("span", { class: "tp-box-name tp-gold-tag", text: goldTag(item.gold_index) }),
          kit.el("span", { class: "tp-badge fb-missed", text: kit.fill(strings.missed, { label: nameOf(item.gold.label) }) }),
          kit.el("span", { class: "muted small tp-coords", text: `x ${x} · y ${y} · ${w} × ${h}` })));
      }
    }

    function showFeedback(data) {
      selected = null;
      render();
      feedback = data;
      status.textContent = "";
      root.classList.add("is-locked");
      labelButtons.forEach((button) => { button.disabled = true; });
      render();
      annotateList();
      root.querySelector(".tp-legend").hidden = false;
      root.querySelector(".tp-fb-view").hidden = false;
      const summary = root.querySelector(".tp-summary");
      summary.hidden = false;
      summary.textContent = kit.fill(strings.summary, {
        f1: kit.number(data.f1), mean_iou: kit.number(data.mean_iou), matched: data.true_positive,
        gold: data.matches.length + data.unmatched_gold.length,
      });
    }

    function reset() {
      feedback = null;
      boxes = [];
      selected = null;
      root.classList.remove("is-locked");
      labelButtons.forEach((button) => { button.disabled = false; });
      root.querySelector(".tp-legend").hidden = true;
      root.querySelector(".tp-fb-view").hidden = true;
      root.querySelector(".tp-summary").hidden = true;
      root.querySelector(".tp-summary").textContent = "";
      status.textContent = "";
      show("both");
      stage.resetView();
    }

    render();
    return {
      getAnswer: () => ({ boxes: boxes.map(({ x, y, w, h, label: name }) => ({ x, y, w, h, label: name })) }),
      setAnswer(answer) {
        boxes = answer.boxes.map(({ x, y, w, h, label: name }) => ({ x, y, w, h, label: name }));
        render();
      },
      showFeedback,
      reset,
    };
  }

  tp.tasks.bbox = { mount };
})();
