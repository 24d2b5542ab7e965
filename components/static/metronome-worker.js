// Wakes the metronome's scheduler (practice-tools.js) at a steady rate. A Worker's timers are not
// throttled when the tab is in the background, as the page's own timers are.
let timer = null;
self.onmessage = (event) => {
  clearInterval(timer);
  timer = null;
  if (event.data && event.data.every > 0) timer = setInterval(() => self.postMessage("wake"), event.data.every);
};
