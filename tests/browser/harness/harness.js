// What the practice page's controller does: mount the module, keep its controller.
document.addEventListener("DOMContentLoaded", () => {
  const section = document.getElementById("task");
  const spec = JSON.parse(document.getElementById("task-spec").textContent);
  const assets = JSON.parse(document.getElementById("task-assets").textContent);
  const ctx = { assetUrl: (path) => assets[path] || path, locale: section.dataset.locale };
  const module = window.talentpool.tasks[section.dataset.type];
  window.__ctl = module.mount(section.querySelector(".task-ui"), spec, ctx);
  window.__mounted = true;
});
