// The player of one recorded take: a waveform drawn from the levels computed once when the take
// was kept, seeking (the server answers byte ranges), speed with the pitch kept, an A-B loop for
// the musician's own review, and comments as markers at their moment (with the bars they name).
// The length comes from the server: MediaRecorder's WebM often reports an infinite duration.
(function () {
  const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5];

  function h(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) if (child) node.append(child);
    return node;
  }

  function clock(ms) {
    const seconds = Math.max(0, Math.floor(ms / 1000));
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }

  function bars(comment) {
    if (!comment.barFrom) return "";
    return comment.barTo && comment.barTo !== comment.barFrom ? `bars ${comment.barFrom}–${comment.barTo}`
      : `bar ${comment.barFrom}`;
  }

  function mount(root, options) {
    const emit = options.emit || (() => {});
    const total = Math.max(1, Number(options.durationMs) || 1);
    const peaks = Array.isArray(options.peaks) ? options.peaks : [];
    let comments = options.comments || [];
    let loopA = null;
    let loopB = null;
    let selected = null;
    let frame = null;

    const audio = h("audio", { preload: "metadata", src: options.src });
    audio.preservesPitch = true;
    audio.mozPreservesPitch = true;
    audio.webkitPreservesPitch = true;
    const now = () => Math.min(total, audio.currentTime * 1000);

    const play = h("button", { type: "button", class: "tp-play", "data-testid": "take-play", "aria-label": "Play",
      onclick: () => (audio.paused ? audio.play() : audio.pause()) });
    const time = h("span", { class: "tp-time", "data-testid": "take-time" });
    const canvas = h("canvas", { class: "tp-canvas" });
    const markerLayer = h("div", { class: "tp-markers" });
    const wave = h("div", { class: "tp-wave", tabindex: 0, role: "slider", "aria-label": "Position in the take",
      "aria-valuemin": 0, "aria-valuemax": Math.round(total / 1000), "data-testid": "take-wave" }, canvas,
    markerLayer);
    const speed = h("select", { class: "tp-select", "data-testid": "take-speed", "aria-label": "Speed",
      onchange: (e) => {
        audio.playbackRate = Number(e.target.value);
        audio.preservesPitch = true;
      } }, SPEEDS.map((value) => h("option", { value, selected: value === 1, text: `${value}x` })));
    const setA = h("button", { type: "button", class: "tp-small", "data-testid": "take-set-a", text: "Set A",
      onclick: () => setLoop(now(), loopB) });
    const setB = h("button", { type: "button", class: "tp-small", "data-testid": "take-set-b", text: "Set B",
      onclick: () => setLoop(loopA, now()) });
    const clear = h("button", { type: "button", class: "tp-small", "data-testid": "take-clear-loop",
      text: "Clear loop", onclick: () => setLoop(null, null) });
    const loopText = h("span", { class: "tp-muted", "data-testid": "take-loop" });
    const list = h("ol", { class: "tp-comments", "aria-label": "Comments" });

    const text = h("input", { type: "text", class: "tp-input", maxlength: 2000, placeholder: "What you hear here",
      "aria-label": "Comment", "data-testid": "take-comment-text" });
    const barFrom = h("input", { type: "number", min: 1, class: "tp-input tp-bar", placeholder: "Bar",
      "aria-label": "Bar", "data-testid": "take-comment-bar" });
    const barTo = h("input", { type: "number", min: 1, class: "tp-input tp-bar", placeholder: "to",
      "aria-label": "To bar", "data-testid": "take-comment-bar-to" });
    const hint = h("div", { class: "tp-hint", role: "status", "aria-live": "polite" });
    const send = h("button", { type: "button", class: "tp-send", "data-testid": "take-comment-send",
      onclick: comment });
    const form = options.canComment ? h("div", { class: "tp-form" }, text, barFrom, barTo, send, hint) : null;

    const panel = h("div", { class: "tp-panel", "data-testid": "take-player" }, audio,
      h("div", { class: "tp-row" }, play, wave, time),
      h("div", { class: "tp-row tp-tools" }, h("label", { class: "tp-muted", text: "Speed " }, speed), setA, setB,
        clear, loopText),
      form, list);
    root.replaceChildren(panel);

    function setLoop(a, b) {
      [loopA, loopB] = a !== null && b !== null && b < a ? [b, a] : [a, b];
      loopText.textContent = loopA === null && loopB === null ? ""
        : `Loop ${loopA === null ? "…" : clock(loopA)}–${loopB === null ? "…" : clock(loopB)}`;
      draw();
    }

    function keepLooping() {
      if (loopA !== null && loopB !== null && now() >= loopB) audio.currentTime = loopA / 1000;
    }

    function seek(ms) {
      audio.currentTime = Math.max(0, Math.min(total, ms)) / 1000;
      paint();
    }

    function comment() {
      const body = text.value.trim();
      if (!body) {
        hint.textContent = "Write what you hear first.";
        return;
      }
      const first = barFrom.value ? Math.round(Number(barFrom.value)) : null;
      const last = barTo.value ? Math.round(Number(barTo.value)) : null;
      if ((first !== null && first < 1) || (last !== null && (first === null || last < first))) {
        hint.textContent = "Bars go from the first to the last, starting at 1.";
        return;
      }
      hint.textContent = "";
      emit("comment", { atMs: Math.round(now()), barFrom: first, barTo: last, body });
      text.value = "";
    }

    function choose(item) {
      selected = item.id;
      seek(item.atMs);
      renderComments();
      emit("select-comment", { id: item.id, atMs: item.atMs, barFrom: item.barFrom || null, barTo: item.barTo || null });
    }

    function renderComments() {
      markerLayer.replaceChildren(...comments.map((item) => h("button", { type: "button", class: "tp-marker",
        style: `left: ${(100 * Math.min(item.atMs, total)) / total}%`, "data-testid": "take-marker",
        "data-at-ms": item.atMs, title: `${clock(item.atMs)} ${item.body}`,
        "aria-label": `Comment at ${clock(item.atMs)}`, onclick: (e) => {
          e.stopPropagation();
          choose(item);
        } })));
      list.replaceChildren(...comments.map((item) => h("li", { class: `tp-comment${item.id === selected ? " tp-on" : ""}`,
        "data-testid": "take-comment-row" },
      h("button", { type: "button", class: "tp-at", text: clock(item.atMs), onclick: () => choose(item) }),
      h("span", { class: "tp-bars", text: bars(item) }),
      h("span", { class: "tp-body", text: item.body }),
      h("span", { class: "tp-muted", text: item.authorName ? `· ${item.authorName}` : "" }),
      item.mine ? h("button", { type: "button", class: "tp-delete", "aria-label": "Delete this comment", text: "×",
        onclick: () => emit("delete-comment", { id: item.id }) }) : null)));
    }

    function draw() {
      const ratio = window.devicePixelRatio || 1;
      const width = wave.clientWidth || 300;
      const height = wave.clientHeight || 56;
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      const context = canvas.getContext("2d");
      context.scale(ratio, ratio);
      context.clearRect(0, 0, width, height);
      const styles = getComputedStyle(panel);
      const played = styles.getPropertyValue("--tp-played").trim() || "#5c6bc0";
      const rest = styles.getPropertyValue("--tp-rest").trim() || "#c5c9d3";
      if (loopA !== null || loopB !== null) {
        const from = ((loopA ?? 0) / total) * width;
        const to = ((loopB ?? total) / total) * width;
        context.fillStyle = styles.getPropertyValue("--tp-loop").trim() || "rgba(255, 193, 7, 0.25)";
        context.fillRect(from, 0, Math.max(1, to - from), height);
      }
      const count = peaks.length || 1;
      const step = width / count;
      const position = (now() / total) * width;
      for (let i = 0; i < count; i++) {
        const level = peaks.length ? peaks[i] / 255 : 0.05;
        const bar = Math.max(1, level * (height - 4));
        context.fillStyle = i * step < position ? played : rest;
        context.fillRect(i * step, (height - bar) / 2, Math.max(1, step - 1), bar);
      }
      context.fillStyle = styles.getPropertyValue("--tp-head").trim() || "#1a237e";
      context.fillRect(Math.min(width - 2, position), 0, 2, height);
    }

    function paint() {
      const shown = now();
      time.textContent = `${clock(shown)} / ${clock(Math.round(total / 1000) * 1000)}`; // 2.96 s is "0:03"
      send.textContent = `Comment at ${clock(shown)}`;
      wave.setAttribute("aria-valuenow", Math.round(shown / 1000));
      wave.setAttribute("aria-valuetext", `${clock(shown)} of ${clock(total)}`);
      play.textContent = audio.paused ? "▶" : "❚❚";
      play.setAttribute("aria-label", audio.paused ? "Play" : "Pause");
      draw();
    }

    function tick() {
      keepLooping(); // every frame while playing: a loop's end is kept to within a frame
      paint();
      frame = audio.paused ? null : requestAnimationFrame(tick);
    }

    function pointerSeek(event) {
      const box = wave.getBoundingClientRect();
      seek(((event.clientX - box.left) / box.width) * total);
    }
    let dragging = false;
    wave.addEventListener("pointerdown", (event) => {
      if (event.target.closest(".tp-marker")) return; // a marker's own click: captured, it would never arrive
      dragging = true;
      wave.setPointerCapture(event.pointerId);
      pointerSeek(event);
    });
    wave.addEventListener("pointermove", (event) => dragging && pointerSeek(event));
    wave.addEventListener("pointerup", () => (dragging = false));
    wave.addEventListener("keydown", (event) => {
      if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
        event.preventDefault();
        seek(now() + (event.key === "ArrowLeft" ? -5000 : 5000));
      } else if (event.key === " ") {
        event.preventDefault();
        play.click();
      }
    });
    audio.addEventListener("play", () => (frame ??= requestAnimationFrame(tick)));
    audio.addEventListener("pause", paint);
    audio.addEventListener("timeupdate", () => {
      keepLooping();
      if (frame === null) paint();
    });
    audio.addEventListener("ended", paint);
    audio.addEventListener("seeked", paint);
    const resized = new ResizeObserver(() => draw());
    resized.observe(wave);
    renderComments();
    paint();

    return {
      setComments(next) {
        comments = next || [];
        renderComments();
      },
      seek,
      play: () => audio.play(),
      pause: () => audio.pause(),
      state: () => ({ currentMs: now(), playing: !audio.paused, rate: audio.playbackRate, loopA, loopB }),
      destroy() {
        resized.disconnect();
        if (frame !== null) cancelAnimationFrame(frame);
        audio.pause();
        audio.removeAttribute("src");
        audio.load(); // lets go of the connection that streamed it
      },
    };
  }

  window.MirubatoTakePlayer = { mount };
})();
