// Mirubato's service worker. Static assets (ours and NiceGUI's versioned ones) come from the
// cache; pages always come from the network, and when the network is gone a page request gets
// the offline shell, where the timer, the log form and the practice tools keep working.
// Page HTML is never cached: it is no-store and carries a per-page client id.
const CACHE = "mirubato-__VERSION__";
const SHELL = [
  "/offline",
  "/static/mirubato-offline.js?v=__VERSION__",
  "/static/offline-shell.js?v=__VERSION__",
  "/static/offline.css?v=__VERSION__",
  "/static/dom.js?v=__VERSION__",
  "/static/practice-tools.js?v=__VERSION__",
  "/static/practice-tools.css?v=__VERSION__",
  "/static/tuner.js?v=__VERSION__",
  "/static/recorder.js?v=__VERSION__",
  "/static/recorder.css?v=__VERSION__",
  "/static/takes.js?v=__VERSION__",
  "/static/pitch-worklet.js?v=__VERSION__",
  "/static/metronome-worker.js?v=__VERSION__",
  "/manifest.webmanifest",
  "/static/icons/icon-192.png",
  "/static/icons/icon-512.png",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

function cacheable(url) {
  return url.origin === self.location.origin &&
    (url.pathname.startsWith("/_nicegui/") || url.pathname.startsWith("/static/") ||
     url.pathname === "/manifest.webmanifest");
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match("/offline")));
    return;
  }
  if (!cacheable(url)) return; // API calls and the websocket always go to the network
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(request).then(
        (hit) =>
          hit ||
          fetch(request).then((response) => {
            if (response.ok) cache.put(request, response.clone());
            return response;
          })
      )
    )
  );
});

// Web Push: practice reminders (services/adapters/web_push.py sends them as JSON
// {title, body, url}). Every push shows a notification: the subscription promised that
// (userVisibleOnly). One tag, so a new reminder replaces one still unread instead of stacking.
const REMINDER_TAG = "mirubato-reminder";

// Only a path on this site: a push must not be able to open another site from our notification.
// Resolving first catches "//host" and "/\host", which browsers read as another origin.
function samePath(value) {
  if (typeof value !== "string" || !value.startsWith("/")) return "/";
  const url = new URL(value, self.location.origin);
  return url.origin === self.location.origin ? url.pathname + url.search + url.hash : "/";
}

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = (event.data && event.data.json()) || {};
  } catch (error) {
    message = {}; // not JSON: still show something, as promised
  }
  const text = (value, fallback) => (typeof value === "string" && value ? value : fallback);
  event.waitUntil(
    self.registration.showNotification(text(message.title, "Mirubato"), {
      body: text(message.body, ""),
      icon: "/static/icons/icon-192.png",
      tag: REMINDER_TAG,
      renotify: true, // a replacing reminder still alerts: it is a new day's reminder
      data: { url: samePath(message.url) },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const path = samePath(event.notification.data && event.notification.data.url);
  const target = new URL(path, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const ours = windows.filter((client) => new URL(client.url).origin === self.location.origin);
      // A window already showing the page, else any Mirubato window as it is (navigating it
      // could lose a form being filled in), else a new one.
      const open = ours.find((client) => client.url === target) || ours[0];
      if (open && "focus" in open) return open.focus();
      return self.clients.openWindow(target);
    })
  );
});
