// transcription: audio player (play/pause, back 5 s, speed 0.5×–1.5×) or an image, and a transcript box.
(function () {
  "use strict";
  const tp = window.talentpool;
  const kit = tp.taskkit;
  const BACK_SECONDS = 5;

  function clock(seconds) {
    const whole = Number.isFinite(seconds) ? Math.floor(seconds) : 0;
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
  }

  function mountPlayer(root, strings) {
    const audio = root.querySelector("audio");
    if (!audio) return null;
    const playButton = root.querySelector(".tp-play");
    const seek = root.querySelector(".tp-seek");
    const time = root.querySelector(".tp-time");
    const rate = root.querySelector(".tp-rate");

    function showState() {
      const playing = !audio.paused;
      playButton.setAttribute("aria-pressed", String(playing));
      playButton.querySelector("[aria-hidden]").textContent = playing ? "❚❚" : "▶";
      playButton.querySelector(".tp-play-text").textContent = playing ? strings.pause : strings.play;
    }
    function showTime() {
      seek.max = Number.isFinite(audio.duration) ? audio.duration : 0;
      seek.value = audio.currentTime;
      time.textContent = `${clock(audio.currentTime)} / ${clock(audio.duration)}`;
    }
    const toggle = () => (audio.paused ? audio.play().catch(() => {}) : audio.pause());
    const back = () => { audio.currentTime = Math.max(0, audio.currentTime - BACK_SECONDS); };

    playButton.addEventListener("click", toggle);
    root.querySelector(".tp-back").addEventListener("click", back);
    seek.addEventListener("input", () => { audio.currentTime = Number(seek.value); });
    rate.addEventListener("change", () => { audio.playbackRate = Number(rate.value); });
    ["play", "pause", "ended"].forEach((name) => audio.addEventListener(name, showState));
    ["timeupdate", "loadedmetadata", "durationchange", "seeked"].forEach((name) => audio.addEventListener(name, showTime));
    return { toggle, back, stop: () => audio.pause() };
  }

  function mount(root, spec, ctx) {
    const strings = kit.readStrings(root);
    const transcript = root.querySelector(".tp-transcript");
    const diff = root.querySelector(".tp-diff");
    root.querySelectorAll("[data-asset]").forEach((media) => { media.src = ctx.assetUrl(media.dataset.asset); });
    const player = mountPlayer(root, strings);

    // Ctrl+Space and Ctrl+[ work anywhere on the page, including while typing in the transcript.
    document.addEventListener("keydown", (event) => {
      if (!player || !root.isConnected || !(event.ctrlKey || event.metaKey)) return;
      if (event.code === "Space") player.toggle();
      else if (event.key === "[") player.back();
      else return;
      event.preventDefault();
    });

    function renderOps(ops) {
      const line = root.querySelector(".tp-diff-text");
      line.replaceChildren();
      for (const op of ops) {
        if (op.op === "equal") line.append(kit.el("span", { class: "op-equal", text: op.gold }));
        if (op.op === "insert" || op.op === "replace") {
          line.append(kit.el("del", { class: `op-${op.op}`, title: strings[op.op === "insert" ? "extra" : "replaced"], text: op.answer }));
        }
        if (op.op === "delete" || op.op === "replace") {
          line.append(kit.el("ins", { class: `op-${op.op}`, title: strings[op.op === "delete" ? "missing" : "replaced"], text: op.gold }));
        }
      }
    }

    return {
      getAnswer: () => ({ text: transcript.value }),
      setAnswer(answer) { transcript.value = answer.text; },
      showFeedback(feedback) {
        player?.stop();
        transcript.readOnly = true;
        root.classList.add("is-locked");
        renderOps(feedback.ops);
        root.querySelector(".tp-gold-text").textContent = feedback.gold_text;
        root.querySelector(".tp-summary").textContent = kit.fill(strings.summary, {
          cer: kit.percent(feedback.cer), distance: feedback.distance, length: Array.from(feedback.gold_normalised).length,
        });
        diff.hidden = false;
      },
      reset() {
        transcript.readOnly = false;
        transcript.value = "";
        root.classList.remove("is-locked");
        diff.hidden = true;
        ["tp-diff-text", "tp-gold-text", "tp-summary"].forEach((name) => { root.querySelector(`.${name}`).textContent = ""; });
      },
    };
  }

  tp.tasks.transcription = { mount };
})();
