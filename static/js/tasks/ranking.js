// ranking: order response cards best first, by drag and drop or Alt+↑/↓ on a focused card.
(function () {
  "use strict";
  const tp = window.talentpool;
  const kit = tp.taskkit;

  function mount(root, spec) {
    const strings = kit.readStrings(root);
    const list = root.querySelector(".tp-cards");
    const status = root.querySelector(".tp-status");
    const initialOrder = Array.from(list.children);
    let locked = false;
    let dragged = null;

    const cards = () => Array.from(list.children);
    const letterOf = (id) => list.querySelector(`[data-id="${CSS.escape(id)}"]`).dataset.letter;

    function renumber() {
      cards().forEach((card, index) => { card.querySelector(".tp-rank").textContent = index + 1; });
    }

    function announce(card) {
      const all = cards();
      status.textContent = kit.fill(strings.moved, { letter: card.dataset.letter, rank: all.indexOf(card) + 1, total: all.length });
    }

    function move(card, offset) {
      const all = cards();
      const target = all.indexOf(card) + offset;
      if (locked || target < 0 || target >= all.length) return;
      list.insertBefore(card, offset < 0 ? all[target] : all[target].nextSibling);
      renumber();
      card.focus();
      announce(card);
    }

    list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-move]");
      if (button) move(button.closest(".tp-card"), Number(button.dataset.move));
    });

    list.addEventListener("keydown", (event) => {
      const card = event.target.closest(".tp-card");
      if (!card || event.target !== card) return;
      const offset = { ArrowUp: -1, ArrowDown: 1 }[event.key];
      if (!offset) return;
      event.preventDefault();
      if (event.altKey) move(card, offset);
      else cards()[cards().indexOf(card) + offset]?.focus();
    });

    // Pointer drag: the card follows the pointer's row; it lands where it is released.
    list.addEventListener("pointerdown", (event) => {
      const card = event.target.closest(".tp-card");
      if (locked || !card || event.button !== 0 || event.target.closest("button")) return;
      event.preventDefault();
      dragged = card;
      card.classList.add("is-dragging");
      card.setPointerCapture(event.pointerId);
      card.focus();
    });
    list.addEventListener("pointermove", (event) => {
      if (!dragged) return;
      const others = cards().filter((card) => card !== dragged);
      const before = others.find((card) => {
        const rect = card.getBoundingClientRect();
        return event.clientY < rect.top + rect.height / 2;
      });
      if (before !== dragged.nextElementSibling) list.insertBefore(dragged, before || null);
      renumber();
    });
    const endDrag = () => {
      if (!dragged) return;
      dragged.classList.remove("is-dragging");
      announce(dragged);
      dragged = null;
    };
    list.addEventListener("pointerup", endDrag);
    list.addEventListener("pointercancel", endDrag);

    function showFeedback(feedback) {
      locked = true;
      root.classList.add("is-locked");
      status.textContent = "";
      const goldRank = new Map(feedback.gold_order.map((id, index) => [id, index + 1]));
      cards().forEach((card, index) => {
        const rank = goldRank.get(card.dataset.id);
        card.classList.add(rank === index + 1 ? "is-right-place" : "is-wrong-place");
        card.querySelector(".tp-card-note").textContent = kit.fill(strings.gold_rank, { rank });
        card.removeAttribute("tabindex");
      });
      const goldList = root.querySelector(".tp-gold-order");
      goldList.replaceChildren(...feedback.gold_order.map((id) => {
        const source = list.querySelector(`[data-id="${CSS.escape(id)}"]`);
        return kit.el("li", { class: "tp-card is-gold", "data-id": id },
          kit.el("span", { class: "tp-rank", "aria-hidden": "true", text: goldRank.get(id) }),
          kit.el("span", { class: "tp-card-letter", text: source.dataset.letter }),
          kit.el("div", { class: "tp-card-text", text: source.querySelector(".tp-card-text").textContent }));
      }));
      root.querySelector(".tp-gold-column").hidden = false;
      root.querySelector(".tp-summary").textContent = kit.fill(strings.summary, {
        agreed: feedback.pairs_agreed ?? 0, total: feedback.pairs.length, tau: kit.number(feedback.kendall_tau),
      });
      root.querySelector(".tp-pair-list").replaceChildren(...feedback.pairs.filter((pair) => !pair.agreed).map((pair) =>
        kit.el("li", { text: kit.fill(strings.pair_wrong, { better: letterOf(pair.better), worse: letterOf(pair.worse) }) })));
      root.querySelector(".tp-ranking-feedback").hidden = false;
    }

    function reset() {
      locked = false;
      root.classList.remove("is-locked");
      list.replaceChildren(...initialOrder);
      initialOrder.forEach((card) => {
        card.classList.remove("is-right-place", "is-wrong-place");
        card.querySelector(".tp-card-note").textContent = "";
        card.setAttribute("tabindex", "0");
      });
      renumber();
      root.querySelector(".tp-gold-order").replaceChildren();
      root.querySelector(".tp-pair-list").replaceChildren();
      root.querySelector(".tp-summary").textContent = "";
      root.querySelector(".tp-gold-column").hidden = true;
      root.querySelector(".tp-ranking-feedback").hidden = true;
      status.textContent = "";
    }

    function setAnswer(answer) {
      if (!answer.order) return;
      const byId = new Map(cards().map((card) => [card.dataset.id, card]));
      list.replaceChildren(...answer.order.map((id) => byId.get(id)).filter(Boolean));
      renumber();
    }

    return { getAnswer: () => ({ order: cards().map((card) => card.dataset.id) }), setAnswer, showFeedback, reset };
  }

  tp.tasks.ranking = { mount };
})();
