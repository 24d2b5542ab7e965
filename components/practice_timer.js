// The practice timer. Its state (wall-clock segments) lives in localStorage through
// window.MirubatoTimer, so a reload, a sleeping phone, a background tab or a lost connection
// never changes the time. Stopping never saves anything: online it hands the activity blocks to
// the page's review; offline it shows a short review here that saves into the outbox.
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

export default {
  template: `
    <div class="mirubato-timer column items-center q-gutter-md full-width">
      <div class="mirubato-timer-clock text-weight-light" role="timer" data-testid="timer-clock">{{ clock }}</div>
      <div class="text-subtitle1 text-grey-7" data-testid="timer-status">{{ statusText }}</div>
      <q-card v-if="state.plan && state.status !== 'stopped'" flat bordered class="full-width q-pa-md"
        data-testid="plan-runner">
        <div class="row items-center no-wrap q-gutter-sm">
          <div class="col">
            <div class="text-caption text-grey-7">{{ planProgress }}</div>
            <div class="text-subtitle1 text-weight-medium" data-testid="plan-step">{{ stepName(state.plan.steps[state.plan.index]) }}</div>
          </div>
          <div class="text-h5 mirubato-countdown" :class="{ 'text-negative': stepLeftSeconds <= 10 }"
            aria-live="off" data-testid="plan-countdown">{{ countdown }}</div>
        </div>
        <div class="row q-gutter-sm q-mt-sm">
          <q-btn outline no-caps icon="skip_next" :label="lastStep ? text.finish : text.nextBlock" @click="skipStep"
            data-testid="plan-skip" />
          <q-btn flat no-caps icon="more_time" :label="text.extend" @click="extendStep" data-testid="plan-extend" />
        </div>
        <div class="q-mt-sm">
          <div v-for="(step, i) in state.plan.steps" :key="i" class="row items-center q-gutter-xs text-body2"
            :class="{ 'text-weight-medium': i === state.plan.index, 'text-grey-6': i < state.plan.index }">
            <q-icon :name="i < state.plan.index ? 'check_circle' : (i === state.plan.index ? 'play_circle' : 'radio_button_unchecked')"
              :color="i < state.plan.index ? 'positive' : 'primary'" size="xs" />
            <span>{{ stepLine(step) }}</span>
          </div>
        </div>
        <div class="sr-only" aria-live="polite" data-testid="plan-announce">{{ announcement }}</div>
      </q-card>
      <q-select v-if="state.status !== 'stopped'" :model-value="state.activity" :options="options" emit-value map-options
        outlined :label="text.activity" style="min-width: 16rem" @update:model-value="changeActivity"
        data-testid="timer-activity" />
      <div class="row q-gutter-sm justify-center">
        <q-btn v-if="state.status === 'idle'" unelevated color="primary" size="lg" icon="play_arrow"
          :label="text.start" @click="start" data-testid="timer-start" />
        <q-btn v-if="state.status === 'running'" unelevated color="primary" size="lg" icon="pause" :label="text.pause"
          @click="pause" data-testid="timer-pause" />
        <q-btn v-if="state.status === 'paused'" unelevated color="primary" size="lg" icon="play_arrow"
          :label="text.resume" @click="resume" data-testid="timer-resume" />
        <q-btn v-if="state.status === 'running' || state.status === 'paused'" outline color="negative" size="lg"
          icon="stop" :label="text.stop" @click="stop" data-testid="timer-stop" />
        <q-btn v-if="state.status === 'stopped' && !offlineReview" unelevated color="primary" size="lg"
          icon="edit_note" :label="text.review" @click="review" data-testid="timer-review" />
      </div>
      <q-list v-if="laps.length && !offlineReview" bordered separator class="rounded-borders" style="min-width: 18rem">
        <q-item v-for="lap in laps" :key="lap.start">
          <q-item-section>{{ labels[lap.activity] || lap.activity }}</q-item-section>
          <q-item-section side>{{ format(lap.seconds) }}</q-item-section>
        </q-item>
      </q-list>
      <q-card v-if="offlineReview" flat bordered class="full-width q-pa-md" data-testid="timer-offline-review">
        <div class="text-subtitle1 q-mb-sm">{{ text.offline }}</div>
        <div v-for="block in state.blocks" :key="block.id" class="row q-col-gutter-sm items-center q-mb-sm">
          <div class="col-12 col-sm-3 text-weight-medium">{{ labels[block.activity] || block.activity }}</div>
          <q-input class="col-4 col-sm-2" dense outlined type="number" :label="text.minutes"
            v-model="details[block.id].minutes" />
          <q-input class="col-8 col-sm-5" dense outlined :label="text.piece" v-model="details[block.id].workTitle" />
          <q-input class="col-12 col-sm-2" dense outlined type="number" :label="text.rating"
            v-model="details[block.id].selfRating" />
        </div>
        <div class="row justify-end q-gutter-sm">
          <q-btn flat color="negative" :label="text.discard" @click="discard" />
          <q-btn unelevated color="primary" :label="text.saveHere" @click="saveOffline"
            data-testid="timer-offline-save" />
        </div>
      </q-card>
      <q-select v-if="state.status !== 'stopped'" :model-value="state.reminderMinutes" :options="reminderOptions"
        emit-value map-options dense outlined :label="text.remind" style="min-width: 12rem"
        @update:model-value="setReminder" />
      <div class="text-caption text-grey-6">{{ text.help }}</div>
    </div>`,
  props: {
    activities: Object,
    defaultActivity: String,
    reminderMinutes: Number,
    instrument: String,
  },
  data() {
    return { state: MirubatoTimer.load(this.defaultActivity, this.reminderMinutes), now: Mirubato.now(),
      offlineReview: false, details: {}, announcement: "" };
  },
  computed: {
    text() {
      return {
        finish: _t("Finish"),
        nextBlock: _t("Next block"),
        extend: _t("+2 min"),
        activity: _t("Activity"),
        start: _t("Start"),
        pause: _t("Pause"),
        resume: _t("Resume"),
        stop: _t("Stop"),
        review: _t("Review and save"),
        offline: _t("You are offline: save this practice on the device"),
        minutes: _t("Minutes"),
        piece: _t("Piece"),
        rating: _t("Rating 1-10"),
        discard: _t("Discard"),
        saveHere: _t("Save on this device"),
        remind: _t("Remind me every"),
        help: _t("Space starts, pauses and resumes. The timer keeps running if you reload or lose the connection."),
      };
    },
    labels() {
      return this.activities || {};
    },
    options() {
      return Object.entries(this.labels).map(([value, label]) => ({ value, label }));
    },
    reminderOptions() {
      return [0, 5, 10, 15, 20, 30, 45, 60].map((m) => ({ value: m,
        label: m ? _nt("{n} minutes", "{n} minutes", m) : _t("Off") }));
    },
    clock() {
      return MirubatoTimer.clock(this.state, this.now);
    },
    statusText() {
      return { idle: _t("Ready"), running: _t("Practising"), paused: _t("Paused"),
        stopped: _t("Stopped: review and save") }[this.state.status];
    },
    planProgress() {
      const plan = this.state.plan;
      if (!plan) return "";
      const values = { title: plan.title, block: plan.index + 1, blocks: plan.steps.length };
      // Translators: {title} is the plan's name; {block} of {blocks}: which of its blocks is running.
      return _t("{title} · block {block} of {blocks}", values);
    },
    laps() {
      return MirubatoTimer.merge(this.state.segments, this.now);
    },
    stepLeftSeconds() {
      return Math.ceil(MirubatoTimer.stepLeft(this.state, this.now) ?? 0);
    },
    countdown() {
      const left = Math.max(0, this.stepLeftSeconds);
      return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
    },
    lastStep() {
      return !!this.state.plan && this.state.plan.index + 1 >= this.state.plan.steps.length;
    },
  },
  mounted() {
    this.tick = setInterval(() => this.onTick(), 250);
    this.onVisible = () => (this.now = Mirubato.now());
    document.addEventListener("visibilitychange", this.onVisible);
    this.onStorage = (event) => event.key === "mirubato.timer" && this.reload();
    window.addEventListener("storage", this.onStorage);
    window.addEventListener("mirubato:timer", this.reloadSoon);
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
    window.removeEventListener("mirubato:timer", this.reloadSoon);
    window.removeEventListener("keydown", this.onKey);
  },
  methods: {
    reload() {
      this.state = MirubatoTimer.load(this.defaultActivity, this.reminderMinutes);
      if (this.state.status !== "stopped") this.offlineReview = false;
    },
    reloadSoon() {
      setTimeout(() => this.reload(), 0);
    },
    apply(change) {
      const now = Mirubato.now();
      if (change(this.state, now) !== false) MirubatoTimer.save(this.state);
      this.now = now;
    },
    onTick() {
      this.now = Mirubato.now();
      if (this.state.plan && this.state.status === "running" && MirubatoTimer.stepLeft(this.state, this.now) <= 0) {
        this.skipStep();
        return;
      }
      const every = (this.state.reminderMinutes || 0) * 60000;
      if (this.state.status !== "running" || !every) return;
      if (this.now - (this.state.lastReminder ?? this.state.segments[0].start) >= every) {
        this.state.lastReminder = this.now;
        MirubatoTimer.save(this.state);
        this.remind();
      }
    },
    remind() {
      // Translators: {time} is the time practised so far, e.g. "25:00".
      const message = _t("{time} practised: time for a short break or the next activity.", { time: this.clock });
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
    startPlan(plan) {
      // Called by the page with a plan's blocks; a plan already running (a reload) carries on.
      if (this.state.plan && this.state.plan.id === plan.id && this.state.status !== "idle") return;
      this.apply((state, now) => MirubatoTimer.startPlan(state, plan, now));
      if (this.state.status !== "running") return;
      const first = { step: this.stepName(plan.steps[0]) };
      // Translators: {step} is the block's activity (and piece); {n} its minutes.
      this.announce(_nt("Plan started: {step}, {n} minutes", "Plan started: {step}, {n} minutes", plan.steps[0].minutes,
        first));
      this.$emit("started", { startedAt: new Date(this.state.segments[0].start).toISOString() });
    },
    skipStep() {
      const moved = MirubatoTimer.nextStep(this.state, Mirubato.now());
      if (!moved) {
        this.chime(2);
        this.announce(_t("Plan finished"));
        this.stop();
        return;
      }
      MirubatoTimer.save(this.state);
      const step = this.state.plan.steps[this.state.plan.index];
      this.chime(1);
      const next = { step: this.stepName(step) };
      // Translators: {step} is the block's activity (and piece); {n} its minutes.
      this.announce(_nt("Next: {step}, {n} minutes", "Next: {step}, {n} minutes", step.minutes, next));
      // Translators: {step} is the block's activity (and piece); {n} its minutes.
      this.$q.notify({ message: _nt("Next: {step} · {n} min", "Next: {step} · {n} min", step.minutes, next),
        icon: "skip_next", color: "primary", timeout: 5000 });
    },
    extendStep() {
      this.apply((state) => {
        if (state.plan) state.plan.extra += 120;
      });
    },
    stepLine(step) {
      const values = { minutes: step.minutes, step: this.stepName(step) };
      // Translators: a plan's block: its minutes and its activity (and piece).
      return _t("{minutes} min · {step}", values);
    },
    stepName(step) {
      if (!step) return "";
      const activity = this.labels[step.activity] || step.activity;
      return step.title ? `${activity} · ${step.title}` : activity;
    },
    announce(text) {
      this.announcement = text;
    },
    chime(times) {
      // A short two-note chime per block change (the ears know before the eyes look).
      if (navigator.vibrate) navigator.vibrate(200);
      try {
        const audio = new AudioContext();
        for (let i = 0; i < times * 2; i++) {
          const tone = audio.createOscillator();
          tone.frequency.value = i % 2 ? 1175 : 880;
          tone.connect(audio.destination);
          tone.start(audio.currentTime + i * 0.18);
          tone.stop(audio.currentTime + i * 0.18 + 0.15);
        }
      } catch (error) {
        /* no sound available */
      }
    },
    start() {
      if (this.state.status !== "idle") return;
      this.apply(MirubatoTimer.start);
      this.$emit("started", { startedAt: new Date(this.state.segments[0].start).toISOString() });
    },
    startIfIdle() {
      this.start();
    },
    pause() {
      this.apply(MirubatoTimer.pause);
    },
    resume() {
      this.apply(MirubatoTimer.resume);
    },
    toggle() {
      ({ idle: this.start, running: this.pause, paused: this.resume }[this.state.status] || (() => {}))();
    },
    changeActivity(activity) {
      this.apply((state, now) => MirubatoTimer.changeActivity(state, activity, now));
    },
    setReminder(minutes) {
      this.apply((state, now) => {
        state.reminderMinutes = minutes;
        state.lastReminder = now;
      });
      if (minutes && window.Notification && Notification.permission === "default") Notification.requestPermission();
    },
    stop() {
      this.apply(MirubatoTimer.stop);
      this.review();
    },
    review() {
      if (this.state.status !== "stopped") return;
      if (Mirubato.connected()) {
        this.$emit("stopped", this.pendingStop());
        return;
      }
      this.details = Object.fromEntries(this.state.blocks.map((b) => [b.id, {
        minutes: MirubatoTimer.shownMinutes(b), workTitle: b.workTitle || "", selfRating: "",
        instrument: this.instrument,
      }]));
      this.offlineReview = true;
    },
    saveOffline() {
      try {
        MirubatoTimer.queueBlocks(this.state, this.details);
      } catch (error) {
        return; // storage full: the timer keeps its blocks, nothing is lost
      }
      Mirubato.notify(_t("Saved on this device. It will sync when you are back online."), "info");
      this.reset();
    },
    discard() {
      if (window.confirm(_t("Discard this practice? It will not be logged."))) this.reset();
    },
    pendingStop() {
      if (this.state.status !== "stopped") return null;
      return { blocks: this.state.blocks, sessionId: this.state.sessionId };
    },
    setSession(sessionId) {
      this.state.sessionId = sessionId;
      MirubatoTimer.save(this.state);
    },
    reset() {
      this.state = MirubatoTimer.blank(this.state.activity, this.state.reminderMinutes);
      this.offlineReview = false;
      MirubatoTimer.save(this.state);
    },
    format(seconds) {
      const m = Math.floor(seconds / 60);
      const s = Math.round(seconds % 60);
      const values = { minutes: m, seconds: String(s).padStart(2, "0") };
      return m ? _t("{minutes} min {seconds} s", values) : _t("{seconds} s", { seconds: s });
    },
  },
};
