// rubric: written work — the materials are shown by the page; the answer is Markdown text and,
// where the task allows, uploaded files, which raters score later (no feedback here).
(function () {
  "use strict";
  const tp = window.talentpool;
  const kit = tp.taskkit;

  function mountFiles(root, strings) {
    const box = root.querySelector(".tp-files");
    if (!box) return { list: () => [] };
    const url = box.dataset.filesUrl;
    const input = box.querySelector(".tp-file-input");
    const list = box.querySelector(".tp-file-list");
    const error = box.querySelector(".tp-file-error");
    let files = [];

    function showError(text) { error.textContent = text || ""; error.hidden = !text; }
    function render() {
      list.replaceChildren(...files.map((file) => kit.el("li", {},
        kit.el("span", { text: `${file.name} (${Math.ceil(file.bytes / 1024)} KB) ` }),
        kit.el("button", { type: "button", class: "btn btn-small btn-ghost", text: strings.remove,
          onclick: () => removeFile(file) }))));
      input.disabled = files.length >= Number(box.dataset.maxFiles);
    }
    async function removeFile(file) {
      const reply = await tp.postJSON(`${url}/${encodeURIComponent(file.id)}/remove`, {});
      if (!reply.ok) { showError(reply.data?.error || strings.failed); return; }
      files = files.filter((kept) => kept.id !== file.id);
      showError("");
      render();
    }
    input.addEventListener("change", async () => {
      const chosen = input.files[0];
      if (!chosen) return;
      showError(kit.fill(strings.uploading, { name: chosen.name }));
      const body = new FormData();
      body.append("file", chosen);
      const response = await fetch(url, { method: "POST", credentials: "same-origin", body,
        headers: { "Accept": "application/json", "X-CSRFToken": tp.csrfToken } });
      let data = null;
      try { data = await response.json(); } catch (_) { data = null; }
      input.value = "";
      if (!response.ok) { showError(data?.error || strings.failed); return; }
      files.push(data.file);
      showError("");
      render();
    });
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then((response) => (response.ok ? response.json() : { files: [] }))
      .then((data) => { files = data.files || []; render(); })
      .catch(() => {});
    return { list: () => files.map((file) => ({ ...file })) };
  }

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
    const files = mountFiles(root, strings);
    return {
      getAnswer: () => ({ text: answer ? answer.value : "", files: files.list() }),
      setAnswer(value) { if (answer) answer.value = value.text || ""; showCount(); },
      showFeedback() { if (answer) answer.readOnly = true; },
      reset() { if (answer) { answer.readOnly = false; answer.value = ""; } showCount(); },
    };
  }

  tp.tasks.rubric = { mount };
})();
