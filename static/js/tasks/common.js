// Shared helpers of the labeling UIs: safe element building, UI strings, keyboard helpers,
// text rendered character by character with coloured spans, and boxes on an image (SVG).
(function () {
  "use strict";
  const tp = (window.talentpool = window.talentpool || {});
  tp.tasks = tp.tasks || {};
  const SVG_NS = "http://www.w3.org/2000/svg";
  const PALETTE = ["#0f7bbd", "#c2410c", "#15803d", "#7c3aed", "#b91c1c", "#0e7490", "#a16207", "#be185d", "#4d7c0f"];

  // Text always goes through textContent: data never becomes markup.
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    setAttributes(node, attrs);
    for (const child of children.flat()) {
      if (child != null) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function svgEl(tag, attrs = {}) {
    const node = document.createElementNS(SVG_NS, tag);
    setAttributes(node, attrs);
    return node;
  }

  function setAttributes(node, attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value == null || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.setAttribute("class", value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
  }

  function readStrings(root) {
    const script = root.querySelector("script.task-i18n");
    return script ? JSON.parse(script.textContent) : {};
  }

  // fill("IoU {iou}", {iou: "0.8"}) -> "IoU 0.8"
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
  }

  function localText(value, locale) {
    if (value == null || typeof value === "string") return value || "";
    const preferred = String(locale || "").startsWith("zh") ? ["zh", "en"] : ["en", "zh"];
    return value[preferred[0]] ?? value[preferred[1]] ?? "";
  }

  function isTyping(event) {
    const target = event.target;
    if (!target) return false;
    if (target.tagName === "INPUT") return !/^(radio|checkbox|button|submit|range)$/.test(target.type);
    return target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName);
  }

  // The digit 1–9 of a plain key press, or null.
  function digitKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || !/^[1-9]$/.test(event.key)) return null;
    return Number(event.key);
  }

  function labelColor(labels, label) {
    const index = Math.max(0, labels.indexOf(label));
    return PALETTE[index % PALETTE.length];
  }

  // An answer that says nothing: every value null, blank text, or a list of such values.
  // The same rule as the scorers' is_empty (talentpool/scoring/base.py).
  function isEmptyAnswer(value) {
    if (value == null) return true;
    if (typeof value === "string") return value.trim() === "";
    if (Array.isArray(value)) return value.every(isEmptyAnswer);
    if (typeof value === "object") return Object.values(value).every(isEmptyAnswer);
    return false;
  }

  function number(value, digits = 2) {
    return value == null ? "–" : Number(value).toFixed(digits);
  }

  function percent(value) {
    return value == null ? "–" : `${Math.round(value * 1000) / 10}%`;
  }

  // ---- Text with spans: one element per Unicode code point, so offsets match the scorer.
  function renderChars(container, text) {
    container.replaceChildren();
    return Array.from(text).map((char, index) => {
      const node = el("span", { class: "tp-char", "data-index": index, text: char });
      container.append(node);
      return node;
    });
  }

  // paintSpans(chars, spans, {labels, classFor(span, i), tag: true}) marks each span's characters.
  function paintSpans(chars, spans, options = {}) {
    const labels = options.labels || [];
    const container = chars.length ? chars[0].parentNode : null;
    if (container) container.querySelectorAll(".tp-span-tag").forEach((tag) => tag.remove());
    for (const char of chars) {
      char.className = "tp-char";
      char.removeAttribute("data-span");
      char.style.removeProperty("--span-color");
    }
    spans.forEach((span, index) => {
      const color = labelColor(labels, span.label);
      const extra = options.classFor ? options.classFor(span, index) : "";
      for (let i = span.start; i < span.end && i < chars.length; i += 1) {
        chars[i].classList.add("tp-marked");
        if (extra) chars[i].classList.add(...extra.split(" "));
        chars[i].style.setProperty("--span-color", color);
        chars[i].dataset.span = index;
      }
      chars[span.start]?.classList.add("tp-span-start");
      chars[Math.min(span.end, chars.length) - 1]?.classList.add("tp-span-end");
      const wantsTag = typeof options.tag === "function" ? options.tag(span) : options.tag !== false;
      if (wantsTag && chars[span.start]) {
        const tag = el("span", { class: "tp-span-tag", "aria-hidden": "true", "data-span": index, text: span.label });
        tag.style.setProperty("--span-color", color);
        chars[span.start].before(tag);
      }
    });
  }

  // ---- An image in an SVG whose viewBox does the zoom and pan; coordinates are image pixels.
  function createImageStage(container, { src, width, height, title }) {
    const svg = svgEl("svg", { class: "tp-stage", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title || "" });
    svg.append(svgEl("image", { href: src, x: 0, y: 0, width, height, preserveAspectRatio: "none" }));
    const boxLayer = svgEl("g", { class: "tp-box-layer" });
    const overlayLayer = svgEl("g", { class: "tp-overlay-layer" });
    svg.append(boxLayer, overlayLayer);
    container.replaceChildren(svg);
    const view = { x: 0, y: 0, w: width, h: height };
    const listeners = [];

    function applyView() {
      svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
      listeners.forEach((listener) => listener());
    }
    function clampView() {
      view.x = Math.min(Math.max(view.x, 0), width - view.w);
      view.y = Math.min(Math.max(view.y, 0), height - view.h);
    }
    function zoomBy(factor, center = { x: view.x + view.w / 2, y: view.y + view.h / 2 }) {
      const zoom = Math.min(Math.max(width / view.w * factor, 1), 8);
      const w = width / zoom;
      const h = height / zoom;
      view.x = center.x - (center.x - view.x) * (w / view.w);
      view.y = center.y - (center.y - view.y) * (h / view.h);
      view.w = w;
      view.h = h;
      clampView();
      applyView();
    }
    function panBy(dx, dy) {
      view.x += dx;
      view.y += dy;
      clampView();
      applyView();
    }
    function toImagePoint(event) {
      const point = svg.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      const local = point.matrixTransform(svg.getScreenCTM().inverse());
      return { x: Math.min(Math.max(local.x, 0), width), y: Math.min(Math.max(local.y, 0), height) };
    }
    // image pixels per screen pixel, to keep handles and captions a constant size on screen
    function unit() {
      const rect = svg.getBoundingClientRect();
      return rect.width ? Math.max(view.w / rect.width, view.h / rect.height) : 1;
    }
    return {
      svg, boxLayer, overlayLayer, view, zoomBy, panBy, toImagePoint, unit,
      zoom: () => width / view.w,
      resetView() { Object.assign(view, { x: 0, y: 0, w: width, h: height }); applyView(); },
      onViewChange(listener) { listeners.push(listener); },
    };
  }

  // Zoom buttons ([data-zoom] in|out|fit), Ctrl+wheel zoom at the pointer, wheel pan when zoomed.
  function bindZoomControls(root, stage) {
    const zoom = (how) => (how === "fit" ? stage.resetView() : stage.zoomBy(how === "in" ? 1.5 : 1 / 1.5));
    root.querySelectorAll("[data-zoom]").forEach((button) => button.addEventListener("click", () => zoom(button.dataset.zoom)));
    stage.svg.addEventListener("wheel", (event) => {
      if (event.ctrlKey || event.metaKey) {
        stage.zoomBy(event.deltaY < 0 ? 1.25 : 0.8, stage.toImagePoint(event));
      } else if (stage.zoom() > 1) {
        const unit = stage.unit();
        stage.panBy(event.deltaX * unit, event.deltaY * unit);
      } else return;
      event.preventDefault();
    }, { passive: false });
    return zoom;
  }

  // drawBox(layer, box, {className, color, caption, unit, dashed}) -> <g>
  function drawBox(layer, box, options = {}) {
    const unit = options.unit || 1;
    const group = svgEl("g", { class: `tp-box ${options.className || ""}`.trim() });
    if (options.color) group.style.setProperty("--box-color", options.color);
    group.append(svgEl("rect", { class: "tp-box-rect", x: box.x, y: box.y, width: box.w, height: box.h }));
    if (options.caption) {
      const size = 12 * unit;
      const above = box.y - size * 1.5 >= 0;
      const y = above ? box.y - size * 1.5 : box.y;
      const width = Math.max(size * 0.62 * options.caption.length + size, size * 2);
      group.append(svgEl("rect", { class: "tp-box-caption-bg", x: box.x, y, width, height: size * 1.5 }));
      const text = svgEl("text", { class: "tp-box-caption", x: box.x + size / 2, y: y + size * 1.1, "font-size": size });
      text.textContent = options.caption;
      group.append(text);
    }
    layer.append(group);
    return group;
  }

  tp.taskkit = {
    el, svgEl, readStrings, fill, localText, isTyping, digitKey, labelColor, isEmptyAnswer, number, percent,
    renderChars, paintSpans, createImageStage, bindZoomControls, drawBox,
  };
})();
