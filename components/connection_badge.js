// Shows whether the page is connected to the server, and how many saved changes wait to sync.
// NOTE: the outbox key and entry format are shared with components/outbox.js and services/sync.py.
export default {
  template: `
    <span class="mirubato-connection" :data-state="state" :title="title" role="status" aria-live="polite">
      <q-icon :name="icon" size="18px" />
      <span class="q-ml-xs gt-xs">{{ label }}</span>
    </span>`,
  data() {
    return { online: null, waiting: 0 };
  },
  computed: {
    state() {
      if (this.online === null) return "connecting";
      return !this.online ? "offline" : this.waiting ? "syncing" : "online";
    },
    icon() {
      return { connecting: "cloud_queue", offline: "cloud_off", syncing: "cloud_sync", online: "cloud_done" }[
        this.state
      ];
    },
    label() {
      if (this.online === null) return "Connecting";
      if (!this.online) return this.waiting ? `Offline · ${this.waiting} waiting` : "Offline";
      return this.waiting ? `${this.waiting} to sync` : "Online";
    },
    title() {
      return this.online ? "Connected to Mirubato" : "No connection: what you save stays on this device until you are back online";
    },
  },
  mounted() {
    this.started = Date.now();
    this.refresh = () => {
      const connected = Boolean(window.socket && window.socket.connected) && navigator.onLine;
      // Until the first connection (or a few seconds), say "connecting" rather than "offline".
      if (connected || this.online !== null || Date.now() - this.started > 4000) this.online = connected;
      try {
        this.waiting = JSON.parse(localStorage.getItem("mirubato.outbox") || "[]").length;
      } catch (error) {
        this.waiting = 0;
      }
    };
    this.timer = setInterval(this.refresh, 500);
    window.addEventListener("online", this.refresh);
    window.addEventListener("offline", this.refresh);
    this.refresh();
  },
  unmounted() {
    clearInterval(this.timer);
    window.removeEventListener("online", this.refresh);
    window.removeEventListener("offline", this.refresh);
  },
};
