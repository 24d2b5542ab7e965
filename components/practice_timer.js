// The practice timer. It runs in the browser on wall-clock timestamps kept in localStorage, so
// a reload, a sleeping phone, a background tab or a lost connection never changes the time.
// Stopping never saves anything: it hands the activity blocks to the page for review.
const KEY = "mirubato.timer";

function uuid4() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function blank(activity, reminderMinutes) {
  return { status: "idle", activity, segments: [], sessionId: null, blocks: null, reminderMinutes, lastReminder: null };
}

export default {
  template: `
    <div class="mirubato-timer column items-center q-gutter-md full-width">
      <div class="mirubato-timer-clock text-weight-light" role="timer" data-testid="timer-clock">{{ clock }}</div>
      <div class="text-subtitle1 text-grey-7" data-testid="timer-status">{{ statusText }}</div>
      <q-select v-if="state.status !== 'stopped'" :model-value="state.activity" :options="options" emit-value map-options
        outlined label="Activity" style="min-width: 16rem" @update:model-value="changeActivity"
        data-testid="timer-activity" />
      <div class="row q-gutter-sm justify-center">
        <q-btn v-if="state.status === 'idle'" unelevated color="primary" size="lg" icon="play_arrow" label="Start"
          @click="start" data-testid="timer-start" />
        <q-btn v-if="state.status === 'running'" unelevated color="primary" size="lg" icon="pause" label="Pause"
          @click="pause" data-testid="timer-pause" />
        <q-btn v-if="state.status === 'paused'" unelevated color="primary" size="lg" icon="play_arrow" label="Resume"
          @click="resume" data-testid="timer-resume" />
        <q-btn v-if="state.status === 'running' || state.status === 'paused'" outline color="negative" size="lg"
          icon="stop" label="Stop" @click="stop" data-testid="timer-stop" />
        <q-btn v-if="state.status === 'stopped'" unelevated color="primary" size="lg" icon="edit_note"
          label="Review and save" @click="review" data-testid="timer-review" />
      </div>
      <q-list v-if="laps.length" bordered separator class="rounded-borders" style="min-width: 18rem">
        <q-item v-for="lap in laps" :key="lap.start">
          <q-item-section>{{ labels[lap.activity] || lap.activity }}</q-item-section>
          <q-item-section side>{{ format(lap.seconds) }}</q-item-section>
        </q-item>
      </q-list>
      <q-select v-if="state.status !== 'stopped'" :model-value="state.reminderMinutes" :options="reminderOptions"
        emit-value map-options dense outlined label="Remind me every" style="min-width: 12rem"
        @update:model-value="setReminder" />
      <div class="text-caption text-grey-6">Space starts, pauses and resumes. The timer keeps running if you reload
        or lose the connection.</div>
    </div>`,
  props: {
    activities: Object,
    defaultActivity: String,
    reminderMinutes: Number,
  },
  data() {
    return { state: this.load(), now: Date.now() };
  },
  computed: {
    labels() {
      return this.activities || {};
    },
    options() {
      return Object.entries(this.labels).map(([value, label]) => ({ value, label }));
    },
    reminderOptions() {
      return [0, 5, 10, 15, 20, 30, 45, 60].map((m) => ({ value: m, label: m ? `${m} minutes` : "Off" }));
    },
    elapsed() {
      return this.state.segments.reduce((sum, s) => sum + ((s.end ?? this.now) - s.start), 0) / 1000;
    },
    clock() {
      const total = Math.floor(this.elapsed);
      const h = Math.floor(total / 3600);
      const m = Math.floor((total % 3600) / 60);
      const s = total % 60;
      const two = (n) => String(n).padStart(2, "0");
      return h ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
    },
    statusText() {
      return { idle: "Ready", running: "Practising", paused: "Paused", stopped: "Stopped: review and save" }[
        this.state.status
      ];
    },
    laps() {
      return this.merge(this.state.segments);
    },
  },
  mounted() {
    this.tick = setInterval(() => this.onTick(), 250);
    this.onVisible = () => (this.now = Date.now());
    document.addEventListener("visibilitychange", this.onVisible);
    this.onStorage = (event) => event.key === KEY && (this.state = this.load());
    window.addEventListener("storage", this.onStorage);
    this.onKey = (event) => {
      const tag = (event.target && event.target.tagName) || "";
      if (["INPUT", "TEXTAREA", "SELECT"].includes(tag) || event.ctrlKey || event.metaKey || event.repeat) return;
      if (event.key === " " || event.key === "t") {
        event.preventDefault();
        this.toggle();
      }
    };
    window.addEventListener("keydown", this.onKey);
  },
  unmounted() {
    clearInterval(this.tick);
    document.removeEventListener("visibilitychange", this.onVisible);
    window.removeEventListener("storage", this.onStorage);
    window.removeEventListener("keydown", this.onKey);
  },
  methods: {
    load() {
      try {
        const saved = JSON.parse(localStorage.getItem(KEY) || "null");
        if (saved && Array.isArray(saved.segments)) return saved;
      } catch (error) {
        /* a damaged entry starts a fresh timer */
      }
      return blank(this.defaultActivity || "repertoire", this.reminderMinutes || 0);
    },
    save() {
      localStorage.setItem(KEY, JSON.stringify(this.state));
    },
    onTick() {
      this.now = Date.now();
      const every = (this.state.reminderMinutes || 0) * 60000;
      if (this.state.status !== "running" || !every) return;
      const since = this.state.lastReminder ?? this.state.segments[0].start;
      if (this.now - since >= every) {
        this.state.lastReminder = this.now;
        this.save();
        this.remind();
      }
    },
    remind() {
      const message = `${this.clock} practised: time for a short break or the next activity.`;
      this.$q.notify({ message, icon: "alarm", color: "primary", timeout: 8000 });
      if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
      if (window.Notification && Notification.permission === "granted" && document.hidden) {
        new Notification("Mirubato", { body: message });
      }
      try {
        const audio = new AudioContext();
        const tone = audio.createOscillator();
        tone.frequency.value = 880;
        tone.connect(audio.destination);
        tone.start();
        tone.stop(audio.currentTime + 0.25);
      } catch (error) {
        /* no sound available */
      }
    },
    start() {
      if (this.state.status !== "idle") return;
      const now = Date.now();
      this.state.status = "running";
      this.state.segments = [{ activity: this.state.activity, start: now, end: null }];
      this.state.lastReminder = now;
      this.save();
      this.$emit("started", { startedAt: new Date(now).toISOString(), activity: this.state.activity });
    },
    startIfIdle() {
      if (this.state.status === "idle") this.start();
    },
    pause() {
      if (this.state.status !== "running") return;
      this.state.segments[this.state.segments.length - 1].end = Date.now();
      this.state.status = "paused";
      this.save();
    },
    resume() {
      if (this.state.status !== "paused") return;
      this.state.segments.push({ activity: this.state.activity, start: Date.now(), end: null });
      this.state.status = "running";
      this.save();
    },
    toggle() {
      ({ idle: this.start, running: this.pause, paused: this.resume }[this.state.status] || (() => {}))();
    },
    changeActivity(activity) {
      this.state.activity = activity;
      if (this.state.status === "running") {
        const now = Date.now();
        this.state.segments[this.state.segments.length - 1].end = now;
        this.state.segments.push({ activity, start: now, end: null });
      }
      this.save();
    },
    setReminder(minutes) {
      this.state.reminderMinutes = minutes;
      this.state.lastReminder = Date.now();
      this.save();
      if (minutes && window.Notification && Notification.permission === "default") Notification.requestPermission();
    },
    stop() {
      if (this.state.status !== "running" && this.state.status !== "paused") return;
      const last = this.state.segments[this.state.segments.length - 1];
      if (last.end === null) last.end = Date.now();
      this.state.status = "stopped";
      this.state.blocks = this.merge(this.state.segments).map((block) => ({ ...block, id: uuid4() }));
      this.save();
      this.review();
    },
    review() {
      this.$emit("stopped", this.pendingStop());
    },
    pendingStop() {
      if (this.state.status !== "stopped") return null;
      return { blocks: this.state.blocks, sessionId: this.state.sessionId };
    },
    setSession(sessionId) {
      this.state.sessionId = sessionId;
      this.save();
    },
    reset() {
      this.state = blank(this.state.activity, this.state.reminderMinutes);
      this.save();
    },
    merge(segments) {
      // Consecutive segments of one activity (a pause in between) make one block, and one log.
      const blocks = [];
      for (const s of segments) {
        const seconds = ((s.end ?? this.now) - s.start) / 1000;
        const last = blocks[blocks.length - 1];
        if (last && last.activity === s.activity) {
          last.seconds += seconds;
          last.end = s.end ?? this.now;
        } else {
          blocks.push({ activity: s.activity, start: s.start, end: s.end ?? this.now, seconds });
        }
      }
      return blocks
        .filter((b) => b.seconds >= 1)
        .map((b) => ({
          ...b,
          seconds: Math.round(b.seconds),
          startTime: new Date(b.start).toISOString(),
          endTime: new Date(b.end).toISOString(),
        }));
    },
    format(seconds) {
      const m = Math.floor(seconds / 60);
      const s = Math.round(seconds % 60);
      return m ? `${m} min ${String(s).padStart(2, "0")} s` : `${s} s`;
    },
  },
};
