// Shows whether the page is connected to the server, and how many saved changes wait to sync.
// NOTE: reads the outbox through window.MirubatoOutbox (components/static/mirubato-offline.js).
// The page's translation functions (components/language.py); English as written where a page has none.
const _t = window._t || function (s, v) {
  return v ? s.replace(/\{(\w+)\}/g, function (m, k) { return k in v ? v[k] : m; }) : s;
};
const _nt = window._nt || function (one, other, n, v) {
  const all = Object.assign({ n: n }, v || {});
  return (n === 1 ? one : other).replace(/\{(\w+)\}/g, function (m, k) { return k in all ? all[k] : m; });
};

export default {
  template: `
    <span class="mirubato-connection cursor-pointer" :data-state="state" :title="title" role="status"
      aria-live="polite" data-testid="connection-badge" @click="open">
      <q-icon :name="icon" size="18px" />
      <span class="q-ml-xs gt-xs">{{ label }}</span>
      <span v-if="short" class="q-ml-xs lt-sm" data-testid="connection-badge-short">{{ short }}</span>
    </span>`,
  data() {
    return { online: null, waiting: 0, attention: 0, others: 0, takes: 0 };
  },
  computed: {
    state() {
      if (this.attention) return "attention";
      if (this.online === null) return "connecting";
      return !this.online ? "offline" : this.waiting || this.takes ? "syncing" : "online";
    },
    icon() {
      return { attention: "sync_problem", connecting: "cloud_queue", offline: "cloud_off", syncing: "cloud_sync",
        online: "cloud_done" }[this.state];
    },
    pending() {
      // Saved logs and recorded takes still on this device, e.g. "2 waiting · 1 take to upload".
      const parts = [];
      if (this.waiting) {
        parts.push(this.online ? _nt("{n} to sync", "{n} to sync", this.waiting)
          : _nt("{n} waiting", "{n} waiting", this.waiting));
      }
      if (this.takes) parts.push(_nt("{n} take to upload", "{n} takes to upload", this.takes));
      return parts.join(" · ");
    },
    label() {
      if (this.attention) return _nt("{n} needs your decision", "{n} need your decision", this.attention);
      if (this.online === null) return _t("Connecting");
      if (!this.online) return this.pending ? _t("Offline · {pending}", { pending: this.pending }) : _t("Offline");
      return this.pending || _t("Online");
    },
    short() {
      // A phone has room for the count only, and it must not hide it.
      if (this.attention) return _nt("{n} to decide", "{n} to decide", this.attention);
      if (this.waiting || this.takes) return _nt("{n} waiting", "{n} waiting", this.waiting + this.takes);
      return "";
    },
    title() {
      const base = this.online ? _t("Connected to Mirubato")
        : _t("No connection: what you save stays on this device until you are back online");
      if (!this.others) return base;
      // Translators: {base} is "Connected to Mirubato" or "No connection: ..."; {n} counts another account's changes.
      return _nt("{base}. {n} change(s) saved here by another account wait for its sign-in.",
        "{base}. {n} change(s) saved here by another account wait for its sign-in.", this.others, { base });
    },
  },
  mounted() {
    this.started = Date.now();
    this.refresh = () => {
      const connected = Boolean(window.socket && window.socket.connected) && navigator.onLine;
      // Until the first connection (or a few seconds), say "connecting" rather than "offline".
      if (connected || this.online !== null || Date.now() - this.started > 4000) this.online = connected;
      const counts = window.MirubatoOutbox ? MirubatoOutbox.counts() : { pending: 0, attention: 0, others: 0 };
      this.waiting = counts.pending;
      this.attention = counts.attention;
      this.others = counts.others;
      // Recorded takes wait in IndexedDB (read asynchronously): their count as last read.
      this.takes = window.MirubatoTakes ? MirubatoTakes.waiting : 0;
    };
    this.timer = setInterval(this.refresh, 500);
    window.addEventListener("online", this.refresh);
    window.addEventListener("offline", this.refresh);
    window.addEventListener("mirubato:outbox", this.refresh);
    window.addEventListener("mirubato:takes", this.refresh);
    window.addEventListener("storage", this.refresh);
    if (window.MirubatoTakes) MirubatoTakes.count().then(this.refresh);
    const attach = () => {
      if (!window.socket) return setTimeout(attach, 100);
      window.socket.on("connect", () => {
        this.online = true;
        this.refresh();
      });
      window.socket.on("disconnect", () => {
        this.online = false;
        this.refresh();
      });
    };
    attach();
    this.refresh();
  },
  methods: {
    open() {
      window.location.href = "/sync";
    },
  },
  unmounted() {
    clearInterval(this.timer);
    window.removeEventListener("online", this.refresh);
    window.removeEventListener("offline", this.refresh);
    window.removeEventListener("mirubato:outbox", this.refresh);
    window.removeEventListener("mirubato:takes", this.refresh);
    window.removeEventListener("storage", this.refresh);
  },
};
