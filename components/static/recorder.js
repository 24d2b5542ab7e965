/*
 * Mirubato recorder: record a practice take in the browser, listen back, then keep or discard it.
 * A classic script with no dependencies (ES2020): defines window.MirubatoRecorder.
 *
 *   const rec = MirubatoRecorder.mount(root, {maxSeconds, defaultName, onKeep, emit, labels});
 *   rec.state();    // {status: "idle"|"recording"|"paused"|"review", seconds, level}
 *   rec.destroy();  // stops recording, releases the microphone, closes audio, revokes URLs
 *
 * The microphone is asked for only when Record is pressed, with the browser's voice processing
 * off (musicians want the real sound). MediaRecorder writes 1 s slices, so a crash loses little.
 * Elapsed time is wall-clock segments (pauses excluded), checked by a timer rather than by
 * animation frames, so the limit holds in a background tab too.
 */
(function () {
  "use strict";

  // The page's translation functions (components/language.py); English as written where a page has none.
  const _t = window._t || function (s, v) {
    return v ? s.replace(/\{(\w+)\}/g, function (m, k) { return k in v ? v[k] : m; }) : s;
  };

  const TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"];
  const LABELS = {
    ready: _t("Ready to record"), recording: _t("Recording"), paused: _t("Paused"), review: _t("Listen back"),
    record: _t("Record"), pause: _t("Pause"), resume: _t("Resume"), stop: _t("Stop"), keep: _t("Keep"),
    saving: _t("Saving…"), discard: _t("Discard"), discardAsk: _t("Discard this take?"),
    discardYes: _t("Yes, discard"), cancel: _t("Cancel"), name: _t("Name of the take"), level: _t("Input level"),
    asking: _t("Allow the microphone when the browser asks."), started: _t("Recording started"),
    pausedSay: _t("Recording paused"), resumed: _t("Recording resumed"),
    stopped: _t("Stopped. Listen back, then keep or discard the take."), kept: _t("Take kept"),
    discarded: _t("Take discarded"),
    // Translators: {limit} is a length such as "20-minute" or "2-second" (translated on its own).
    limit: _t("Stopped at the {limit} limit"),
    refused: _t("Microphone access was refused. Allow it in the browser's site settings to record."),
    noMicrophone: _t("No microphone found."), disconnected: _t("The microphone was disconnected."),
    insecure: _t("This browser cannot record here: it needs a secure (https) page."),
    unsupported: _t("This browser cannot record audio: it needs a current browser."),
    // Translators: {error} is the browser's own message (often in English).
    failed: _t("The recording could not start: {error}"), keepFailed: _t("The take could not be kept."),
  };

  const h = window.MirubatoDom.h; // components/static/dom.js

  const clock = (seconds) => {
    const whole = Math.floor(Math.max(0, seconds));
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
  };
  // Translators: the two lengths of the recording limit, as in "Stopped at the 20-minute limit".
  const limitText = (max) => (max % 60 === 0 ? _t("{minutes}-minute", { minutes: max / 60 })
    : max < 60 ? _t("{seconds}-second", { seconds: max }) : clock(max));
  const nextName = (name) => {
    const match = /^(.*?)(\d+)\s*$/.exec(name);
    return match ? `${match[1]}${Number(match[2]) + 1}` : `${name} 2`;
  };

  /** The waveform: the largest |sample| of each of `count` buckets over all channels, loudest = 255. */
  function peaks(buffer, count = 200) {
    const length = buffer.length;
    const levels = new Array(count).fill(0);
    for (let c = 0; c < buffer.numberOfChannels; c += 1) {
      const data = buffer.getChannelData(c);
      for (let i = 0; i < count; i += 1) {
        const end = Math.floor(((i + 1) * length) / count);
        let top = levels[i];
        for (let j = Math.floor((i * length) / count); j < end; j += 1) {
          const value = data[j] < 0 ? -data[j] : data[j];
          if (value > top) top = value;
        }
        levels[i] = top;
      }
    }
    const loudest = Math.max(0, ...levels);
    return levels.map((level) => (loudest > 0 ? Math.round((level / loudest) * 255) : 0));
  }

  function mimeType() {
    if (!window.MediaRecorder || !MediaRecorder.isTypeSupported) return "";
    return TYPES.find((type) => MediaRecorder.isTypeSupported(type)) || "";
  }

  async function decode(blob) {
    const Offline = window.OfflineAudioContext || window.webkitOfflineAudioContext;
    // 16 kHz is plenty for a duration and a 200-point waveform, and keeps a 20-minute take at ~77 MB decoded.
    const context = Offline ? new Offline(1, 1, 16000) : new AudioContext();
    try {
      return await context.decodeAudioData(await blob.arrayBuffer());
    } finally {
      if (context.close && context.state !== "closed") context.close().catch(() => {});
    }
  }

  function mount(root, options = {}) {
    const L = { ...LABELS, ...(options.labels || {}) };
    const maxSeconds = Number(options.maxSeconds) > 0 ? Number(options.maxSeconds) : 1200;
    const emit = (name, detail) => {
      try {
        (options.emit || (() => {}))(name, detail);
      } catch (e) {
        console.error(e);
      }
    };
    // Translators: the first take's name; the next ones count on from the number, which must end the name.
    let defaultName = String(options.defaultName || _t("Take {number}", { number: 1 }));
    let status = "idle";
    let level = 0;
    let done = 0; // ms recorded in finished segments
    let since = 0; // performance.now() when the current segment began (0: none running)
    let stream = null, context = null, analyser = null, recorder = null, chunks = [];
    let take = null; // {blob, url, seconds}
    let frame = 0, ticker = 0, limiter = 0, destroyed = false, asking = false;

    const seconds = () => (done + (since ? performance.now() - since : 0)) / 1000;
    const button = (text, testid, onclick, kind = "rc-secondary") =>
      h("button", { type: "button", class: kind, "data-testid": testid, text, onclick });

    const dot = h("span", { class: "rc-dot", "aria-hidden": "true" });
    const statusText = h("span", { class: "rc-status", text: L.ready });
    const time = h("span", { class: "rc-time", "data-testid": "rec-time", text: "0:00" });
    const bar = h("div", { class: "rc-bar" });
    const meter = h("div", { class: "rc-meter", role: "meter", "aria-label": L.level, "aria-valuemin": 0,
      "aria-valuemax": 100, "aria-valuenow": 0, "data-testid": "rec-level" }, bar);
    const playback = h("audio", { controls: true, preload: "metadata", class: "rc-audio", "data-testid": "rec-playback" });
    // Chromium's MediaRecorder WebM has no duration in its header, so the player shows none and cannot seek:
    // seeking past the end once makes it read the file through and learn the length.
    playback.addEventListener("loadedmetadata", () => {
      if (playback.duration !== Infinity) return;
      playback.addEventListener("timeupdate", () => { playback.currentTime = 0; }, { once: true });
      playback.currentTime = 1e101;
    });
    const nameInput = h("input", { type: "text", maxlength: 100, "data-testid": "rec-name", class: "rc-input",
      autocomplete: "off" });
    nameInput.value = defaultName;
    const recordButton = button(L.record, "rec-start", () => start(), "rc-primary rc-record");
    const pauseButton = button(L.pause, "rec-pause", () => togglePause());
    const stopButton = button(L.stop, "rec-stop", () => stop(), "rc-primary rc-stop");
    const keepButton = button(L.keep, "rec-keep", () => keep(), "rc-primary");
    const discardButton = button(L.discard, "rec-discard", () => confirmDiscard(true));
    const confirmBox = h("div", { class: "rc-confirm", role: "group", "data-testid": "rec-discard-confirm" },
      h("span", { text: L.discardAsk }),
      button(L.discardYes, "rec-discard-yes", () => discard(), "rc-primary rc-danger"),
      button(L.cancel, "rec-discard-cancel", () => confirmDiscard(false)));
    const message = h("div", { class: "rc-message", "data-testid": "rec-message" });
    const error = h("div", { class: "rc-error", role: "alert", "data-testid": "rec-error" });
    const live = h("div", { class: "rc-live", "aria-live": "polite", role: "status", "data-testid": "rec-live" });
    const panel = h("section", { class: "rc-panel", "data-testid": "recorder", "data-status": "idle" },
      h("div", { class: "rc-head" }, h("span", { class: "rc-state" }, dot, statusText), time), meter, playback,
      h("label", { class: "rc-field" }, h("span", { text: L.name }), nameInput),
      h("div", { class: "rc-row" }, recordButton, pauseButton, stopButton, keepButton, discardButton),
      confirmBox, message, error, live);
    root.replaceChildren(panel);

    const announce = (text) => { live.textContent = text; };
    const moveFocus = (target) => {
      // The button pressed is hidden by the new state: keep a keyboard user's focus in the panel.
      if (!document.activeElement || document.activeElement === document.body || panel.contains(document.activeElement)) {
        target.focus();
      }
    };
    const watchLimit = () => {
      clearTimeout(limiter);
      limiter = setTimeout(tick, Math.max(0, maxSeconds * 1000 - done) + 5);
    };
    const showError = (text) => { error.textContent = text || ""; };
    function render() {
      panel.dataset.status = status;
      statusText.textContent = L[status === "idle" ? "ready" : status];
      time.textContent = clock(status === "review" && take ? take.seconds : seconds());
      const on = { idle: [recordButton], recording: [pauseButton, stopButton], paused: [pauseButton, stopButton],
        review: [keepButton, discardButton] }[status];
      for (const b of [recordButton, pauseButton, stopButton, keepButton, discardButton]) b.hidden = !on.includes(b);
      pauseButton.textContent = status === "paused" ? L.resume : L.pause;
      meter.hidden = !["recording", "paused"].includes(status);
      playback.hidden = status !== "review";
      if (status !== "review") confirmBox.hidden = true;
    }

    const unsupported = !window.isSecureContext ? L.insecure
      : !window.MediaRecorder || !(navigator.mediaDevices && navigator.mediaDevices.getUserMedia) ? L.unsupported : "";
    if (unsupported) {
      showError(unsupported);
      recordButton.disabled = true;
    }

    function release() {
      cancelAnimationFrame(frame);
      clearInterval(ticker);
      clearTimeout(limiter);
      if (stream) stream.getTracks().forEach((track) => track.stop());
      if (context && context.state !== "closed") context.close().catch(() => {});
      stream = context = analyser = null;
      level = 0;
    }

    async function start() {
      if (status !== "idle" || asking || unsupported) return;
      showError("");
      message.textContent = L.asking;
      asking = recordButton.disabled = true;
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
        });
        if (destroyed) return release();
        const type = mimeType();
        recorder = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
      } catch (e) {
        release();
        const name = (e && e.name) || "";
        message.textContent = "";
        showError(["NotAllowedError", "SecurityError", "PermissionDeniedError"].includes(name) ? L.refused
          : ["NotFoundError", "OverconstrainedError", "DevicesNotFoundError"].includes(name) ? L.noMicrophone
            : L.failed.replace("{error}", () => (e && e.message) || e));
        return;
      } finally {
        asking = recordButton.disabled = false;
      }
      chunks = [];
      recorder.ondataavailable = (event) => { if (event.data && event.data.size) chunks.push(event.data); };
      recorder.onstop = () => finish(recorder);
      try {
        const Context = window.AudioContext || window.webkitAudioContext;
        context = new Context();
        context.resume().catch(() => {}); // not awaited: it may wait for a gesture
        analyser = context.createAnalyser();
        analyser.fftSize = 2048;
        context.createMediaStreamSource(stream).connect(analyser);
      } catch (e) {
        analyser = null; // no meter, but the recording still works
      }
      stream.getAudioTracks().forEach((track) => {
        track.onended = () => {
          if (status === "recording" || status === "paused") stop(L.disconnected);
        };
      });
      recorder.start(1000);
      done = 0;
      since = performance.now();
      status = "recording";
      message.textContent = "";
      ticker = setInterval(tick, 200);
      watchLimit();
      const samples = new Float32Array(2048);
      const draw = () => {
        if (analyser) {
          analyser.getFloatTimeDomainData(samples);
          let sum = 0;
          for (const s of samples) sum += s * s;
          const rms = Math.sqrt(sum / samples.length);
          level = rms > 0 ? Math.round(Math.min(100, Math.max(0, ((20 * Math.log10(rms) + 60) / 60) * 100))) : 0;
          bar.style.width = `${level}%`;
          if (meter.getAttribute("aria-valuenow") !== String(level)) meter.setAttribute("aria-valuenow", level);
        }
        frame = requestAnimationFrame(draw);
      };
      draw();
      render();
      moveFocus(stopButton);
      announce(L.started);
      emit("recording", {});
    }

    function tick() {
      if (seconds() >= maxSeconds) {
        stop(L.limit.replace("{limit}", () => limitText(maxSeconds)));
        return;
      }
      time.textContent = clock(seconds());
    }

    function togglePause() {
      if (!recorder) return;
      if (status === "recording") {
        recorder.pause();
        done += performance.now() - since;
        since = 0;
        clearTimeout(limiter);
        status = "paused";
        announce(L.pausedSay);
      } else if (status === "paused") {
        recorder.resume();
        since = performance.now();
        watchLimit();
        status = "recording";
        announce(L.resumed);
      }
      render();
    }

    function stop(why) {
      if (!recorder || !["recording", "paused"].includes(status)) return;
      if (since) done += performance.now() - since;
      since = 0;
      clearInterval(ticker);
      clearTimeout(limiter);
      stopButton.disabled = pauseButton.disabled = true;
      message.textContent = why || "";
      if (recorder.state !== "inactive") recorder.stop(); // its last slice, then onstop -> finish()
      else finish(recorder);
    }

    function finish(which) {
      if (which !== recorder || destroyed) return;
      release(); // the microphone goes as soon as the recorder has let go of it
      stopButton.disabled = pauseButton.disabled = false;
      const blob = new Blob(chunks, { type: recorder.mimeType || mimeType() || "audio/webm" });
      recorder = null;
      chunks = [];
      take = { blob, url: URL.createObjectURL(blob), seconds: done / 1000 };
      playback.src = take.url;
      status = "review";
      render();
      moveFocus(keepButton);
      announce(message.textContent || L.stopped);
      emit("stopped", { durationMs: Math.round(done) });
    }

    function confirmDiscard(open) {
      confirmBox.hidden = !open;
      keepButton.disabled = discardButton.disabled = open;
      if (open) confirmBox.querySelector("button").focus();
      else discardButton.focus();
    }

    function clearTake() {
      playback.removeAttribute("src");
      playback.load();
      if (take) URL.revokeObjectURL(take.url);
      take = null;
      done = 0;
      status = "idle";
      message.textContent = "";
      render();
    }

    function discard() {
      keepButton.disabled = discardButton.disabled = false;
      clearTake();
      moveFocus(recordButton);
      announce(L.discarded);
      emit("discarded", {});
    }

    async function keep() {
      if (status !== "review" || !take || keepButton.disabled) return;
      keepButton.disabled = discardButton.disabled = true;
      keepButton.textContent = L.saving;
      showError("");
      const { blob } = take;
      let durationMs = Math.round(take.seconds * 1000);
      let levels = [];
      try {
        const buffer = await decode(blob);
        durationMs = Math.round(buffer.duration * 1000);
        levels = peaks(buffer, 200);
      } catch (e) {
        // Undecodable here (an old browser, an odd container): the wall clock and no waveform.
      }
      const name = nameInput.value.trim() || defaultName;
      const kept = { blob, mime: blob.type, durationMs, peaks: levels, name };
      try {
        if (options.onKeep) await options.onKeep(kept);
      } catch (e) {
        if (!destroyed) showError((e && e.message) || L.keepFailed);
        return;
      } finally {
        keepButton.disabled = discardButton.disabled = false;
        keepButton.textContent = L.keep;
      }
      if (destroyed) return;
      defaultName = nextName(defaultName);
      nameInput.value = defaultName;
      clearTake();
      moveFocus(recordButton);
      announce(L.kept);
      emit("kept", { name, mime: kept.mime, durationMs, size: blob.size });
    }

    render();
    return {
      state: () => ({ status, seconds: status === "review" && take ? take.seconds : seconds(), level }),
      destroy() {
        destroyed = true;
        if (recorder && recorder.state !== "inactive") {
          recorder.onstop = null;
          recorder.stop();
        }
        recorder = null;
        release();
        if (take) URL.revokeObjectURL(take.url);
        take = null;
        root.replaceChildren();
      },
    };
  }

  window.MirubatoRecorder = { mount, peaks, mimeType };
})();
