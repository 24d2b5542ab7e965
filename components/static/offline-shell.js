// The offline shell (offline.html): the page the service worker shows for any page of the app
// when the server cannot be reached. The timer and the log form save into the same outbox as
// the app's pages (mirubato-offline.js); the log form opens with its details when a log page
// (/log/...) was asked for. Activities and focus areas come from the server (data- attributes).
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const ACTIVITIES = JSON.parse(document.body.dataset.activities || "{}");
  const FOCUS_AREAS = JSON.parse(document.body.dataset.focusAreas || "[]");

  for (const select of [$("activity"), $("log-activity")]) {
    for (const [value, label] of Object.entries(ACTIVITIES)) select.add(new Option(label, value));
  }
  $("log-activity").value = "repertoire";
  for (const area of FOCUS_AREAS) {
    const label = document.createElement("label");
    label.style.flex = "0 0 auto";
    label.style.display = "flex";
    label.style.alignItems = "center";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = "focusAreas";
    box.value = area;
    label.append(box, ` ${area}`);
    $("focus").append(label);
  }
  if (location.pathname.startsWith("/log")) {
    $("more").open = true; // the full form was asked for
    $("log-section").after($("timer-section"));
  }
  const toolsAsked = location.pathname.startsWith("/tools");
  if (toolsAsked) $("timer-section").before($("tools-section")); // the tools page was asked for
  // The same practice tools as on the app's pages, with this device's copy of the settings.
  MirubatoTools.mount($("tools"), { user: Mirubato.currentUser(), spaceToggles: toolsAsked,
    tab: new URLSearchParams(location.search).get("tab") || "metronome" });

  let state = MirubatoTimer.load("warm_up", 0);
  $("activity").value = state.activity;

  function show(message) {
    $("notice").textContent = message;
    $("notice").hidden = false;
    clearTimeout(show.timer);
    show.timer = setTimeout(() => ($("notice").hidden = true), 5000);
  }
  window.addEventListener("mirubato:notice", (e) => show(e.detail.message));

  function render() {
    $("clock").textContent = MirubatoTimer.clock(state, Mirubato.now());
    $("toggle").textContent = { idle: "Start", running: "Pause", paused: "Resume", stopped: "Start" }[state.status];
    $("toggle").disabled = state.status === "stopped";
    $("stop").disabled = !["running", "paused"].includes(state.status);
    const counts = MirubatoOutbox.counts();
    $("waiting").textContent = counts.pending ? `${counts.pending} change(s) waiting to sync.` : "";
  }

  function change(step) {
    if (step(state, Mirubato.now()) !== false) MirubatoTimer.save(state);
    render();
  }

  $("toggle").onclick = () =>
    change({ idle: MirubatoTimer.start, running: MirubatoTimer.pause, paused: MirubatoTimer.resume }[state.status] ||
      (() => false));
  $("activity").onchange = (e) => change((s, now) => MirubatoTimer.changeActivity(s, e.target.value, now));
  $("stop").onclick = () => {
    change(MirubatoTimer.stop);
    reviewBlocks();
  };

  function field(label, attributes) {
    const wrapper = document.createElement("label");
    const input = document.createElement("input");
    Object.assign(input, attributes);
    for (const [name, value] of Object.entries(attributes)) if (name.startsWith("data-")) input.setAttribute(name, value);
    wrapper.append(label, input);
    return wrapper;
  }

  function reviewBlocks() {
    if (state.status !== "stopped") return;
    const box = $("review");
    box.hidden = false;
    box.replaceChildren();
    for (const block of state.blocks) {
      const row = document.createElement("div");
      row.className = "row";
      const name = document.createElement("strong");
      name.style.flex = "1 1 100px";
      name.textContent = ACTIVITIES[block.activity] || block.activity;
      row.append(
        name,
        field("Minutes", { type: "number", min: 1, value: MirubatoTimer.shownMinutes(block),
          "data-id": block.id, "data-field": "minutes" }),
        field("Piece", { "data-id": block.id, "data-field": "workTitle", value: block.workTitle || "" })
      );
      box.append(row);
    }
    const save = document.createElement("button");
    save.className = "primary";
    save.textContent = "Save on this device";
    save.dataset.testid = "shell-timer-save";
    save.onclick = () => {
      const details = {};
      for (const input of box.querySelectorAll("input")) {
        (details[input.dataset.id] ??= {})[input.dataset.field] = input.value;
      }
      try {
        MirubatoTimer.queueBlocks(state, details);
      } catch (error) {
        return;
      }
      state = MirubatoTimer.blank(state.activity, state.reminderMinutes);
      MirubatoTimer.save(state);
      box.hidden = true;
      show("Saved on this device. It will sync when you are back online.");
      render();
    };
    box.append(save);
  }

  function number(value) {
    return value === null || value === "" ? null : Number(value);
  }

  function logFrom(form) {
    const minutes = Number(form.get("minutes"));
    const seconds = Math.round(minutes * 60);
    const chosenStart = MirubatoTime.zonedIso(form.get("day"), form.get("start"), Mirubato.timezone());
    const start = chosenStart ? new Date(chosenStart) : new Date(Mirubato.now() - seconds * 1000);
    const text = (name) => (form.get(name) || "").trim() || null;
    const focus = form.getAll("focusAreas");
    return {
      activityType: form.get("activityType"), instrument: form.get("instrument") || null,
      startTime: start.toISOString(), durationSeconds: seconds,
      composer: text("composer"), workTitle: text("workTitle"), movementSection: text("movementSection"),
      tempoPracticed: number(form.get("tempoPracticed")), targetTempo: number(form.get("targetTempo")),
      selfRating: number(form.get("selfRating")), accuracyPercentage: number(form.get("accuracyPercentage")),
      focusAreas: focus.length ? focus : null, practiceNotes: text("practiceNotes"),
    };
  }

  $("log").onsubmit = (event) => {
    event.preventDefault();
    try {
      MirubatoOutbox.enqueue({ kind: "create", logId: Mirubato.uuid4(), origin: "offline-shell",
        data: logFrom(new FormData(event.target)) });
    } catch (error) {
      return;
    }
    event.target.reset();
    $("log-activity").value = "repertoire";
    show("Saved on this device. It will sync when you are back online.");
    render();
  };

  window.addEventListener("storage", () => {
    state = MirubatoTimer.load("warm_up", 0);
    render();
  });
  setInterval(render, 250);
  reviewBlocks();
  render();

  async function backOnline() {
    try {
      const answer = await fetch("/api/health", { cache: "no-store" });
      if (answer.ok) {
        $("status").textContent = "Back online: opening Mirubato...";
        location.reload(); // the real page loads, and its outbox sync sends what waits here
        return;
      }
    } catch (error) {
      /* still offline */
    }
    $("status").textContent = "Still offline. This page checks the connection every few seconds.";
    setTimeout(backOnline, 3000);
  }
  setTimeout(backOnline, 3000);
})();
