// Lists what waits in this device's outbox, and lets the musician decide on conflicts
// (keep mine / keep theirs) and on changes the server could not accept (discard).
export default {
  template: `
    <div class="column q-gutter-md full-width" data-testid="outbox-review">
      <div v-if="!entries.length" class="text-grey-7">Nothing waits on this device: everything is synced.</div>
      <q-card v-for="entry in entries" :key="entry.id" flat bordered class="q-pa-md" :data-state="entry.state">
        <div class="row items-center q-gutter-sm">
          <q-badge :color="color(entry.state)">{{ stateLabel(entry.state) }}</q-badge>
          <div class="text-weight-medium">{{ describe(entry) }}</div>
          <q-space />
          <div class="text-caption text-grey-7">saved on this device {{ when(entry.queuedAt) }}</div>
        </div>
        <div v-if="entry.answer && entry.answer.message" class="q-mt-sm">{{ entry.answer.message }}</div>
        <ul v-if="entry.answer && entry.answer.problems && entry.answer.problems.length" class="q-my-sm">
          <li v-for="p in entry.answer.problems" :key="p.field">{{ p.field }}: {{ p.message }}</li>
        </ul>
        <div v-if="entry.state === 'conflict' && entry.answer && entry.answer.log" class="row q-col-gutter-md q-mt-sm">
          <div class="col-12 col-sm-6"><div class="text-caption text-grey-7">Yours</div>{{ summary(entry.data) }}</div>
          <div class="col-12 col-sm-6"><div class="text-caption text-grey-7">Saved elsewhere</div>
            {{ entry.answer.log.isActive ? summary(entry.answer.log) : "deleted" }}</div>
        </div>
        <div class="row justify-end q-gutter-sm q-mt-sm">
          <q-btn v-if="entry.state === 'conflict'" flat label="Keep theirs" @click="resolve(entry, 'theirs')"
            data-testid="keep-theirs" />
          <q-btn v-if="entry.state === 'conflict'" unelevated color="primary" label="Keep mine"
            @click="resolve(entry, 'mine')" data-testid="keep-mine" />
          <q-btn v-if="entry.state === 'rejected'" flat color="negative" label="Discard"
            @click="resolve(entry, 'discard')" />
        </div>
      </q-card>
      <q-card v-if="others.length" flat bordered class="q-pa-md" data-testid="outbox-others">
        <div class="text-weight-medium">{{ others.length }} change(s) saved on this device by another account</div>
        <div class="text-grey-7 q-mt-xs">They are never sent as yours. They wait here and sync when that account
          signs in on this browser. You can also download them (a JSON file) or discard them.</div>
        <div class="row justify-end q-gutter-sm q-mt-sm">
          <q-btn flat color="negative" label="Discard them" @click="discardOthers" data-testid="discard-others" />
          <q-btn unelevated color="primary" label="Download" icon="download" @click="download"
            data-testid="download-others" />
        </div>
      </q-card>
    </div>`,
  data() {
    return { entries: [], others: [] };
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
      if (!window.confirm("Discard the changes another account saved on this device? They cannot be recovered.")) return;
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
      return { pending: "Waiting to sync", conflict: "Changed elsewhere", rejected: "Not accepted" }[state] || state;
    },
    describe(entry) {
      const what = { create: "New log", update: "Edit", delete: "Removal", restore: "Restore" }[entry.kind] || entry.kind;
      return entry.data ? `${what}: ${this.summary(entry.data)}` : what;
    },
    summary(log) {
      const minutes = log.durationSeconds ? `${Math.round(log.durationSeconds / 60)} min` : "";
      const piece = [log.composer, log.workTitle].filter(Boolean).join(": ");
      const rating = log.selfRating ? `rated ${log.selfRating}/10` : "";
      return [log.activityType, minutes, piece, rating].filter(Boolean).join(" · ");
    },
    when(iso) {
      // The device's own clock: shown, never used to decide anything.
      return iso ? new Date(iso).toLocaleString() : "";
    },
  },
};
