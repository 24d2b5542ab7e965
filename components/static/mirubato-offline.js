// What the browser must do by itself, with or without a connection: the outbox of queued
// changes, the drafts of open log forms, and the practice timer's state. Plain script (no
// framework) so that the app pages and the offline shell share it.
// NOTE: the change and answer formats are shared with services/sync.py; the timer state with
// components/practice_timer.js.
(function () {
  "use strict";
  // The page's translation functions (components/language.py); English as written where a page has none.
  const _t = window._t || function (s, v) {
    return v ? s.replace(/\{(\w+)\}/g, function (m, k) { return k in v ? v[k] : m; }) : s;
  };
  const LEGACY_OUTBOX = "mirubato.outbox"; // one array for all entries, before each had its own key
  const ENTRY = "mirubato.outbox:"; // + the entry's id: one key per queued change
  const TIMER = "mirubato.timer";
  const LEASE = "mirubato.outbox.lease";
  const USER = "mirubato.user"; // the account last signed in on this browser (for the offline shell)
  const ZONE = "mirubato.timezone"; // that account's time zone
  const CLOCK = "mirubato.clock"; // the server's clock minus this device's, measured when last online
  const TAB = uuid4();
  let sequence = 0;

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function connected() {
    return Boolean(window.socket && window.socket.connected) && navigator.onLine;
  }

  function notify(message, type) {
    if (window.Quasar && Quasar.Notify) {
      Quasar.Notify.create({ message, type: type || "info", multiLine: true, timeout: 5000 });
    } else {
      window.dispatchEvent(new CustomEvent("mirubato:notice", { detail: { message, type } }));
    }
  }

  // ---- Who and when: the signed-in account and the server's clock ---------------------------
  // A page of the app names its user and the server's time (components/frame.py); the offline
  // shell has neither and uses what the last page stored.
  function learnFromPage() {
    if (window.MirubatoUser) localStorage.setItem(USER, window.MirubatoUser);
    if (window.MirubatoTimezone) localStorage.setItem(ZONE, window.MirubatoTimezone);
    if (typeof window.MirubatoServerTime === "number") {
      localStorage.setItem(CLOCK, JSON.stringify({ offset: window.MirubatoServerTime - Date.now() }));
    }
  }

  // Another tab of this browser signed out, or signed in as someone else: a page still showing
  // the previous account's journal leaves it (events are refused there anyway; this hides what
  // it shows, e.g. on a shared computer).
  const SIGNED_OUT = "mirubato.signedOut";
  function followOtherTabs(event) {
    if (!window.MirubatoUser || !event.newValue) return;
    if (event.key === USER && event.newValue !== window.MirubatoUser) window.location.reload();
    if (event.key === SIGNED_OUT && JSON.parse(event.newValue).user === window.MirubatoUser) {
      window.location.assign("/login");
    }
  }
  window.addEventListener("storage", followOtherTabs);

  function signedOut(user) {
    localStorage.setItem(SIGNED_OUT, JSON.stringify({ user, at: Date.now() })); // a new value each time
  }

  function timezone() {
    return window.MirubatoTimezone || localStorage.getItem(ZONE) || Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  function currentUser() {
    return window.MirubatoUser || localStorage.getItem(USER) || null;
  }

  function clockOffset() {
    try {
      const offset = Number((JSON.parse(localStorage.getItem(CLOCK) || "null") || {}).offset);
      return Number.isFinite(offset) ? offset : 0;
    } catch (error) {
      return 0;
    }
  }

  function now() {
    // The device's clock corrected by what it was off from the server's: a phone set 3 h fast
    // still stores practice at the time it happened.
    return Date.now() + clockOffset();
  }

  // ---- Outbox: changes wait here until the server acknowledges their id -------------------
  // Each change is one localStorage key of its own, written once by one setItem: two tabs
  // saving at the same moment write two keys and never overwrite each other's list.
  function migrateLegacy() {
    const legacy = localStorage.getItem(LEGACY_OUTBOX);
    if (legacy === null) return;
    let entries = [];
    try {
      entries = JSON.parse(legacy);
    } catch (error) {
      entries = [];
    }
    for (const [index, entry] of (Array.isArray(entries) ? entries : []).entries()) {
      if (entry && entry.id && localStorage.getItem(ENTRY + entry.id) === null) {
        put({ seq: (Date.parse(entry.queuedAt) || 0) * 1000 + index, ...entry });
      }
    }
    localStorage.removeItem(LEGACY_OUTBOX);
  }

  function read() {
    migrateLegacy();
    const entries = [];
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (!key || !key.startsWith(ENTRY)) continue;
      try {
        const entry = JSON.parse(localStorage.getItem(key));
        if (entry && entry.id) entries.push(entry);
      } catch (error) {
        /* removed by another tab meanwhile, or damaged: skipped */
      }
    }
    return entries.sort((a, b) => (a.seq || 0) - (b.seq || 0) || (a.id < b.id ? -1 : 1));
  }

  function put(entry) {
    localStorage.setItem(ENTRY + entry.id, JSON.stringify(entry)); // may throw when storage is full
  }

  function drop(id) {
    localStorage.removeItem(ENTRY + id);
  }

  function changed() {
    window.dispatchEvent(new CustomEvent("mirubato:outbox"));
  }

  function mine(entry, user) {
    // Entries from before owners were recorded belong to whoever signs in next.
    return !entry.owner || entry.owner === user;
  }

  const Outbox = {
    entries() {
      const user = currentUser();
      return read().filter((e) => mine(e, user));
    },
    others() {
      // Saved here by another account: kept for its next sign-in on this browser, never sent as someone else.
      const user = currentUser();
      return read().filter((e) => !mine(e, user));
    },
    counts() {
      const user = currentUser();
      const entries = read();
      const own = entries.filter((e) => mine(e, user));
      const pending = own.filter((e) => e.state === "pending").length;
      return { pending, attention: own.length - pending, others: entries.length - own.length };
    },
    enqueue(change) {
      const entry = fresh(change);
      try {
        put(entry);
      } catch (error) {
        notify(
          _t("This device's storage is full, so this change could not be kept. Everything saved before is safe; " +
            "reconnect to sync it, or free some space."),
          "negative"
        );
        throw error;
      }
      changed();
      return entry;
    },
    cancel(id) {
      // Take back a change not sent yet (an offline delete undone offline).
      const found = localStorage.getItem(ENTRY + id);
      if (found === null || JSON.parse(found).state !== "pending") return false;
      drop(id);
      changed();
      return true;
    },
    batch(max) {
      const user = currentUser();
      return read()
        .filter((e) => e.state === "pending" && mine(e, user))
        .slice(0, max)
        .map((e) => ({
          id: e.id, kind: e.kind, logId: e.logId, baseVersion: e.baseVersion ?? null, data: e.data ?? null,
          queuedAt: e.queuedAt, origin: e.origin ?? null, owner: e.owner ?? null,
        }));
    },
    acknowledge(results) {
      for (const answer of results) {
        const stored = localStorage.getItem(ENTRY + answer.id);
        if (stored === null) continue;
        if (answer.status === "applied") drop(answer.id);
        else put({ ...JSON.parse(stored), state: answer.status, answer });
      }
      changed();
    },
    resolve(id, choice) {
      // "mine": send again, based on what the server holds now; "theirs"/"discard": drop it.
      const stored = localStorage.getItem(ENTRY + id);
      if (stored === null) return;
      const entry = JSON.parse(stored);
      const server = entry.answer && entry.answer.log;
      const again = { kind: entry.kind, logId: entry.logId, data: entry.data, origin: entry.origin };
      const followUps = [];
      if (choice === "mine") {
        if (entry.kind === "create") followUps.push(fresh({ ...again, logId: uuid4() }));
        else if (server && server.isActive === false && entry.kind !== "delete") {
          followUps.push(fresh({ kind: "restore", logId: entry.logId, baseVersion: server.version }));
          followUps.push(fresh({ ...again, baseVersion: server.version + 1 }));
        } else followUps.push(fresh({ ...again, baseVersion: server ? server.version : entry.baseVersion }));
      }
      for (const next of followUps) put(next);
      drop(id);
      changed();
    },
    discardOthers() {
      for (const entry of Outbox.others()) drop(entry.id);
      changed();
    },
    forgetRejected(origin) {
      const user = currentUser();
      for (const e of read()) if (e.origin === origin && e.state === "rejected" && mine(e, user)) drop(e.id);
    },
    async withLock(work) {
      // One tab at a time sends the outbox, so two tabs never send the same entry at once.
      if (navigator.locks) {
        return navigator.locks.request("mirubato-outbox", { ifAvailable: true }, (lock) => (lock ? work() : null));
      }
      const at = Date.now();
      const lease = JSON.parse(localStorage.getItem(LEASE) || "null");
      if (lease && lease.tab !== TAB && lease.until > at) return null;
      localStorage.setItem(LEASE, JSON.stringify({ tab: TAB, until: at + 30000 }));
      try {
        return await work();
      } finally {
        localStorage.removeItem(LEASE);
      }
    },
  };

  function fresh(change) {
    const at = now();
    return { id: uuid4(), queuedAt: new Date(at).toISOString(), seq: at * 1000 + (sequence++ % 1000),
      owner: currentUser(), state: "pending", ...change };
  }

  // ---- Time: a wall-clock date and time in an IANA zone, as an instant ----------------------
  function zoneOffsetMinutes(instant, zone) {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    }).formatToParts(instant);
    const get = (type) => Number(parts.find((p) => p.type === type).value);
    const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
    return (asUtc - instant.getTime()) / 60000;
  }

  function zonedIso(day, time, zone) {
    if (!day || !time) return null;
    const [y, m, d] = day.split("-").map(Number);
    const [hh, mm] = time.split(":").map(Number);
    const wall = Date.UTC(y, m - 1, d, hh, mm);
    let instant = new Date(wall - zoneOffsetMinutes(new Date(wall), zone) * 60000);
    instant = new Date(wall - zoneOffsetMinutes(instant, zone) * 60000); // settle across a DST edge
    return instant.toISOString();
  }

  // ---- Forms: a draft of each open log form, kept in step with its fields --------------------
  const drafts = {};
  const early = {}; // field events that arrive before the form's init (init comes after the handshake)
  const NUMBERS = ["tempoPracticed", "targetTempo", "selfRating", "accuracyPercentage", "notesPlayed", "notesCorrect"];
  const TEXTS = ["composer", "workTitle", "movementSection", "practiceNotes", "audioRecordingUrl"];

  function decode(raw, options) {
    // A choice widget emits the index of its option: selects wrap it ({value, label}, or a list
    // of those when several can be picked), toggles send it bare. Typed-in values come as text.
    if (!options) return raw;
    if (Array.isArray(raw)) return raw.map((item) => decode(item, options));
    // An option typed in earlier joins the list on the server only: its label is its value.
    if (raw && typeof raw === "object" && "value" in raw) return options[raw.value] ?? raw.label;
    if (Number.isInteger(raw)) return options[raw];
    return raw;
  }

  function number(value) {
    if (value === null || value === undefined || value === "") return null;
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }

  function toLog(draft) {
    const v = draft.values;
    const unchanged = v.day === draft.initial.day && v.start === draft.initial.start;
    // The fields show whole minutes; the timer's exact seconds stay unless the minutes are edited.
    const exactDuration = number(v.minutes) === number(draft.initial.minutes) && draft.exactDuration;
    const log = {
      activityType: v.activityType,
      instrument: v.instrument || null,
      startTime: unchanged && draft.exactStart ? draft.exactStart : zonedIso(v.day, v.start, draft.timezone),
      durationSeconds: exactDuration ? draft.exactDuration
        : number(v.minutes) === null ? null : Math.round(number(v.minutes) * 60),
      sheetMusicId: v.sheetMusicId || null,
      focusAreas: Array.isArray(v.focusAreas) && v.focusAreas.length ? v.focusAreas : null,
    };
    for (const name of TEXTS) log[name] = typeof v[name] === "string" && v[name].trim() ? v[name].trim() : null;
    for (const name of NUMBERS) log[name] = number(v[name]);
    for (const name of ["tempoPracticed", "targetTempo", "selfRating", "notesPlayed", "notesCorrect"]) {
      if (log[name] !== null) log[name] = Math.round(log[name]);
    }
    if (draft.sessionId) log.sessionId = draft.sessionId;
    return log;
  }

  const Forms = {
    init(key, config) {
      const draft = { ...config, values: { ...config.values }, initial: { ...config.values } };
      for (const [field, raw] of early[key] || []) draft.values[field] = decode(raw, (draft.options || {})[field]);
      delete early[key];
      drafts[key] = draft;
    },
    set(key, field, raw) {
      const draft = drafts[key];
      if (draft) draft.values[field] = decode(raw, (draft.options || {})[field]);
      else (early[key] ??= []).push([field, raw]);
    },
    submit(key) {
      const draft = drafts[key];
      if (!draft) {
        notify(_t("This form is still loading. Please try again in a moment."), "warning");
        return null;
      }
      Outbox.forgetRejected(key);
      const change = { kind: draft.kind, logId: draft.logId, baseVersion: draft.baseVersion ?? null, data: toLog(draft),
        origin: key };
      let entry;
      try {
        entry = Outbox.enqueue(change);
      } catch (error) {
        return null;
      }
      // The saved log takes the takes recorded in its form; a new one also those recorded with no timer running.
      if (window.MirubatoTakes) MirubatoTakes.claim(draft.logId, draft.kind === "create" ? Timer.load().status : "edit");
      if (!connected()) {
        notify(_t("Saved on this device. It will sync when you are back online."), "info");
        if (draft.kind === "create" && !draft.fixedId) draft.logId = uuid4(); // another save is another log
      }
      return entry.id;
    },
    submitAll(keys) {
      // The timer's review: every block not yet saved, in one go.
      for (const key of keys) if (drafts[key] && !drafts[key].done) Forms.submit(key);
    },
    logIdOf(key) {
      // The log a form will save (takes recorded in the form go with it).
      return drafts[key] ? drafts[key].logId : null;
    },
    markDone(key) {
      if (drafts[key]) drafts[key].done = true;
    },
    deleteWithUndo(logId, baseVersion, origin, row) {
      // Removing and undoing both go through the outbox, so both work with no connection: an undo
      // takes back a removal not sent yet, or queues a restore of one already applied.
      let entry;
      try {
        entry = Outbox.enqueue({ kind: "delete", logId, baseVersion, origin });
      } catch (error) {
        return;
      }
      if (row) row.style.display = "none";
      const undo = () => {
        if (!Outbox.cancel(entry.id)) Outbox.enqueue({ kind: "restore", logId, origin });
        if (row) row.style.display = "";
      };
      const message = connected() ? _t("Log removed")
        : _t("Removed on this device. It will sync when you are back online.");
      if (window.Quasar && Quasar.Notify) {
        Quasar.Notify.create({ message, timeout: 8000, multiLine: !connected(),
          actions: [{ label: _t("Undo"), color: "amber", handler: undo, attrs: { "data-testid": "undo" } }] });
      } else notify(message, "info");
    },
  };

  // ---- Timer state: wall-clock segments, shared by the timer page and the offline shell -------
  const Timer = {
    blank(activity, reminderMinutes) {
      return { status: "idle", activity: activity || "repertoire", segments: [], sessionId: null, blocks: null,
        reminderMinutes: reminderMinutes || 0, lastReminder: null };
    },
    load(activity, reminderMinutes) {
      try {
        const saved = JSON.parse(localStorage.getItem(TIMER) || "null");
        if (saved && Array.isArray(saved.segments)) return saved;
      } catch (error) {
        /* a damaged entry starts a fresh timer */
      }
      return Timer.blank(activity, reminderMinutes);
    },
    save(state) {
      localStorage.setItem(TIMER, JSON.stringify(state));
      window.dispatchEvent(new CustomEvent("mirubato:timer"));
    },
    clock(state, now) {
      // What every timer display shows: m:ss under an hour, h:mm:ss after.
      const total = Math.floor(Timer.elapsed(state, now));
      const two = (n) => String(n).padStart(2, "0");
      const rest = `${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`;
      return total >= 3600 ? `${Math.floor(total / 3600)}:${rest}` : rest;
    },
    elapsed(state, now) {
      return state.segments.reduce((sum, s) => sum + ((s.end ?? now) - s.start), 0) / 1000;
    },
    start(state, now) {
      if (state.status !== "idle") return false;
      state.status = "running";
      state.segments = [Timer.segment(state, now)];
      state.lastReminder = now;
      return true;
    },
    pause(state, now) {
      if (state.status !== "running") return false;
      state.segments[state.segments.length - 1].end = now;
      state.status = "paused";
      return true;
    },
    resume(state, now) {
      if (state.status !== "paused") return false;
      state.segments.push(Timer.segment(state, now));
      state.status = "running";
      return true;
    },
    changeActivity(state, activity, now) {
      state.activity = activity;
      if (state.status === "running") {
        state.segments[state.segments.length - 1].end = now;
        state.segments.push(Timer.segment(state, now));
      }
    },
    segment(state, now) {
      // A running stretch of one activity; in a plan, also of one block (two blocks of scales are two logs).
      const segment = { activity: state.activity, start: now, end: null };
      if (state.plan) segment.step = state.plan.index;
      return segment;
    },
    startPlan(state, plan, now) {
      // Run a plan's blocks in order: each block's activity, piece and minutes, counted down.
      if (state.status !== "idle" || !plan || !plan.steps || !plan.steps.length) return false;
      state.plan = { id: plan.id, title: plan.title, steps: plan.steps, index: 0, stepStart: 0, extra: 0 };
      state.activity = plan.steps[0].activity;
      return Timer.start(state, now);
    },
    stepLeft(state, now) {
      // Seconds left in the plan's current block (pauses do not count down).
      if (!state.plan) return null;
      const step = state.plan.steps[state.plan.index];
      return step.minutes * 60 + state.plan.extra - (Timer.elapsed(state, now) - state.plan.stepStart);
    },
    nextStep(state, now) {
      // Move to the plan's next block; false when the block was the last.
      const plan = state.plan;
      if (!plan || plan.index + 1 >= plan.steps.length) return false;
      plan.index += 1;
      plan.stepStart = Timer.elapsed(state, now);
      plan.extra = 0;
      state.activity = plan.steps[plan.index].activity;
      if (state.status === "running") {
        state.segments[state.segments.length - 1].end = now;
        state.segments.push(Timer.segment(state, now));
      }
      return true;
    },
    stop(state, now) {
      if (state.status !== "running" && state.status !== "paused") return false;
      const last = state.segments[state.segments.length - 1];
      if (last.end === null) last.end = now;
      state.status = "stopped";
      state.blocks = Timer.merge(state.segments, now).map((block) => ({ ...block, id: uuid4() }));
      // A plan's block brings its piece, target tempo and focus to the review.
      if (state.plan) for (const block of state.blocks) Object.assign(block, Timer.fromPlan(state.plan, block.step));
      // The tempo the metronome reached (and its piece) while a block ran, for the review to offer.
      if (window.MirubatoTools) MirubatoTools.annotate(state.blocks, currentUser());
      // Takes recorded while a block ran go with that block's log.
      if (window.MirubatoTakes) MirubatoTakes.attachToBlocks(state.blocks);
      return true;
    },
    merge(segments, now) {
      // Consecutive segments of one activity (a pause in between) make one block, and one log.
      const blocks = [];
      for (const s of segments) {
        const end = s.end ?? now;
        const last = blocks[blocks.length - 1];
        if (last && last.activity === s.activity && last.step === s.step) {
          last.seconds += (end - s.start) / 1000;
          last.end = end;
        } else blocks.push({ activity: s.activity, step: s.step, start: s.start, end, seconds: (end - s.start) / 1000 });
      }
      return blocks
        .filter((b) => b.seconds >= 1)
        .map((b) => ({ ...b, seconds: Math.round(b.seconds), startTime: new Date(b.start).toISOString(),
          endTime: new Date(b.end).toISOString() }));
    },
    fromPlan(plan, index) {
      const step = plan.steps[index];
      if (!step) return {};
      const fields = { workTitle: step.title, composer: step.composer, sheetMusicId: step.sheetMusicId,
        targetTempo: step.targetTempo, focusAreas: step.focusAreas };
      return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined
        && value !== "" && !(Array.isArray(value) && !value.length)));
    },
    shownMinutes(block) {
      // What the review's minutes field starts with.
      return Math.max(1, Math.round(block.seconds / 60));
    },
    reviewedSeconds(block, minutes) {
      // The timer's exact seconds, unless the musician changed the minutes shown (7 s stays 7 s).
      const typed = number(minutes);
      if (typed === null || typed === Timer.shownMinutes(block)) return Math.max(1, Math.round(block.seconds));
      return Math.max(1, Math.round(typed * 60));
    },
    queueBlocks(state, details) {
      // Offline review: each block becomes a queued log with the block's own id (saved once, ever).
      if (window.MirubatoTakes) MirubatoTakes.release((state.blocks || []).map((block) => block.id));
      for (const block of state.blocks || []) {
        const extra = details[block.id] || {};
        Outbox.enqueue({ kind: "create", logId: block.id, origin: "timer", data: {
          activityType: block.activity, instrument: extra.instrument || null, startTime: block.startTime,
          durationSeconds: Timer.reviewedSeconds(block, extra.minutes),
          workTitle: extra.workTitle || null, selfRating: number(extra.selfRating),
          sessionId: state.sessionId || null,
          // The metronome's tempo and piece, when the review did not change the piece.
          ...(block.tempoPracticed ? { tempoPracticed: block.tempoPracticed } : {}),
          ...(block.targetTempo ? { targetTempo: block.targetTempo } : {}),
          ...(block.focusAreas ? { focusAreas: block.focusAreas } : {}),
          ...(block.workTitle && extra.workTitle === block.workTitle
            ? { composer: block.composer || null, sheetMusicId: block.sheetMusicId || null } : {}),
        } });
      }
    },
  };

  window.MirubatoOutbox = Outbox;
  window.MirubatoForms = Forms;
  window.MirubatoTimer = Timer;
  window.MirubatoTime = { zonedIso };
  window.Mirubato = { uuid4, connected, notify, now, currentUser, timezone, signedOut };
  learnFromPage();
})();
