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

  // What the page calls a label: its name in the reader's language from the spec's
  // label_names ({id: {zh, en}}), else the id itself (boxes and answers always carry ids).
  function labelName(spec, id, locale) {
    return localText((spec.label_names || {})[id], locale) || id;
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
    const captionLayer = svgEl("g", { class: "tp-caption-layer" }); // over every box (placeCaptions)
    svg.append(boxLayer, overlayLayer, captionLayer);
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
      svg, boxLayer, overlayLayer, captionLayer, width, height, view, zoomBy, panBy, toImagePoint, unit,
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

  // drawBox(layer, box, {className, color, caption, unit}) -> <g>; the caption sits above the
  // top-left corner (inside it at the image's top edge) until placeCaptions moves it.
  function drawBox(layer, box, options = {}) {
    const unit = options.unit || 1;
    const group = svgEl("g", { class: `tp-box ${options.className || ""}`.trim() });
    if (options.color) group.style.setProperty("--box-color", options.color);
    group.append(svgEl("rect", { class: "tp-box-rect", x: box.x, y: box.y, width: box.w, height: box.h }));
    if (options.caption) {
      const size = 12 * unit;
      const width = Math.max(textWidth(options.caption, size) + size, size * 2);
      group.append(svgEl("rect", { class: "tp-box-caption-bg", width, height: size * 1.5 }));
      const text = svgEl("text", { class: "tp-box-caption", "font-size": size });
      text.textContent = options.caption;
      group.append(text);
      moveCaption(group, { x: box.x, y: box.y - size * 1.5 >= 0 ? box.y - size * 1.5 : box.y });
    }
    layer.append(group);
    return group;
  }

  // Wide (CJK) characters take about 1 em, others about 0.62 em.
  function textWidth(text, size) {
    return Array.from(String(text)).reduce((sum, char) => sum + size * (char.codePointAt(0) >= 0x2e80 ? 1 : 0.62), 0);
  }

  function moveCaption(group, spot) {
    const bg = group.querySelector(".tp-box-caption-bg");
    const text = group.querySelector(".tp-box-caption");
    const size = Number(text.getAttribute("font-size"));
    bg.setAttribute("x", spot.x);
    bg.setAttribute("y", spot.y);
    text.setAttribute("x", spot.x + size / 2);
    text.setAttribute("y", spot.y + size * 1.1);
  }

  // Puts the captions of the boxes drawn on ``stage`` in its caption layer, over every box, so
  // that no two overlap on a busy image. A caption takes the first free place that covers no
  // box: above or below one of its box's corners, else the nearest such place around (with a
  // thin leader line to its box); only where there is none does it cover a box (inside its own
  // corner first). Call it once per drawing, with every box drawn.
  function placeCaptions(groups, stage) {
    stage.captionLayer.replaceChildren();
    const placed = [];
    const rectOf = (group) => {
      const [x, y, w, h] = ["x", "y", "width", "height"].map((name) => Number(group.querySelector(".tp-box-rect").getAttribute(name)));
      return { x, y, w, h };
    };
    const boxes = groups.map(rectOf);
    const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
    const free = (spot) => !placed.some((other) => overlaps(spot, other));
    const clear = (spot) => free(spot) && !boxes.some((box) => overlaps(spot, box));
    groups.forEach((group, index) => {
      const bg = group.querySelector(".tp-box-caption-bg");
      if (!bg) return;
      const { x, y, w, h } = boxes[index];
      const cw = Number(bg.getAttribute("width"));
      const ch = Number(bg.getAttribute("height"));
      const at = (cx, cy) => ({
        x: Math.min(Math.max(cx, 0), Math.max(stage.width - cw, 0)), y: Math.min(Math.max(cy, 0), Math.max(stage.height - ch, 0)), w: cw, h: ch,
      });
      const corners = [[x, y - ch], [x + w - cw, y - ch], [x, y + h], [x + w - cw, y + h], [x, y], [x + w - cw, y], [x, y + h - ch], [x + w - cw, y + h - ch]]
        .map(([cx, cy]) => at(cx, cy));
      const around = (rings, test) => {
        for (let ring = 1; ring <= rings; ring += 1) {
          for (let dy = -ring; dy <= ring; dy += 1) {
            for (let dx = -ring; dx <= ring; dx += 1) {
              const candidate = at(x + dx * cw, y - ch + dy * ch);
              if ((Math.abs(dx) === ring || Math.abs(dy) === ring) && test(candidate)) return candidate;
            }
          }
        }
        return null;
      };
      let spot = corners.find(clear) || around(4, clear) || corners.find(free) || around(12, free);
      spot = spot || corners[0];
      placed.push(spot);
      moveCaption(group, spot);
      // The caption leaves its box's group: it keeps the box's classes (tp-box-tag for tp-box)
      // and colour, so the feedback and review styles still apply.
      const tag = svgEl("g", { class: group.getAttribute("class").replace(/\btp-box\b/, "tp-box-tag") });
      tag.style.setProperty("--box-color", getComputedStyle(group).getPropertyValue("--box-color"));
      if (spot.x > x + w || spot.x + cw < x || spot.y > y + h || spot.y + ch < y) {
        tag.append(svgEl("line", {
          class: "tp-box-leader", x1: spot.x + cw / 2, y1: spot.y + ch / 2,
          x2: Math.min(Math.max(spot.x + cw / 2, x), x + w), y2: Math.min(Math.max(spot.y + ch / 2, y), y + h),
        }));
      }
      tag.append(bg, group.querySelector(".tp-box-caption"));
      stage.captionLayer.append(tag);
    });
  }

  tp.taskkit = {
    el, svgEl, readStrings, fill, localText, labelName, isTyping, digitKey, labelColor, isEmptyAnswer, number, percent,
    renderChars, paintSpans, createImageStage, bindZoomControls, drawBox, placeCaptions,
  };
})();
