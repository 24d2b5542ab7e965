// Lists what waits in this device's outbox, and lets the musician decide on conflicts
// (keep mine / keep theirs) and on changes the server could not accept (discard).
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
    <div class="column q-gutter-md full-width" data-testid="outbox-review">
      <div v-if="!entries.length" class="text-grey-7">{{ text.nothing }}</div>
      <q-card v-for="entry in entries" :key="entry.id" flat bordered class="q-pa-md" :data-state="entry.state">
        <div class="row items-center q-gutter-sm">
          <q-badge :color="color(entry.state)">{{ stateLabel(entry.state) }}</q-badge>
          <div class="text-weight-medium">{{ describe(entry) }}</div>
          <q-space />
          <div class="text-caption text-grey-7">{{ savedOn(entry) }}</div>
        </div>
        <div v-if="entry.answer && entry.answer.message" class="q-mt-sm">{{ entry.answer.message }}</div>
        <ul v-if="entry.answer && entry.answer.problems && entry.answer.problems.length" class="q-my-sm">
          <li v-for="p in entry.answer.problems" :key="p.field">{{ p.field }}: {{ p.message }}</li>
        </ul>
        <div v-if="entry.state === 'conflict' && entry.answer && entry.answer.log" class="row q-col-gutter-md q-mt-sm">
          <div class="col-12 col-sm-6"><div class="text-caption text-grey-7">{{ text.yours }}</div>
            {{ summary(entry.data) }}</div>
          <div class="col-12 col-sm-6"><div class="text-caption text-grey-7">{{ text.elsewhere }}</div>
            {{ entry.answer.log.isActive ? summary(entry.answer.log) : text.deleted }}</div>
        </div>
        <div class="row justify-end q-gutter-sm q-mt-sm">
          <q-btn v-if="entry.state === 'conflict'" flat :label="text.keepTheirs" @click="resolve(entry, 'theirs')"
            data-testid="keep-theirs" />
          <q-btn v-if="entry.state === 'conflict'" unelevated color="primary" :label="text.keepMine"
            @click="resolve(entry, 'mine')" data-testid="keep-mine" />
          <q-btn v-if="entry.state === 'rejected'" flat color="negative" :label="text.discard"
            @click="resolve(entry, 'discard')" />
        </div>
      </q-card>
      <q-card v-if="others.length" flat bordered class="q-pa-md" data-testid="outbox-others">
        <div class="text-weight-medium">{{ othersTitle }}</div>
        <div class="text-grey-7 q-mt-xs">{{ text.othersHelp }}</div>
        <div class="row justify-end q-gutter-sm q-mt-sm">
          <q-btn flat color="negative" :label="text.discardThem" @click="discardOthers" data-testid="discard-others" />
          <q-btn unelevated color="primary" :label="text.download" icon="download" @click="download"
            data-testid="download-others" />
        </div>
      </q-card>
    </div>`,
  data() {
    return { entries: [], others: [] };
  },
  computed: {
    text() {
      return {
        nothing: _t("Nothing waits on this device: everything is synced."),
        yours: _t("Yours"),
        elsewhere: _t("Saved elsewhere"),
        deleted: _t("deleted"),
        keepTheirs: _t("Keep theirs"),
        keepMine: _t("Keep mine"),
        discard: _t("Discard"),
        othersHelp: _t("They are never sent as yours. They wait here and sync when that account signs in on this " +
          "browser. You can also download them (a JSON file) or discard them."),
        discardThem: _t("Discard them"),
        download: _t("Download"),
      };
    },
    othersTitle() {
      const count = this.others.length;
      return _nt("{n} change(s) saved on this device by another account",
        "{n} change(s) saved on this device by another account", count);
    },
  },
  mounted() {
    this.refresh = () => {
      this.entries = MirubatoOutbox.entries();
      this.others = MirubatoOutbox.others();
    };
    window.addEventListener("mirubato:outbox", this.refresh);
    window.addEventListener("storage", this.refresh);
    this.refresh();
  },
  unmounted() {
    window.removeEventListener("mirubato:outbox", this.refresh);
    window.removeEventListener("storage", this.refresh);
  },
  methods: {
    discardOthers() {
      if (!window.confirm(_t("Discard the changes another account saved on this device? They cannot be recovered."))) {
        return;
      }
      MirubatoOutbox.discardOthers();
      this.refresh();
    },
    download() {
      const blob = new Blob([JSON.stringify(this.others, null, 2)], { type: "application/json" });
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "mirubato-saved-on-this-device.json";
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    },
    resolve(entry, choice) {
      MirubatoOutbox.resolve(entry.id, choice);
      this.refresh();
    },
    color(state) {
      return { pending: "primary", conflict: "orange", rejected: "negative" }[state] || "grey";
    },
    stateLabel(state) {
      return { pending: _t("Waiting to sync"), conflict: _t("Changed elsewhere"), rejected: _t("Not accepted") }[state]
        || state;
    },
    describe(entry) {
      const what = { create: _t("New log"), update: _t("Edit"), delete: _t("Removal"), restore: _t("Restore") }[
        entry.kind] || entry.kind;
      if (!entry.data) return what;
      const values = { what, summary: this.summary(entry.data) }; // (not in the call: see the note at the top)
      // Translators: {what} is the kind of change ("New log", "Edit"...), {summary} the log's activity, minutes, piece.
      return _t("{what}: {summary}", values);
    },
    summary(log) {
      const minutes = log.durationSeconds ? _t("{minutes} min", { minutes: Math.round(log.durationSeconds / 60) }) : "";
      const piece = [log.composer, log.workTitle].filter(Boolean).join(": ");
      const rating = log.selfRating ? _t("rated {rating}/10", { rating: log.selfRating }) : "";
      return [log.activityType, minutes, piece, rating].filter(Boolean).join(" · ");
    },
    when(iso) {
      // The device's own clock: shown, never used to decide anything.
      return iso ? new Date(iso).toLocaleString() : "";
    },
    savedOn(entry) {
      // Translators: {when} is the date and time the change was saved, as the device writes them.
      return _t("saved on this device {when}", { when: this.when(entry.queuedAt) });
    },
  },
};
