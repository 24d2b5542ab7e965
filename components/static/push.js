// Web Push subscription for practice reminders, in the browser: window.MirubatoPush.
// It talks only to the browser; the page sends what subscribe() returns to the server (and the
// endpoint unsubscribe() returns, so the server forgets it). The endpoint and keys are secrets
// of this browser: they go to our server and nowhere else, and are never logged.
// The service worker (sw.js) shows the notifications.
(function () {
  function supported() {
    return (
      window.isSecureContext &&
      "serviceWorker" in navigator &&
      "PushManager" in window &&
      "Notification" in window
    );
  }

  // The server's VAPID public key comes as base64url (no padding); pushManager wants bytes.
  function keyBytes(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(raw, (char) => char.charCodeAt(0));
  }

  function sameBytes(buffer, bytes) {
    if (!buffer) return false;
    const view = new Uint8Array(buffer);
    return view.length === bytes.length && view.every((byte, index) => byte === bytes[index]);
  }

  function describe(subscription) {
    const json = subscription.toJSON();
    return { endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } };
  }

  // The registration of sw.js. `ready` waits forever without a service worker, hence supported().
  async function pushManager() {
    if (!supported()) throw new Error("this browser cannot receive push notifications");
    return (await navigator.serviceWorker.ready).pushManager;
  }

  // Asks for permission the first time (call it from a click: Safari requires a user gesture).
  // Rejects when the user says no (NotAllowedError).
  async function subscribe(publicKey) {
    const manager = await pushManager();
    const key = keyBytes(publicKey);
    let subscription = await manager.getSubscription();
    if (subscription && !sameBytes(subscription.options.applicationServerKey, key)) {
      // Made for another server key (the server's key was replaced): push services refuse it.
      await subscription.unsubscribe();
      subscription = null;
    }
    subscription ||= await manager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    return describe(subscription);
  }

  // The endpoint that was given up, for the server to delete; null when there was none.
  async function unsubscribe() {
    if (!supported()) return null;
    const subscription = await (await pushManager()).getSubscription();
    if (!subscription) return null;
    const endpoint = subscription.endpoint;
    await subscription.unsubscribe();
    return endpoint;
  }

  // This browser's subscription ({endpoint, keys}) or null.
  async function current() {
    if (!supported()) return null;
    const subscription = await (await pushManager()).getSubscription();
    return subscription ? describe(subscription) : null;
  }

  window.MirubatoPush = { supported, subscribe, unsubscribe, current };
})();
