// The practice room: metronome (with speed trainer), drone and tuner, in plain JavaScript so that
// the same code runs on the app's pages (mounted by components/practice_tools.js) and in the
// offline shell the service worker serves when there is no server. Nothing here waits for the
// server: sound is made by Web Audio on this device and settings are kept in localStorage.
//
// The metronome is a look-ahead scheduler (Chris Wilson, "A Tale of Two Clocks"): a timer in a
// Worker wakes the page every 25 ms, and each wake-up schedules every click due in the next
// LOOKAHEAD seconds on the audio clock (AudioBufferSourceNode.start(time)), so the audio thread
// plays them sample-accurately whatever the main thread is doing. Each click's time is computed
// from the anchor of its tempo segment (anchor + k * interval), never by adding intervals, so no
// rounding error accumulates: beats cannot drift.
(function () {
  "use strict";

  // The page's translation functions (components/language.py); English as written where a page has none.
  const _t = window._t || function (s, v) {
    return v ? s.replace(/\{(\w+)\}/g, function (m, k) { return k in v ? v[k] : m; }) : s;
  };
  const _nt = window._nt || function (one, other, n, v) {
    const all = Object.assign({ n: n }, v || {});
    return (n === 1 ? one : other).replace(/\{(\w+)\}/g, function (m, k) { return k in all ? all[k] : m; });
  };
  // NOTE: values of more than one name are passed as a variable, not written in the _t(...) call: the
  // extractor (components/language.py) would take the comma between them for a plural's second text.

  const LOOKAHEAD = 0.6; // seconds scheduled ahead: longer than a long main-thread stall (300 ms and more)
  const WAKE_MS = 25;
  const START_DELAY = 0.12; // the first click, after the context has surely started
  const MIN_BPM = 20;
  const MAX_BPM = 300;
  const SETTINGS = "mirubato.tools.settings"; // + ":" + user id
  const USES = "mirubato.tools.uses"; // metronome uses, for the timer's review
  const METERS = ["2/4", "3/4", "4/4", "5/4", "6/4", "7/4", "3/8", "5/8", "6/8", "7/8", "9/8", "12/8"];
  // Where the secondary accents fall: compound meters by threes, odd ones in their usual groups.
  const GROUPS = { "5/4": [3, 2], "7/4": [4, 3], "5/8": [3, 2], "6/8": [3, 3], "7/8": [2, 2, 3], "9/8": [3, 3, 3],
    "12/8": [3, 3, 3, 3], "6/4": [3, 3] };
  // As the page names notes (letters, German H, or solfège), else plain letters.
  const NOTE_NAMES = window.MirubatoNoteNames || ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];
  const SOUND_NAMES = { wood: _t("Woodblock"), beep: _t("Beep"), click: _t("Click") };
  // Translators: the Italian tempo markings musicians read in scores (usually kept as they are).
  const TEMPO_WORDS = [[40, _t("Grave")], [60, _t("Largo")], [66, _t("Larghetto")], [76, _t("Adagio")],
    [108, _t("Andante")], [120, _t("Moderato")], [156, _t("Allegro")], [176, _t("Vivace")], [200, _t("Presto")],
    [Infinity, _t("Prestissimo")]];

  // The version stamp this script was loaded with, for the files it loads itself (cached by the service worker).
  const VERSION = document.currentScript && document.currentScript.src ? new URL(document.currentScript.src).search : "";
  const clamp = (value, low, high) => Math.min(high, Math.max(low, value));
  const wholeBpm = (value) => clamp(Math.round(Number(value) || 120), MIN_BPM, MAX_BPM);
  const tempoWord = (bpm) => TEMPO_WORDS.find(([limit]) => bpm < limit)[1];

  function parseMeter(meter) {
    const [beats, unit] = String(meter).split("/").map(Number);
    return METERS.includes(meter) ? { beats, unit } : { beats: 4, unit: 4 };
  }

  function accentsOf(meter) {
    // The beat numbers (0-based) that start a group: 0 gets the strong accent, the rest a light one.
    const starts = new Set([0]);
    let at = 0;
    for (const size of GROUPS[meter] || []) {
      starts.add(at);
      at += size;
    }
    return starts;
  }

  // ---- sound ------------------------------------------------------------------------------

  let sharedContext = null;
  function audioContext() {
    // One context for the page: Chromium limits how many can exist, and the drone and metronome mix.
    if (!sharedContext || sharedContext.state === "closed") {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) throw new Error("This browser has no Web Audio.");
      sharedContext = new Context({ latencyHint: "interactive" });
    }
    return sharedContext;
  }

  function clickBuffer(context, sound, level) {
    // A click rendered once per sound and level; AudioBufferSourceNodes then start sample-accurately.
    // level: 3 the bar's first beat, 2 a group's first beat, 1 a beat, 0 a subdivision.
    const rate = context.sampleRate;
    const length = Math.round(rate * 0.06);
    const buffer = context.createBuffer(1, length, rate);
    const data = buffer.getChannelData(0);
    const pitch = { wood: [800, 1000, 1200, 1400], beep: [660, 880, 1320, 1760], click: [1800, 2200, 2600, 3000] }[
      sound] || [800, 1000, 1200, 1400];
    const frequency = pitch[level];
    const gain = [0.35, 0.6, 0.75, 0.9][level];
    const decay = sound === "beep" ? 0.02 : 0.008;
    let noise = 12345;
    for (let i = 0; i < length; i += 1) {
      const t = i / rate;
      const attack = Math.min(1, i / 8); // 8 samples of attack: no click of its own at the onset
      let value = Math.sin(2 * Math.PI * frequency * t);
      if (sound === "click") {
        noise = (noise * 1103515245 + 12345) & 0x7fffffff; // a fixed noise burst, the same every time
        value = value * 0.5 + ((noise / 0x7fffffff) * 2 - 1) * 0.5;
      } else if (sound === "wood") {
        value = value * 0.8 + Math.sin(2 * Math.PI * frequency * 2.7 * t) * 0.2;
      }
      data[i] = value * gain * attack * Math.exp(-t / decay);
    }
    return buffer;
  }

  // A Worker's timer is not throttled in a background tab the way the page's own timers are.
  let tickWorker = null;
  function wakeUps(callback) {
    try {
      if (!tickWorker) tickWorker = new Worker(`/static/metronome-worker.js${VERSION}`);
      const listener = () => callback();
      tickWorker.addEventListener("message", listener);
      tickWorker.postMessage({ every: WAKE_MS });
      return () => {
        tickWorker.removeEventListener("message", listener);
        tickWorker.postMessage({ every: 0 });
      };
    } catch (error) {
      const id = setInterval(callback, WAKE_MS); // no Worker: the page's timer only wakes the scheduler
      return () => clearInterval(id);
    }
  }

  // ---- metronome --------------------------------------------------------------------------

  class Metronome {
    // options: bpm, meter, subdivision (1-4), accent, sound, countInBars, volume, trainer, onBeat, onChange.
    // trainer: {enabled, from, to, step, every, unit: "bars"|"seconds", afterTarget: "stay"|"stepBack"}
    constructor(options) {
      this.options = { bpm: 100, meter: "4/4", subdivision: 1, accent: true, sound: "wood", countInBars: 0,
        volume: 0.8, trainer: null, ...options };
      this.options.bpm = wholeBpm(this.options.bpm);
      this.running = false;
      this.scheduled = []; // every click scheduled since start: the test hook reads these
      this.pending = []; // clicks not yet played: {event, source}
      this.listeners = [];
    }

    get bpm() {
      return this.options.bpm;
    }

    start({ context, wake } = {}) {
      if (this.running) return;
      this.context = context || audioContext();
      if (this.context.resume) this.context.resume();
      this.output = this.context.createGain();
      this.output.gain.value = this.options.volume;
      this.output.connect(this.context.destination);
      this.buffers = {};
      this.running = true;
      this.scheduled = [];
      this.pending = [];
      this.heard = { bpm: null, highest: null, bars: 0 };
      this.tempo = this.options.trainer && this.options.trainer.enabled ? wholeBpm(this.options.trainer.from)
        : this.options.bpm;
      const first = this.context.currentTime + START_DELAY;
      this.startedAt = first;
      // The position of the next click to schedule; a segment is a stretch at one tempo.
      this.next = { bar: 0, beat: 0, sub: 0, n: 0, countIn: this.options.countInBars > 0 };
      this.segment = { anchor: first, n0: 0, bpm: this.tempo, subdivision: this.subdivisionNow() };
      this.lastChange = { bar: 0, time: first };
      this.stopWaking = (wake || wakeUps)(() => this.wake());
      this.wake();
      this.emit();
    }

    stop() {
      if (!this.running) return;
      this.running = false;
      if (this.stopWaking) this.stopWaking();
      this.cancelFrom(this.context.currentTime);
      const output = this.output;
      setTimeout(() => output.disconnect(), 200);
      this.emit();
    }

    toggle() {
      if (this.running) this.stop();
      else this.start();
    }

    // Changing a setting while playing re-schedules from the first click not yet played.
    set(changes) {
      const before = { ...this.options };
      Object.assign(this.options, changes);
      if ("bpm" in changes) this.options.bpm = wholeBpm(changes.bpm);
      if (!this.running) {
        this.emit();
        return;
      }
      if ("volume" in changes) this.output.gain.setTargetAtTime(this.options.volume, this.context.currentTime, 0.02);
      const structural = ["bpm", "meter", "subdivision", "accent", "sound", "trainer"].some(
        (name) => name in changes && JSON.stringify(before[name]) !== JSON.stringify(this.options[name]));
      if (structural) {
        if ("bpm" in changes) this.tempo = this.options.bpm;
        const trainerOn = this.options.trainer && this.options.trainer.enabled;
        if ("trainer" in changes && trainerOn && !(before.trainer && before.trainer.enabled)) {
          this.tempo = wholeBpm(this.options.trainer.from);
        }
        this.reschedule();
      }
      this.emit();
    }

    subdivisionNow() {
      return this.next && this.next.countIn ? 1 : clamp(Number(this.options.subdivision) || 1, 1, 4);
    }

    interval(segment) {
      return 60 / segment.bpm / segment.subdivision;
    }

    timeOf(n, segment = this.segment) {
      return segment.anchor + (n - segment.n0) * this.interval(segment);
    }

    wake() {
      if (!this.running) return;
      const now = this.context.currentTime;
      this.markHeard(now);
      // Late after a long stall: a click already due is dropped rather than played late (no jitter),
      // and the grid stays where it was.
      while (this.timeOf(this.next.n) < now + LOOKAHEAD) {
        const time = this.timeOf(this.next.n);
        this.scheduleClick(time, now);
        this.advance(time);
      }
    }

    scheduleClick(time, now) {
      const { beats } = parseMeter(this.options.meter);
      const position = this.next;
      const onBeat = position.sub === 0;
      const groupStart = accentsOf(this.options.meter).has(position.beat);
      // 3 the bar's first beat, 2 a group's first beat (7/8: 1, 3, 5), 1 any beat, 0 a subdivision.
      let level = onBeat ? 1 : 0;
      if (onBeat && this.options.accent && groupStart) level = position.beat === 0 ? 3 : 2;
      const event = { n: position.n, time, bpm: this.segment.bpm, subdivision: this.segment.subdivision,
        bar: position.bar, beat: position.beat, sub: position.sub, beats, countIn: position.countIn, level,
        scheduledAt: now };
      let source = null;
      if (time >= now) {
        const key = `${this.options.sound}:${event.level}`;
        this.buffers[key] ||= clickBuffer(this.context, this.options.sound, event.level);
        source = this.context.createBufferSource();
        source.buffer = this.buffers[key];
        source.connect(this.output);
        source.start(time);
      } else event.dropped = true;
      this.scheduled.push(event);
      if (this.scheduled.length > 100000) this.scheduled.splice(0, 50000);
      this.pending.push({ event, source });
    }

    advance(time) {
      // Move to the next click; at a bar line the speed trainer may start a new tempo segment.
      const { beats } = parseMeter(this.options.meter);
      const position = this.next;
      position.n += 1;
      position.sub += 1;
      if (position.sub < this.segment.subdivision) return;
      position.sub = 0;
      position.beat += 1;
      if (position.beat < beats) return;
      position.beat = 0;
      position.bar += 1;
      const lineTime = time + this.interval(this.segment);
      const countInOver = position.countIn && position.bar >= this.options.countInBars;
      if (countInOver) {
        position.countIn = false;
        position.bar = 0;
        this.lastChange = { bar: 0, time: lineTime };
      }
      const bpm = countInOver ? this.tempo : this.trainerStep(position.bar, lineTime);
      const subdivision = this.subdivisionNow();
      if (bpm !== this.segment.bpm || subdivision !== this.segment.subdivision) {
        this.tempo = bpm;
        this.segment = { anchor: lineTime, n0: position.n, bpm, subdivision };
      }
    }

    trainerStep(bar, time) {
      // The tempo for the bar starting now. "every" counts bars (or seconds, then the change waits
      // for the next bar line) since the last change.
      const trainer = this.options.trainer;
      if (!trainer || !trainer.enabled || this.next.countIn) return this.tempo;
      const every = Math.max(1, Number(trainer.every) || 1);
      const due = trainer.unit === "seconds" ? time - this.lastChange.time >= every - 1e-6
        : bar - this.lastChange.bar >= every;
      if (!due) return this.tempo;
      const from = wholeBpm(trainer.from);
      const to = wholeBpm(trainer.to);
      const step = Math.max(1, Math.abs(Number(trainer.step) || 1)) * (to >= from ? 1 : -1);
      let bpm = this.tempo;
      if (bpm === to) {
        if (trainer.afterTarget !== "stepBack") return bpm;
        bpm = wholeBpm(to - step);
      } else bpm = step > 0 ? Math.min(to, bpm + step) : Math.max(to, bpm + step);
      this.lastChange = { bar, time };
      return bpm;
    }

    markHeard(now) {
      // Clicks whose time has come: what the musician has actually played with.
      let changed = false;
      while (this.pending.length && this.pending[0].event.time <= now) {
        const { event } = this.pending.shift();
        if (event.countIn) continue;
        if (event.sub === 0 && event.beat === 0) this.heard.bars += 1;
        this.heard.bpm = event.bpm;
        this.heard.highest = Math.max(this.heard.highest || 0, event.bpm);
        this.heard.beat = event;
        changed = true;
      }
      if (changed) this.emit();
    }

    cancelFrom(time) {
      // Unplay every click at or after `time`; returns the first one cancelled.
      const keep = [];
      let first = null;
      for (const item of this.pending) {
        if (item.event.time >= time) {
          if (item.source) {
            item.source.stop(0);
            item.source.disconnect();
          }
          item.event.cancelled = true;
          first ||= item.event;
        } else keep.push(item);
      }
      this.pending = keep;
      this.scheduled = this.scheduled.filter((event) => !event.cancelled);
      return first;
    }

    reschedule() {
      // Settings changed while playing: keep the clicks about to sound, drop the rest, and go on
      // from the next beat at the new settings (a beat past the new meter's end starts a bar).
      const now = this.context.currentTime;
      const first = this.cancelFrom(now + 0.05);
      if (!first) return;
      const { beats } = parseMeter(this.options.meter);
      const toBeat = first.sub === 0 ? 0 : first.subdivision - first.sub; // clicks to the next beat
      const position = { bar: first.bar, beat: first.beat + (toBeat ? 1 : 0), sub: 0, n: first.n + toBeat,
        countIn: first.countIn };
      if (position.beat >= beats) {
        position.beat = 0;
        position.bar += 1;
        if (position.countIn && position.bar >= this.options.countInBars) {
          position.countIn = false;
          position.bar = 0;
        }
      }
      const time = first.time + toBeat * (60 / first.bpm / first.subdivision);
      this.next = position;
      this.segment = { anchor: time, n0: position.n, bpm: this.tempo, subdivision: this.subdivisionNow() };
      this.lastChange = { bar: position.bar, time };
      this.wake();
    }

    tap() {
      // Tap tempo: the mean of the last intervals tapped less than 2 s apart.
      const now = performance.now();
      this.taps = (this.taps || []).filter((t) => now - t < 2000 * 4).concat(now);
      const recent = [];
      for (let i = this.taps.length - 1; i > 0 && recent.length < 4; i -= 1) {
        const gap = this.taps[i] - this.taps[i - 1];
        if (gap > 2000) break;
        recent.push(gap);
      }
      if (!recent.length) return null;
      const bpm = wholeBpm(60000 / (recent.reduce((a, b) => a + b, 0) / recent.length));
      this.set({ bpm });
      return bpm;
    }

    state() {
      const trainer = this.options.trainer;
      const idle = trainer && trainer.enabled ? wholeBpm(trainer.from) : this.options.bpm;
      return { running: this.running, bpm: this.running ? (this.heard.bpm || this.tempo) : idle,
        reached: this.running ? this.heard.highest : null, bars: this.running ? this.heard.bars : 0,
        beat: this.running ? this.heard.beat || null : null, trainer: trainer && trainer.enabled ? trainer : null };
    }

    onChange(listener) {
      this.listeners.push(listener);
    }

    emit() {
      for (const listener of this.listeners) listener(this.state());
    }
  }

  // ---- drone ------------------------------------------------------------------------------

  function frequencyOf(pitchClass, octave, referenceA) {
    const midi = 12 * (octave + 1) + pitchClass;
    return referenceA * Math.pow(2, (midi - 69) / 12);
  }

  class Drone {
    constructor() {
      this.voices = [];
      this.playing = false;
    }

    start({ pitchClass, octave, referenceA, fifth, volume = 0.25 }) {
      this.context = audioContext();
      if (this.context.resume) this.context.resume();
      const now = this.context.currentTime;
      if (!this.playing) {
        this.output = this.context.createGain();
        this.output.gain.value = 0;
        this.filter = this.context.createBiquadFilter();
        this.filter.type = "lowpass";
        this.filter.frequency.value = 1800;
        this.filter.connect(this.output);
        this.output.connect(this.context.destination);
        // Fade in: a ramp from silence, so the start makes no click.
        this.output.gain.setTargetAtTime(volume, now, 0.15);
        this.playing = true;
      }
      this.tune({ pitchClass, octave, referenceA, fifth });
    }

    tune({ pitchClass, octave, referenceA, fifth }) {
      if (!this.playing) return;
      const root = frequencyOf(pitchClass, octave, referenceA);
      const wanted = fifth ? [root, root * Math.pow(2, 7 / 12)] : [root];
      const now = this.context.currentTime;
      while (this.voices.length > wanted.length) this.release(this.voices.pop(), now);
      wanted.forEach((frequency, index) => {
        if (!this.voices[index]) this.voices[index] = this.voice(frequency, index ? 0.6 : 1);
        // A short glide to the new pitch instead of a jump: no discontinuity, no click.
        else this.voices[index].oscillators.forEach((osc, k) => osc.frequency.setTargetAtTime(frequency * (k + 1),
          now, 0.03));
      });
      this.frequencies = wanted;
    }

    voice(frequency, level) {
      // A soft organ-like tone: the fundamental and two quiet overtones, faded in on its own gain.
      const gain = this.context.createGain();
      gain.gain.value = 0;
      gain.gain.setTargetAtTime(level, this.context.currentTime, 0.1);
      gain.connect(this.filter);
      const oscillators = [1, 0.25, 0.1].map((amplitude, k) => {
        const osc = this.context.createOscillator();
        osc.frequency.value = frequency * (k + 1);
        const partial = this.context.createGain();
        partial.gain.value = amplitude;
        osc.connect(partial).connect(gain);
        osc.start();
        return osc;
      });
      return { gain, oscillators };
    }

    release(voice, now) {
      voice.gain.gain.setTargetAtTime(0, now, 0.08);
      voice.oscillators.forEach((osc) => osc.stop(now + 0.6));
    }

    stop() {
      if (!this.playing) return;
      const now = this.context.currentTime;
      // Fade out over about half a second, then stop: never cut a wave mid-cycle.
      this.output.gain.setTargetAtTime(0, now, 0.12);
      for (const voice of this.voices) voice.oscillators.forEach((osc) => osc.stop(now + 0.8));
      const output = this.output;
      setTimeout(() => output.disconnect(), 900);
      this.voices = [];
      this.playing = false;
      this.frequencies = [];
    }
  }

  // ---- settings and what the timer's review learns ----------------------------------------

  const DEFAULTS = { referenceA: 440, clickSound: "wood", accent: true, bpm: 100, meter: "4/4", subdivision: 1,
    countInBars: 0, trainer: { enabled: false, from: 60, to: 72, step: 4, every: 2, unit: "bars",
      afterTarget: "stay" }, drone: { pitchClass: 9, octave: 3, fifth: false }, tunerMode: "chromatic",
    pieceTempos: {}, updatedAt: 0 };
  const PERSONAL = ["referenceA", "clickSound", "accent"]; // kept per user on the server too

  function settingsKey(user) {
    return `${SETTINGS}:${user || "anyone"}`;
  }

  function loadSettings(user, fromServer) {
    let local = {};
    try {
      local = JSON.parse(localStorage.getItem(settingsKey(user)) || "{}") || {};
    } catch (error) {
      local = {};
    }
    const server = fromServer || {};
    // The newer of the two wins for what the server keeps; the rest is this device's.
    const serverNewer = (server.updatedAt || 0) >= (local.updatedAt || 0);
    const merged = { ...DEFAULTS, ...local };
    if (serverNewer) {
      for (const name of PERSONAL) if (server[name] !== undefined && server[name] !== null) merged[name] = server[name];
      merged.updatedAt = server.updatedAt || merged.updatedAt;
    }
    merged.pieceTempos = { ...(local.pieceTempos || {}), ...(server.pieceTempos || {}) };
    merged.trainer = { ...DEFAULTS.trainer, ...(merged.trainer || {}) };
    merged.drone = { ...DEFAULTS.drone, ...(merged.drone || {}) };
    return { settings: merged, serverBehind: !serverNewer && Boolean(local.updatedAt) };
  }

  function saveSettings(user, settings) {
    try {
      localStorage.setItem(settingsKey(user), JSON.stringify(settings));
    } catch (error) {
      /* storage full: the settings last until the page closes */
    }
  }

  function readUses() {
    try {
      const uses = JSON.parse(localStorage.getItem(USES) || "[]");
      return Array.isArray(uses) ? uses : [];
    } catch (error) {
      return [];
    }
  }

  function recordUse(use) {
    const uses = readUses().filter((u) => u.id !== use.id);
    uses.push(use);
    try {
      localStorage.setItem(USES, JSON.stringify(uses.slice(-20)));
    } catch (error) {
      /* not kept: the review just starts without the tempo */
    }
  }

  function annotate(blocks, user) {
    // Give each timer block the tempo the metronome reached while it ran (and the piece it was
    // started for), so the review offers them. The use overlapping the block most wins.
    const uses = readUses().filter((u) => !user || !u.user || u.user === user);
    for (const block of blocks || []) {
      let best = null;
      let bestOverlap = 0;
      for (const use of uses) {
        const overlap = Math.min(block.end, use.end) - Math.max(block.start, use.start);
        if (overlap > bestOverlap) {
          best = use;
          bestOverlap = overlap;
        }
      }
      if (!best) continue;
      if (best.tempo) block.tempoPracticed = best.tempo;
      if (best.target) block.targetTempo = best.target;
      if (best.piece) {
        block.workTitle = best.piece.title || null;
        block.composer = best.piece.composer || null;
        block.sheetMusicId = best.piece.id || null;
      }
    }
    return blocks;
  }

  // ---- the panel --------------------------------------------------------------------------

  const h = window.MirubatoDom.h; // components/static/dom.js

  function select(label, options, value, onchange, testid) {
    const control = h("select", { onchange: (e) => onchange(e.target.value), "data-testid": testid },
      Object.entries(options).map(([v, text]) => h("option", { value: v, text, selected: String(v) === String(value) })));
    return h("label", { class: "mt-field" }, h("span", { text: label }), control);
  }

  function numberField(label, value, { min, max, onchange, testid }) {
    const input = h("input", { type: "number", min, max, value, inputMode: "numeric", "data-testid": testid,
      onchange: (e) => onchange(Number(e.target.value)) });
    return h("label", { class: "mt-field mt-narrow" }, h("span", { text: label }), input);
  }

  function mount(root, options) {
    // options: user, settings (from the server), piece {id, title, composer}, tempo, target,
    // spaceToggles (the tools page: space starts/stops), tabs, emit(name, detail).
    const emit = options.emit || (() => {});
    const user = options.user || (window.Mirubato && Mirubato.currentUser()) || null;
    const loaded = loadSettings(user, options.settings);
    const settings = loaded.settings;
    const piece = options.piece && (options.piece.id || options.piece.title) ? options.piece : null;
    const pieceKey = piece ? (piece.id ? `sheet:${piece.id}` : `title:${piece.title.toLowerCase()}`) : null;
    const startBpm = wholeBpm(options.tempo || (pieceKey && settings.pieceTempos[pieceKey]) || settings.bpm);
    const metronome = new Metronome({ bpm: startBpm, meter: settings.meter, subdivision: settings.subdivision,
      accent: settings.accent, sound: settings.clickSound, countInBars: settings.countInBars,
      trainer: { ...settings.trainer, enabled: false } });
    if (options.target) Object.assign(metronome.options.trainer, { to: wholeBpm(options.target) });
    const drone = new Drone();
    let tuner = null;
    const cleanups = [];
    let use = null;

    function persist(changes, { personal = false } = {}) {
      Object.assign(settings, changes);
      if (personal) settings.updatedAt = Date.now();
      saveSettings(user, settings);
      if (personal) emit("settings", { referenceA: settings.referenceA, clickSound: settings.clickSound,
        accent: settings.accent, updatedAt: settings.updatedAt });
    }
    if (loaded.serverBehind) setTimeout(() => persist({}, { personal: true }), 0); // changed offline: tell the server

    // --- metronome view ---
    const dots = h("div", { class: "mt-dots", "aria-hidden": "true" });
    const bpmText = h("span", { class: "mt-bpm", "data-testid": "metronome-bpm" });
    const wordText = h("span", { class: "mt-word" });
    const slider = h("input", { type: "range", min: MIN_BPM, max: MAX_BPM, value: startBpm, class: "mt-slider",
      "aria-label": _t("Tempo in beats per minute"), oninput: (e) => setBpm(Number(e.target.value)) });
    const startButton = h("button", { class: "mt-primary", type: "button", "data-testid": "metronome-toggle",
      onclick: () => toggleMetronome() });
    const live = h("div", { class: "mt-live", role: "status", "aria-live": "polite", "data-testid": "metronome-status" });
    const trainerStatus = h("div", { class: "mt-muted", "data-testid": "trainer-status" });

    function setBpm(bpm) {
      const value = wholeBpm(bpm);
      metronome.set({ bpm: value });
      if (metronome.options.trainer.enabled && metronome.running) {
        metronome.set({ trainer: { ...metronome.options.trainer, enabled: false } });
        trainerBox.querySelector("input[type=checkbox]").checked = false;
      }
      persist({ bpm: value });
      if (pieceKey) rememberPieceTempo(value);
    }

    function rememberPieceTempo(bpm) {
      settings.pieceTempos[pieceKey] = bpm;
      saveSettings(user, settings);
      clearTimeout(rememberPieceTempo.timer);
      rememberPieceTempo.timer = setTimeout(() => emit("pieceTempo", { key: pieceKey, bpm }), 800);
    }

    function toggleMetronome() {
      if (metronome.running) {
        metronome.stop();
        return;
      }
      metronome.start();
      use = { id: (window.Mirubato && Mirubato.uuid4()) || String(Math.random()), user, start: now(), end: now(),
        tempo: null, target: metronome.options.trainer.enabled ? wholeBpm(metronome.options.trainer.to)
          : (options.target || null), piece };
    }

    function now() {
      return window.Mirubato ? Mirubato.now() : Date.now();
    }

    function renderMetronome(state) {
      const { beats } = parseMeter(metronome.options.meter);
      if (dots.childElementCount !== beats) {
        dots.replaceChildren(...Array.from({ length: beats }, (_, i) => h("span", { class: "mt-dot" +
          (accentsOf(metronome.options.meter).has(i) ? " mt-group" : "") })));
      }
      const beat = state.beat;
      [...dots.children].forEach((dot, i) => dot.classList.toggle("mt-on", Boolean(beat) && beat.beat === i));
      bpmText.textContent = String(state.bpm);
      wordText.textContent = tempoWord(state.bpm);
      if (document.activeElement !== slider) slider.value = state.bpm;
      startButton.textContent = state.running ? _t("■ Stop") : _t("▶ Start");
      startButton.setAttribute("aria-pressed", String(state.running));
      const trainer = state.trainer;
      const progress = { bpm: state.bpm, target: trainer && trainer.to, reached: state.reached };
      trainerStatus.textContent = !(trainer && state.running) ? ""
        : state.reached ? _t("Speed trainer: {bpm} BPM, target {target}, reached {reached}", progress)
          : _t("Speed trainer: {bpm} BPM, target {target}", progress);
      if (use && state.running) {
        use.end = now();
        const tempo = state.reached || state.bpm;
        if (trainer) use.target = wholeBpm(trainer.to);
        if (tempo !== use.tempo && state.reached) emit("practice", { tempo: state.reached, target: use.target, piece });
        use.tempo = tempo;
        if (!renderMetronome.saved || use.end - renderMetronome.saved > 1000) {
          recordUse(use);
          renderMetronome.saved = use.end;
        }
      }
    }

    let lastAnnounced = "";
    metronome.onChange((state) => {
      renderMetronome(state);
      // Screen readers hear starts, stops and tempo changes, not every beat.
      const message = state.running
        ? _nt("Metronome playing at {n} beats per minute", "Metronome playing at {n} beats per minute", state.bpm)
        : _t("Metronome stopped");
      if (message !== lastAnnounced) {
        live.textContent = message;
        lastAnnounced = message;
      }
      if (!state.running && use) {
        use.end = now();
        recordUse(use);
        use = null;
      }
    });

    // The beat display follows the audio clock between wake-ups.
    let frame = 0;
    function paint() {
      if (metronome.running) metronome.markHeard(metronome.context.currentTime);
      frame = requestAnimationFrame(paint);
    }
    frame = requestAnimationFrame(paint);
    cleanups.push(() => cancelAnimationFrame(frame));

    const meterSelect = select(_t("Time signature"), Object.fromEntries(METERS.map((m) => [m, m])),
      metronome.options.meter, (meter) => {
        metronome.set({ meter });
        persist({ meter });
      }, "metronome-meter");
    const subdivisionSelect = select(_t("Subdivision"), { 1: _t("None"), 2: _t("2 per beat"), 3: _t("Triplets"),
      4: _t("4 per beat") }, metronome.options.subdivision, (value) => {
      metronome.set({ subdivision: Number(value) });
      persist({ subdivision: Number(value) });
    }, "metronome-subdivision");
    const countInSelect = select(_t("Count-in"), { 0: _t("None"), 1: _nt("{n} bar", "{n} bars", 1),
      2: _nt("{n} bar", "{n} bars", 2) }, metronome.options.countInBars, (value) => {
        metronome.set({ countInBars: Number(value) });
        persist({ countInBars: Number(value) });
      }, "metronome-count-in");
    const soundSelect = select(_t("Click sound"), SOUND_NAMES, metronome.options.sound, (sound) => {
      metronome.set({ sound });
      persist({ clickSound: sound }, { personal: true });
    }, "metronome-sound");
    const accentBox = h("input", { type: "checkbox", checked: metronome.options.accent, "data-testid": "metronome-accent",
      onchange: (e) => {
        metronome.set({ accent: e.target.checked });
        persist({ accent: e.target.checked }, { personal: true });
      } });

    const trainer = metronome.options.trainer;
    const trainerField = (label, name, min, max) => numberField(label, trainer[name], { min, max,
      testid: `trainer-${name}`, onchange: (value) => updateTrainer({ [name]: value }) });
    function updateTrainer(changes) {
      const next = { ...metronome.options.trainer, ...changes };
      metronome.set({ trainer: next });
      persist({ trainer: { ...next, enabled: false } });
    }
    const trainerBox = h("details", { class: "mt-trainer", "data-testid": "speed-trainer" },
      h("summary", { text: _t("Speed trainer") }),
      h("div", { class: "mt-row" },
        h("label", { class: "mt-check" }, h("input", { type: "checkbox", checked: false,
          "data-testid": "trainer-enabled", onchange: (e) => updateTrainer({ enabled: e.target.checked }) }),
        _t("Use the speed trainer"))),
      h("div", { class: "mt-row" }, trainerField(_t("From BPM"), "from", MIN_BPM, MAX_BPM),
        trainerField(_t("To BPM"), "to", MIN_BPM, MAX_BPM), trainerField(_t("Step +BPM"), "step", 1, 50),
        trainerField(_t("Every"), "every", 1, 64),
        select(_t("Unit"), { bars: _t("bars"), seconds: _t("seconds") }, trainer.unit,
          (unit) => updateTrainer({ unit }), "trainer-unit"),
        select(_t("At the target"), { stay: _t("Stay there"), stepBack: _t("Step back, climb again") },
          trainer.afterTarget,
          (afterTarget) => updateTrainer({ afterTarget }), "trainer-after")),
      trainerStatus);

    const metronomeView = h("div", { class: "mt-view", "data-testid": "metronome" },
      dots,
      h("div", { class: "mt-tempo" },
        h("button", { type: "button", class: "mt-round", "aria-label": _t("Slower"),
          onclick: () => setBpm(metronome.bpm - 1), text: "−" }),
        h("div", { class: "mt-readout" }, bpmText, h("span", { class: "mt-unit", text: _t("BPM") }), wordText),
        h("button", { type: "button", class: "mt-round", "aria-label": _t("Faster"),
          onclick: () => setBpm(metronome.bpm + 1), text: "+" })),
      slider,
      h("div", { class: "mt-row mt-center" }, startButton,
        h("button", { type: "button", class: "mt-secondary", "data-testid": "metronome-tap",
          onclick: () => metronome.tap(), text: _t("Tap tempo") })),
      h("div", { class: "mt-row" }, meterSelect, subdivisionSelect, countInSelect, soundSelect,
        h("label", { class: "mt-check" }, accentBox, _t("Accent the first beat"))),
      trainerBox, live);
    if (piece) {
      const name = `${piece.composer ? `${piece.composer}: ` : ""}${piece.title || ""}`;
      metronomeView.prepend(h("div", { class: "mt-piece", "data-testid": "tools-piece" },
        // Translators: {piece} is the piece's composer and title, e.g. "Chopin: Nocturne op. 9 no. 2".
        _t("For {piece}", { piece: name })));
    }

    // --- drone view ---
    const refOptions = {};
    for (let hz = 415; hz <= 466; hz += 1) refOptions[hz] = `A = ${hz} Hz`;
    const referenceSelects = [];
    function referenceSelect(testid) {
      const field = select(_t("Reference A"), refOptions, settings.referenceA, (value) => {
        persist({ referenceA: Number(value) }, { personal: true });
        for (const other of referenceSelects) other.querySelector("select").value = String(value);
        if (drone.playing) drone.tune(droneNow());
      }, testid);
      referenceSelects.push(field);
      return field;
    }
    const droneNow = () => ({ ...settings.drone, referenceA: settings.referenceA });
    const droneButton = h("button", { class: "mt-primary", type: "button", "data-testid": "drone-toggle",
      text: _t("▶ Play drone"), onclick: () => {
        if (drone.playing) drone.stop();
        else drone.start(droneNow());
        droneButton.textContent = drone.playing ? _t("■ Stop drone") : _t("▶ Play drone");
        droneLive.textContent = drone.playing ? droneSays() : _t("Drone stopped");
      } });
    const droneLive = h("div", { class: "mt-live", role: "status", "aria-live": "polite" });
    const droneName = () => {
      const note = `${NOTE_NAMES[settings.drone.pitchClass]}${settings.drone.octave}`;
      // Translators: {note} is a note name and octave, e.g. "A3".
      return settings.drone.fifth ? _t("{note} with the fifth", { note }) : note;
    };
    // Translators: {note} is a note name and octave, e.g. "A3" or "A3 with the fifth".
    const droneSays = () => _t("Drone playing {note}", { note: droneName() });
    function changeDrone(changes) {
      persist({ drone: { ...settings.drone, ...changes } });
      if (drone.playing) {
        drone.tune(droneNow());
        droneLive.textContent = droneSays();
      }
    }
    const droneView = h("div", { class: "mt-view", "data-testid": "drone", hidden: true },
      h("div", { class: "mt-row" },
        select(_t("Note"), Object.fromEntries(NOTE_NAMES.map((n, i) => [i, n])), settings.drone.pitchClass,
          (v) => changeDrone({ pitchClass: Number(v) }), "drone-note"),
        select(_t("Octave"), { 1: "1", 2: "2", 3: "3", 4: "4", 5: "5" }, settings.drone.octave,
          (v) => changeDrone({ octave: Number(v) }), "drone-octave"),
        referenceSelect("drone-reference"),
        h("label", { class: "mt-check" }, h("input", { type: "checkbox", checked: settings.drone.fifth,
          "data-testid": "drone-fifth", onchange: (e) => changeDrone({ fifth: e.target.checked }) }),
        _t("Add the fifth"))),
      h("div", { class: "mt-row mt-center" }, droneButton), droneLive);

    // --- tuner view ---
    const noteText = h("div", { class: "mt-note", "data-testid": "tuner-note", text: "–" });
    const centsText = h("div", { class: "mt-cents", "data-testid": "tuner-cents" });
    const needle = h("div", { class: "mt-needle" });
    const meter = h("div", { class: "mt-meter", "aria-hidden": "true" }, h("div", { class: "mt-zero" }), needle);
    const stringText = h("div", { class: "mt-muted mt-center-text", "data-testid": "tuner-string" });
    const strings = h("div", { class: "mt-strings", "aria-hidden": "true" },
      ["E2", "A2", "D3", "G3", "B3", "E4"].map((name) => h("span", { class: "mt-string", text: name })));
    const showStrings = () => (strings.hidden = settings.tunerMode !== "guitar");
    const tunerMessage = h("div", { class: "mt-message", role: "status", "aria-live": "polite",
      "data-testid": "tuner-message" });
    const tunerButton = h("button", { class: "mt-primary", type: "button", "data-testid": "tuner-toggle",
      text: _t("Start the tuner"), onclick: () => (tuner ? stopTuner() : startTuner()) });
    const modeSelect = select(_t("Mode"), { chromatic: _t("Chromatic"), guitar: _t("Guitar (standard tuning)") },
      settings.tunerMode, (mode) => {
        persist({ tunerMode: mode });
        showStrings();
      }, "tuner-mode");
    const TUNER_STATES = {
      asking: _t("Allow the microphone when the browser asks."),
      listening: _t("Listening: play one note."),
      denied: _t("The microphone is blocked for Mirubato. Allow it in the browser's site settings (the icon " +
        "left of the address), then press Start again."),
      "no-microphone": _t("No microphone was found. Connect one, or use a device with a microphone, then press " +
        "Start again."),
      unsupported: _t("This browser cannot run the tuner here: it needs a secure (https) page and a current browser."),
      error: _t("The tuner could not start"),
    };
    async function startTuner() {
      if (!window.MirubatoTuner) {
        tunerMessage.textContent = TUNER_STATES.unsupported;
        return;
      }
      tunerButton.disabled = true;
      try {
        tuner = await MirubatoTuner.start({
          workletUrl: `/static/pitch-worklet.js${VERSION}`,
          onState: (state, detail) => {
            // Translators: {error} is the browser's own message (often in English).
            tunerMessage.textContent = state === "error" && detail ? _t("The tuner could not start: {error}",
              { error: detail }) : TUNER_STATES[state];
            root.dataset.tuner = state;
            if (!["asking", "listening"].includes(state)) stopTuner();
          },
          onReading: showReading,
        });
      } finally {
        tunerButton.disabled = false;
      }
      if (tuner && !["asking", "listening"].includes(tuner.state)) tuner = null; // refused: nothing to stop
      tunerButton.textContent = tuner ? _t("■ Stop the tuner") : _t("Start the tuner");
    }
    function stopTuner() {
      if (tuner) tuner.stop();
      tuner = null;
      tunerButton.textContent = _t("Start the tuner");
    }
    function showReading(reading) {
      if (!reading || !reading.frequency) return;
      const note = MirubatoTuner.noteOf(reading.frequency, settings.referenceA);
      let cents = note.cents;
      if (settings.tunerMode === "guitar") {
        const string = MirubatoTuner.guitarString(reading.frequency, settings.referenceA);
        cents = string.cents;
        const direction = Math.abs(cents) <= 5 ? _t("in tune") : cents < 0 ? _t("tune up") : _t("tune down");
        const heard = { string: string.name, direction };
        // Translators: {string} is a guitar string's note (e.g. "E2"); {direction}: "in tune", "tune up"...
        stringText.textContent = _t("String {string}: {direction}", heard);
        [...strings.children].forEach((chip) => chip.classList.toggle("mt-on", chip.textContent === string.name));
        noteText.textContent = string.name;
      } else {
        noteText.textContent = `${note.name}${note.octave}`;
        stringText.textContent = `${reading.frequency.toFixed(1)} Hz`;
      }
      const shown = Math.round(cents);
      const signed = `${shown > 0 ? "+" : ""}${shown}`;
      // Translators: {cents} is how far the note is from the nearest one, with its sign, e.g. "+12" or "-3".
      centsText.textContent = _nt("{cents} cents", "{cents} cents", Math.abs(shown), { cents: signed });
      needle.style.left = `${50 + clamp(cents, -50, 50)}%`;
      meter.classList.toggle("mt-in-tune", Math.abs(cents) <= 5);
      root.dataset.tunerNote = noteText.textContent;
      root.dataset.tunerCents = cents.toFixed(1);
    }
    const tunerView = h("div", { class: "mt-view", "data-testid": "tuner", hidden: true },
      h("div", { class: "mt-row" }, modeSelect, referenceSelect("tuner-reference")),
      strings, noteText, meter, centsText, stringText, h("div", { class: "mt-row mt-center" }, tunerButton),
      tunerMessage);
    showStrings();

    // --- the timer, when the tools have a page of their own: time here counts as practice ---
    function timerStrip() {
      if (!options.timerStrip || !window.MirubatoTimer) return null;
      const clock = h("strong", { "data-testid": "tools-timer-clock" });
      const what = h("span", { class: "mt-muted" });
      const button = h("button", { type: "button", class: "mt-secondary", "data-testid": "tools-timer-toggle",
        onclick: () => {
          const state = MirubatoTimer.load("repertoire", 0);
          const step = { idle: MirubatoTimer.start, running: MirubatoTimer.pause, paused: MirubatoTimer.resume }[
            state.status];
          if (step && step(state, now()) !== false) MirubatoTimer.save(state);
          paintTimer();
        } });
      const strip = h("div", { class: "mt-timer", "data-testid": "tools-timer" },
        h("div", {}, h("span", { text: _t("Timer") }), " ", clock, " ", what), h("div", { class: "mt-row mt-center" },
          button, h("a", { href: "/timer", class: "mt-secondary", style: "text-decoration: none",
            text: _t("Open the timer") })));
      function paintTimer() {
        const state = MirubatoTimer.load("repertoire", 0);
        clock.textContent = MirubatoTimer.clock(state, now());
        what.textContent = { idle: _t("not started: time with the tools is not logged yet"),
          running: _t("running: time here counts"), paused: _t("paused"),
          stopped: _t("stopped: review it on the timer page") }[state.status] || "";
        button.textContent = { idle: _t("Start the timer"), running: _t("Pause"), paused: _t("Resume") }[state.status]
          || "";
        button.hidden = state.status === "stopped";
      }
      paintTimer();
      const every = setInterval(paintTimer, 500);
      cleanups.push(() => clearInterval(every));
      return strip;
    }

    // --- recording: a take is kept on this device, then uploaded with its practice log ---
    let recorder = null;
    const recordNote = h("div", { class: "mt-muted", "data-testid": "record-note", role: "status" });
    const recordHost = h("div", {});
    const recordView = h("div", { class: "mt-view", "data-testid": "record", hidden: true }, recordHost, recordNote);
    function paintRecordNote() {
      if (!window.MirubatoTakes) return;
      const attach = options.formKey ? _t("Takes kept here are saved with this log.")
        : _t("A take recorded while the timer runs goes with that practice; otherwise with the next log you save.");
      const waiting = MirubatoTakes.waiting;
      // Translators: {attach} is one of the two sentences above (where takes go); {n} counts takes to upload.
      recordNote.textContent = waiting ? _nt("{attach} {n} take on this device waits to upload.",
        "{attach} {n} takes on this device wait to upload.", waiting, { attach }) : attach;
    }
    function startRecorder() {
      if (recorder || !window.MirubatoRecorder) return;
      let startedAt = null;
      recorder = MirubatoRecorder.mount(recordHost, {
        maxSeconds: options.maxRecordSeconds || 1200,
        onKeep: async (take) => {
          const logId = options.formKey && window.MirubatoForms ? MirubatoForms.logIdOf(options.formKey) : null;
          await MirubatoTakes.keep({ ...take, logId, recordedAt: startedAt || now() });
          emit("take-kept", { logId, name: take.name });
        },
        emit: (name, detail) => {
          if (name === "recording") startedAt = now();
          emit(`record-${name}`, detail);
        },
      });
    }
    window.addEventListener("mirubato:takes", paintRecordNote);
    cleanups.push(() => window.removeEventListener("mirubato:takes", paintRecordNote));
    cleanups.push(() => recorder && recorder.destroy());
    paintRecordNote();

    // --- tabs ---
    const views = { metronome: metronomeView, drone: droneView, tuner: tunerView, record: recordView };
    const labels = { metronome: _t("Metronome"), drone: _t("Drone"), tuner: _t("Tuner"), record: _t("Record") };
    const shown = (options.tabs || ["metronome", "drone", "tuner", "record"]).filter((name) => views[name]);
    const ids = (window.Mirubato && Mirubato.uuid4()) || String(Math.random()).slice(2);
    const tabButtons = shown.map((name) => h("button", { type: "button", role: "tab", class: "mt-tab",
      id: `mt-tab-${name}-${ids}`, "aria-controls": `mt-panel-${name}-${ids}`, "data-testid": `tools-tab-${name}`,
      text: labels[name], onclick: () => choose(name) }));
    for (const name of shown) {
      views[name].id = `mt-panel-${name}-${ids}`;
      views[name].setAttribute("role", "tabpanel");
      views[name].setAttribute("aria-labelledby", `mt-tab-${name}-${ids}`);
    }
    function choose(name) {
      shown.forEach((other, i) => {
        views[other].hidden = other !== name;
        tabButtons[i].setAttribute("aria-selected", String(other === name));
      });
      if (name !== "tuner") stopTuner(); // the microphone is only on while the tuner is shown
      if (name === "record") startRecorder(); // it asks for the microphone only when Record is pressed
    }
    root.replaceChildren(h("div", { class: "mt-panel" }, timerStrip(),
      h("div", { class: "mt-tabs", role: "tablist" }, tabButtons),
      ...shown.map((name) => views[name])));
    choose(options.tab && views[options.tab] ? options.tab : shown[0]);
    renderMetronome(metronome.state());

    // --- keyboard: arrows change the tempo, m (and space on the tools page) starts and stops ---
    function onKey(event) {
      const tag = (event.target && event.target.tagName) || "";
      if (["INPUT", "TEXTAREA", "SELECT"].includes(tag) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.target && event.target.closest && event.target.closest(".q-dialog") && !root.closest(".q-dialog")) return;
      const steps = { ArrowUp: 5, ArrowDown: -5, ArrowRight: 1, ArrowLeft: -1 };
      if (event.key in steps) {
        event.preventDefault();
        setBpm(metronome.bpm + steps[event.key]);
      } else if (!event.repeat && (event.key === "m" || (event.key === " " && options.spaceToggles))) {
        if (event.key === " " && tag === "BUTTON") return; // the focused button gets its own click
        event.preventDefault();
        toggleMetronome();
      } else if (!event.repeat && event.key === "b") {
        metronome.tap();
      }
    }
    window.addEventListener("keydown", onKey);
    cleanups.push(() => window.removeEventListener("keydown", onKey));

    const handle = {
      metronome, drone, settings,
      get tuner() {
        return tuner;
      },
      choose,
      destroy() {
        metronome.stop();
        drone.stop();
        stopTuner();
        cleanups.forEach((cleanup) => cleanup());
      },
    };
    Tools.current = handle;
    return handle;
  }

  const Tools = { Metronome, Drone, mount, annotate, readUses, frequencyOf, parseMeter, METERS, LOOKAHEAD,
    current: null };
  window.MirubatoTools = Tools;
})();
