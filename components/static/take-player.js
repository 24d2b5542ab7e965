/*
 * Mirubato take player: one recorded practice take, with its waveform, seeking, speed (the pitch
 * kept), an A-B loop for the musician's own review, and comments pinned to a moment and to bars.
 * A classic script with no dependencies (ES2020): defines window.MirubatoTakePlayer.
 *
 *   const player = MirubatoTakePlayer.mount(root, {src, durationMs, peaks, comments, canComment, emit, labels});
 *   player.setComments(list); player.seek(ms); player.play(); player.pause();
 *   player.state();   // {currentMs, playing, rate, loopA, loopB}
 *   player.destroy(); // stops the sound and lets go of the connection that streamed it
 *
 * The length comes from the server: MediaRecorder's WebM often reports an infinite duration, so
 * the <audio> element's own is never used. The server answers byte ranges, so seeking is cheap.
 * Events (emit): "comment" {atMs, barFrom, barTo, body}, "select-comment" {id, atMs, barFrom, barTo},
 * "delete-comment" {id}.
 */
(function () {
  "use strict";

  // The page's translation functions (components/language.py); English as written where a page has none.
  const _t = window._t || function (s, v) {
    return v ? s.replace(/\{(\w+)\}/g, function (m, k) { return k in v ? v[k] : m; }) : s;
  };

  const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5];
  const STEP_MS = 5000; // ← and → on the waveform
  // Labels with {names} are filled in here (fill); a page may pass its own (options.labels).
  const LABELS = {
    play: _t("Play"), pause: _t("Pause"), position: _t("Position in the take"), speed: _t("Speed"),
    setA: _t("Set A"), setB: _t("Set B"), clearLoop: _t("Clear loop"), loop: _t("Loop"),
    // Translators: the A-B loop's two ends, e.g. "Loop 0:01.0–0:01.5".
    loopRange: _t("Loop {from}–{to}"),
    comments: _t("Comments"), comment: _t("Comment"),
    // Translators: the button that sends a comment pinned to a moment of the take, e.g. "Comment at 0:02".
    commentAt: _t("Comment at {time}"),
    // Translators: a comment's marker on the waveform, read out by screen readers: its moment and its text.
    marker: _t("Comment at {time}: {body}"),
    placeholder: _t("What you hear here"), bar: _t("Bar"), barTo: _t("To bar"),
    // Translators: the bar (or bars) a comment is about, e.g. "bar 2", "bars 5–6".
    barOne: _t("bar {bar}"), barRange: _t("bars {from}–{to}"),
    deleteComment: _t("Delete this comment"), writeFirst: _t("Write what you hear first."),
    badBars: _t("Bars are whole numbers from 1, and the second is not before the first."),
    unplayable: _t("This recording could not be played."),
    // Translators: the waveform's position read out by screen readers, e.g. "0:02 of 0:04".
    positionOf: _t("{position} of {length}"),
  };

  const h = window.MirubatoDom.h; // components/static/dom.js

  const clamp = (value, low, high) => Math.min(high, Math.max(low, value));
  const fill = (label, values) => label.replace(/\{(\w+)\}/g, (m, name) => (name in values ? values[name] : m));

  function clock(ms) {
    const seconds = Math.max(0, Math.floor((Number(ms) || 0) / 1000));
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }

  const fine = (ms) => `${clock(ms)}.${Math.floor((Number(ms) || 0) / 100) % 10}`; // a loop's ends: "0:01.5"

  function barsText(comment, L) {
    const from = Number(comment.barFrom) || 0;
    const to = Number(comment.barTo) || 0;
    if (!from) return "";
    return to && to !== from ? fill(L.barRange, { from, to }) : fill(L.barOne, { bar: from });
  }

  // "" is no bar; a positive whole number is one; anything else (2.5, -1, "e") is an error.
  function barOf(input) {
    if (input.validity && input.validity.badInput) return NaN;
    const text = input.value.trim();
    if (!text) return null;
    return /^\d+$/.test(text) && Number(text) >= 1 ? Number(text) : NaN;
  }

  function mount(root, options = {}) {
    const L = { ...LABELS, ...(options.labels || {}) };
    const emit = (name, detail) => {
      try {
        (options.emit || (() => {}))(name, detail);
      } catch (e) {
        console.error(e);
      }
    };
    const total = Math.max(1, Number(options.durationMs) || 1);
    const peaks = Array.isArray(options.peaks) ? options.peaks.map((v) => clamp(Number(v) || 0, 0, 255)) : [];
    let comments = [];
    let selected = null;
    let loopA = null;
    let loopB = null;
    let frame = null;
    let dragging = false;
    let size = { width: 0, height: 0 };

    const audio = h("audio", { preload: "metadata", src: options.src });
    const keepPitch = () => {
      audio.preservesPitch = true;
      if ("webkitPreservesPitch" in audio) audio.webkitPreservesPitch = true;
      if ("mozPreservesPitch" in audio) audio.mozPreservesPitch = true;
    };
    keepPitch();
    const now = () => clamp((audio.currentTime || 0) * 1000, 0, total);

    const playButton = h("button", { type: "button", class: "tp-play", "data-testid": "take-play",
      onclick: () => toggle() });
    const time = h("span", { class: "tp-time", "data-testid": "take-time", "aria-live": "off" });
    const canvas = h("canvas", { class: "tp-canvas", "aria-hidden": "true" });
    const markers = h("div", { class: "tp-markers" });
    const wave = h("div", { class: "tp-wave", tabindex: 0, role: "slider", "aria-label": L.position,
      "aria-valuemin": 0, "aria-valuemax": Math.round(total / 1000), "data-testid": "take-wave" }, canvas, markers);
    const speed = h("select", { class: "tp-input", "data-testid": "take-speed", onchange: (e) => {
      audio.playbackRate = audio.defaultPlaybackRate = Number(e.target.value) || 1;
      keepPitch();
    } }, SPEEDS.map((value) => h("option", { value, selected: value === 1, text: `${value}x` })));
    const tool = (text, testid, onclick) => h("button", { type: "button", class: "tp-button", "data-testid": testid,
      text, onclick });
    const loopText = h("span", { class: "tp-muted tp-loop", "data-testid": "take-loop" });
    const clearButton = tool(L.clearLoop, "take-clear-loop", () => setLoop(null, null));
    const message = h("div", { class: "tp-hint", role: "status", "aria-live": "polite" });
    const list = h("ol", { class: "tp-comments", "aria-label": L.comments });

    const text = h("input", { type: "text", class: "tp-input tp-text", maxlength: 2000, placeholder: L.placeholder,
      "aria-label": L.comment, autocomplete: "off", "data-testid": "take-comment-text",
      onkeydown: (e) => e.key === "Enter" && !e.isComposing && (e.preventDefault(), comment()) });
    const barField = (label, testid) => h("input", { type: "number", min: 1, step: 1, inputmode: "numeric",
      class: "tp-input tp-bar", placeholder: label, "aria-label": label, "data-testid": testid });
    const barFrom = barField(L.bar, "take-comment-bar");
    const barTo = barField(L.barTo, "take-comment-bar-to");
    const send = h("button", { type: "button", class: "tp-send", "data-testid": "take-comment-send",
      onclick: () => comment() });
    const form = options.canComment ? h("div", { class: "tp-form", role: "group", "aria-label": L.comment },
      text, barFrom, barTo, send) : null;

    const panel = h("div", { class: "tp-panel", "data-testid": "take-player" }, audio,
      h("div", { class: "tp-head" }, playButton, wave, time),
      h("div", { class: "tp-tools" },
        h("label", { class: "tp-speed" }, h("span", { class: "tp-muted", text: L.speed }), speed),
        h("div", { class: "tp-ab", role: "group", "aria-label": L.loop },
          tool(L.setA, "take-set-a", () => setLoop(now(), loopB)),
          tool(L.setB, "take-set-b", () => setLoop(loopA, now())), clearButton),
        loopText),
      form, message, list);
    root.replaceChildren(panel);

    function toggle() {
      if (audio.paused) play();
      else audio.pause();
    }

    function play() {
      const started = audio.play();
      if (started && started.catch) started.catch((error) => {
        if (error && error.name === "NotSupportedError") message.textContent = L.unplayable;
      });
      return started;
    }

    function seek(ms) {
      audio.currentTime = clamp(Number(ms) || 0, 0, total) / 1000;
      paint();
    }

    function setLoop(a, b) {
      [loopA, loopB] = a !== null && b !== null && b < a ? [b, a] : [a, b];
      if (loopA !== null && loopB !== null && loopB - loopA < 50) loopB = null; // no loop of nothing
      loopText.textContent = loopA === null && loopB === null ? ""
        : fill(L.loopRange, { from: fine(loopA ?? 0), to: loopB === null ? clock(total) : fine(loopB) });
      clearButton.disabled = loopA === null && loopB === null;
      draw();
    }

    // While playing, at B go back to A (the start when only B is set). Checked every frame (tight)
    // and on timeupdate (a background tab has no frames).
    function keepLooping() {
      if (loopB === null || audio.paused || now() < loopB) return;
      audio.currentTime = (loopA ?? 0) / 1000;
    }

    function comment() {
      const atMs = Math.round(now()); // the moment of the click, whatever plays after
      const body = text.value.trim();
      if (!body) {
        message.textContent = L.writeFirst;
        text.focus();
        return;
      }
      const first = barOf(barFrom);
      const last = barOf(barTo);
      if (Number.isNaN(first) || Number.isNaN(last) || (last !== null && (first === null || last < first))) {
        message.textContent = L.badBars;
        return;
      }
      message.textContent = "";
      emit("comment", { atMs, barFrom: first, barTo: last, body });
      text.value = "";
    }

    function choose(item) {
      selected = item.id;
      seek(item.atMs);
      render();
      emit("select-comment", { id: item.id, atMs: item.atMs, barFrom: item.barFrom ?? null, barTo: item.barTo ?? null });
    }

    function render() {
      markers.replaceChildren(...comments.map((item) => h("button", { type: "button",
        class: `tp-marker${item.id === selected ? " tp-on" : ""}`, "data-testid": "take-marker",
        "data-at-ms": item.atMs, style: `left: ${(100 * clamp(item.atMs, 0, total)) / total}%`,
        title: `${clock(item.atMs)} · ${item.body}`,
        "aria-label": fill(L.marker, { time: clock(item.atMs), body: item.body }),
        onclick: (event) => {
          event.stopPropagation();
          choose(item);
        } })));
      list.replaceChildren(...comments.map((item) => {
        const bars = barsText(item, L);
        const on = item.id === selected;
        return h("li", { class: `tp-comment${on ? " tp-on" : ""}`, "data-testid": "take-comment-row", "data-id": item.id },
          h("button", { type: "button", class: "tp-pick", "aria-current": on ? "true" : null, onclick: () => choose(item) },
            h("span", { class: "tp-at", text: clock(item.atMs) }),
            bars ? h("span", { class: "tp-bars", text: ` · ${bars}` }) : null,
            h("span", { class: "tp-body", text: ` · ${item.body}` }),
            item.authorName ? h("span", { class: "tp-author", text: ` · ${item.authorName}` }) : null),
          item.mine ? h("button", { type: "button", class: "tp-delete", "aria-label": L.deleteComment,
            title: L.deleteComment, text: "×", onclick: () => emit("delete-comment", { id: item.id }) }) : null);
      }));
    }

    function resize() {
      const ratio = window.devicePixelRatio || 1;
      size = { width: wave.clientWidth || 300, height: wave.clientHeight || 64 };
      canvas.width = Math.round(size.width * ratio);
      canvas.height = Math.round(size.height * ratio);
      draw();
    }

    function draw() {
      const { width, height } = size;
      if (!width) return;
      const context = canvas.getContext("2d");
      const ratio = canvas.width / width;
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.clearRect(0, 0, width, height);
      const styles = getComputedStyle(panel);
      const colour = (name, fallback) => styles.getPropertyValue(name).trim() || fallback;
      const x = (ms) => (clamp(ms, 0, total) / total) * width;
      if (loopA !== null || loopB !== null) {
        context.fillStyle = colour("--tp-loop", "rgba(217, 164, 0, 0.22)");
        context.fillRect(x(loopA ?? 0), 0, Math.max(2, x(loopB ?? total) - x(loopA ?? 0)), height);
        context.fillStyle = colour("--tp-loop-edge", "#b07d00");
        for (const end of [loopA, loopB]) if (end !== null) context.fillRect(clamp(x(end) - 1, 0, width - 2), 0, 2, height);
      }
      const played = colour("--tp-primary", "#4f46b8");
      const rest = colour("--tp-rest", "#c9c9d3");
      const count = Math.max(1, peaks.length);
      const step = width / count;
      const head = x(now());
      const middle = height / 2;
      for (let i = 0; i < count; i += 1) {
        const level = peaks.length ? peaks[i] / 255 : 0;
        const bar = Math.max(2, level * (height - 8));
        context.fillStyle = (i + 0.5) * step <= head ? played : rest;
        context.fillRect(i * step + step * 0.15, middle - bar / 2, Math.max(1, step * 0.7), bar);
      }
      context.fillStyle = colour("--tp-head", "#1f1f2e");
      context.fillRect(clamp(head - 1, 0, width - 2), 0, 2, height);
    }

    function paint() {
      const shown = now();
      time.textContent = `${clock(shown)} / ${clock(Math.round(total / 1000) * 1000)}`; // 2.96 s is "0:03"
      send.textContent = fill(L.commentAt, { time: clock(shown) });
      wave.setAttribute("aria-valuenow", Math.round(shown / 1000));
      wave.setAttribute("aria-valuetext", fill(L.positionOf, { position: clock(shown), length: clock(total) }));
      playButton.textContent = audio.paused ? "▶" : "❚❚";
      playButton.setAttribute("aria-label", audio.paused ? L.play : L.pause);
      panel.dataset.playing = String(!audio.paused);
      draw();
    }

    function tick() {
      keepLooping();
      paint();
      frame = audio.paused ? null : requestAnimationFrame(tick);
    }

    function pointerSeek(event) {
      const box = wave.getBoundingClientRect();
      seek(((event.clientX - box.left) / Math.max(1, box.width)) * total);
    }
    wave.addEventListener("pointerdown", (event) => {
      if (event.button !== 0 || event.target.closest(".tp-marker")) return; // a marker has its own click
      dragging = true;
      wave.setPointerCapture(event.pointerId);
      pointerSeek(event);
    });
    wave.addEventListener("pointermove", (event) => dragging && pointerSeek(event));
    for (const name of ["pointerup", "pointercancel"]) wave.addEventListener(name, () => (dragging = false));
    wave.addEventListener("keydown", (event) => {
      const moves = { ArrowLeft: -STEP_MS, ArrowRight: STEP_MS, Home: -total, End: total };
      if (event.target !== wave) return;
      if (event.key in moves) {
        event.preventDefault();
        seek(now() + moves[event.key]);
      } else if (event.key === " " || event.key === "Spacebar") {
        event.preventDefault();
        toggle();
      }
    });
    audio.addEventListener("play", () => {
      message.textContent = "";
      frame ??= requestAnimationFrame(tick);
    });
    audio.addEventListener("timeupdate", () => {
      keepLooping();
      if (frame === null) paint();
    });
    audio.addEventListener("ended", () => {
      if (loopB !== null) {
        audio.currentTime = (loopA ?? 0) / 1000; // a B at the very end: the loop goes on
        play();
      } else paint();
    });
    for (const name of ["pause", "seeked", "loadedmetadata"]) audio.addEventListener(name, paint);
    audio.addEventListener("error", () => {
      if (audio.getAttribute("src")) message.textContent = L.unplayable;
    });
    const observer = new ResizeObserver(resize);
    observer.observe(wave);

    function setComments(next) {
      comments = (Array.isArray(next) ? next : []).filter((item) => item && item.id !== undefined)
        .map((item) => ({ ...item, atMs: clamp(Math.round(Number(item.atMs) || 0), 0, total),
          body: String(item.body ?? ""), authorName: item.authorName ? String(item.authorName) : "" }))
        .sort((a, b) => a.atMs - b.atMs);
      if (!comments.some((item) => item.id === selected)) selected = null;
      render();
    }
    setComments(options.comments);
    setLoop(null, null);
    resize();
    paint();

    return {
      setComments, seek, play, pause: () => audio.pause(),
      state: () => ({ currentMs: now(), playing: !audio.paused, rate: audio.playbackRate, loopA, loopB }),
      destroy() {
        observer.disconnect();
        if (frame !== null) cancelAnimationFrame(frame);
        frame = null;
        audio.pause();
        audio.removeAttribute("src");
        audio.load(); // lets go of the connection that streamed it
        panel.remove();
      },
    };
  }

  window.MirubatoTakePlayer = { mount, clock };
})();
