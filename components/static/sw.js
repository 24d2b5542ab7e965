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
