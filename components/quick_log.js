// The quick log: an activity, minutes, optionally a piece, a rating and notes, in one dialog.
// Built in the browser and saved into the outbox, so opening, saving and closing it need no
// server: it works the same with the connection down. Buttons open it with open(preset).
// NOTE: the log fields are those of services/practice_shapes.LogIn; the outbox is
// components/static/mirubato-offline.js.
// The page's translation functions (components/language.py); English as written where a page has none.
const _t = window._t || function (s, v) {
  return v ? s.replace(/\{(\w+)\}/g, function (m, k) { return k in v ? v[k] : m; }) : s;
};

export default {
  template: `
    <q-dialog v-model="shown" @hide="reset" data-testid="quick-log">
      <q-card class="q-pa-md column q-gutter-sm" style="width: 32rem; max-width: 100%">
        <div class="text-h6">{{ title }}</div>
        <div class="row q-col-gutter-sm">
          <q-select class="col-12 col-sm-7" outlined dense emit-value map-options :label="text.activity"
            v-model="values.activityType" :options="activityOptions" data-testid="quick-activity" />
          <q-input class="col-6 col-sm-5" outlined dense type="number" min="1" max="1440" :label="text.minutes"
            v-model.number="values.minutes" :error="!!problems.minutes" :error-message="problems.minutes"
            data-testid="quick-minutes" />
          <q-select class="col-6" outlined dense emit-value map-options :label="text.instrument"
            v-model="values.instrument" :options="instrumentOptions" />
          <q-input class="col-12 col-sm-6" outlined dense :label="text.composer" v-model="values.composer"
            maxlength="200" />
          <q-input class="col-12 col-sm-6" outlined dense :label="text.title" v-model="values.workTitle"
            maxlength="300" />
          <q-input class="col-12 col-sm-6" outlined dense :label="text.section" v-model="values.movementSection"
            maxlength="200" />
          <div class="col-12">
            <div class="row items-center no-wrap q-gutter-sm">
              <span class="text-grey-8">{{ text.rating }}</span>
              <q-rating v-model="values.selfRating" :max="10" size="1.4em" color="primary" :aria-label="text.rating" />
              <span class="text-grey-7">{{ ratingShown }}</span>
              <q-btn v-if="values.selfRating" flat dense no-caps size="sm" :label="text.clear"
                @click="values.selfRating = 0" />
            </div>
          </div>
          <q-input class="col-12" outlined dense autogrow :label="text.notes" v-model="values.practiceNotes"
            maxlength="10000" />
        </div>
        <div class="row justify-end q-gutter-sm">
          <q-btn flat :label="text.cancel" @click="shown = false" data-testid="quick-cancel" />
          <q-btn unelevated color="primary" icon="check" :label="text.save" @click="save" data-testid="quick-save" />
        </div>
      </q-card>
    </q-dialog>`,
  props: {
    activities: Object,
    instruments: Object,
    instrument: String,
  },
  data() {
    return { shown: false, title: _t("Quick log"), values: this.blank(), problems: {} };
  },
  computed: {
    text() {
      return {
        activity: _t("Activity"),
        minutes: _t("Minutes"),
        instrument: _t("Instrument"),
        composer: _t("Composer"),
        title: _t("Title"),
        section: _t("Section"),
        rating: _t("Rating"),
        clear: _t("Clear"),
        notes: _t("Notes"),
        cancel: _t("Cancel"),
        save: _t("Save"),
      };
    },
    ratingShown() {
      const rating = this.values.selfRating;
      return rating ? _t("{rating}/10", { rating }) : _t("not rated");
    },
    activityOptions() {
      return Object.entries(this.activities || {}).map(([value, label]) => ({ value, label }));
    },
    instrumentOptions() {
      return Object.entries(this.instruments || {}).map(([value, label]) => ({ value, label }));
    },
  },
  methods: {
    blank(preset) {
      const p = preset || {};
      return {
        activityType: p.activityType || "repertoire",
        minutes: p.durationSeconds ? Math.round(p.durationSeconds / 60) : 20,
        instrument: p.instrument || this.instrument || "piano",
        composer: p.composer || "",
        workTitle: p.workTitle || "",
        movementSection: p.movementSection || "",
        selfRating: 0, // 0: not rated; stored as no rating
        practiceNotes: "",
      };
    },
    open(preset) {
      this.values = this.blank(preset);
      this.title = (preset && preset.templateName) || _t("Quick log");
      this.problems = {};
      this.shown = true;
    },
    reset() {
      this.problems = {};
    },
    save() {
      const minutes = Number(this.values.minutes);
      if (!Number.isFinite(minutes) || minutes < 1 || minutes > 1440) {
        this.problems = { minutes: _t("Between 1 and 1440 minutes") };
        return;
      }
      const seconds = Math.round(minutes * 60);
      const end = Mirubato.now();
      const text = (value) => (typeof value === "string" && value.trim() ? value.trim() : null);
      const data = {
        activityType: this.values.activityType,
        instrument: this.values.instrument || null,
        startTime: new Date(end - seconds * 1000).toISOString(),
        durationSeconds: seconds,
        composer: text(this.values.composer),
        workTitle: text(this.values.workTitle),
        movementSection: text(this.values.movementSection),
        selfRating: this.values.selfRating || null,
        practiceNotes: text(this.values.practiceNotes),
      };
      try {
        MirubatoOutbox.enqueue({ kind: "create", logId: Mirubato.uuid4(), origin: "quick-log", data });
      } catch (error) {
        return; // storage full: said so; the dialog stays open with what was typed
      }
      this.shown = false;
      if (!Mirubato.connected()) {
        Mirubato.notify(_t("Saved on this device. It will sync when you are back online."), "info");
      }
    },
  },
};
