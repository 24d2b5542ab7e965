// Sends the outbox over the websocket whenever the page is connected: on load, on every
// (re)connect, when something is queued, and every few seconds. Entries leave the outbox only
// when the server acknowledges their id (window.MirubatoOutbox.acknowledge).
const BATCH = 25; // well under NiceGUI's 1 MB websocket frame limit
const ACK_TIMEOUT = 20000;

export default {
  template: `<span style="display: none"></span>`,
  mounted() {
    this.onQueued = () => setTimeout(() => this.flush(), 0);
    window.addEventListener("mirubato:outbox", this.onQueued);
    this.interval = setInterval(() => this.flush(), 5000);
    this.attach();
  },
  unmounted() {
    clearInterval(this.interval);
    window.removeEventListener("mirubato:outbox", this.onQueued);
  },
  methods: {
    attach() {
      // In a child's mounted() the socket may not exist yet.
      if (!window.socket) return setTimeout(() => this.attach(), 100);
      window.socket.on("connect", () => setTimeout(() => this.flush(), 300));
      this.flush();
    },
    async flush() {
      if (this.busy || !Mirubato.connected() || !window.did_handshake) return;
      if (Date.now() < (this.pausedUntil || 0)) return;
      this.busy = true;
      try {
        await MirubatoOutbox.withLock(async () => {
          for (let round = 0; round < 1000; round++) {
            const changes = MirubatoOutbox.batch(BATCH);
            if (!changes.length || !Mirubato.connected()) break;
            const answered = new Promise((resolve) => {
              this.answer = resolve;
              setTimeout(() => resolve(false), ACK_TIMEOUT);
            });
            this.$emit("sync", { changes });
            if (!(await answered)) break;
          }
        });
      } finally {
        this.busy = false;
      }
    },
    later(seconds) {
      // Over the rate limit: nothing was applied; keep everything queued and wait before sending again.
      this.pausedUntil = Date.now() + seconds * 1000;
      if (this.answer) this.answer(false);
    },
    acknowledge(results) {
      MirubatoOutbox.acknowledge(results);
      if (this.answer) this.answer(true);
    },
  },
};
