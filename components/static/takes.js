// Recorded takes on this device until the server holds them: kept in IndexedDB (takes are
// megabytes; localStorage holds a few), each with an id made here, attached to a practice log's
// id, and uploaded in chunks that resume after a dropped connection, a reload or a restarted
// server (the server applies each id once). A take waits while its log's change is still in the
// outbox, and is dropped, never uploaded, when its log was deleted.
// NOTE: the upload protocol is app/api/takes.py's.
(function () {
  // The page's translation functions (components/language.py); English as written where a page has none.
  const _t = window._t || function (s, v) {
    return v ? s.replace(/\{(\w+)\}/g, function (m, k) { return k in v ? v[k] : m; }) : s;
  };
  // NOTE: values of more than one name are passed as a variable, not written in the _t(...) call: the
  // extractor (components/language.py) would take the comma between them for a plural's second text.
  const DB_NAME = "mirubato-takes";
  const STORE = "takes";
  const RETRY_MS = 10000;
  let opening = null;
  let running = false;
  const Takes = { chunkSize: 256 * 1024, waiting: 0, problems: 0 };

  function open() {
    opening ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return opening;
  }

  async function run(mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("storage full"));
    });
  }

  const all = () => run("readonly", (store) => store.getAll());
  const put = (take) => run("readwrite", (store) => store.put(take));
  const drop = (id) => run("readwrite", (store) => store.delete(id));

  function user() {
    return window.Mirubato ? Mirubato.currentUser() : null;
  }

  async function changed() {
    await Takes.count();
    window.dispatchEvent(new CustomEvent("mirubato:takes"));
  }

  Takes.keep = async function ({ blob, mime, durationMs, peaks, name, logId, recordedAt }) {
    // A take recorded in a form is held until that form is saved: its log does not exist before.
    const take = { id: Mirubato.uuid4(), owner: user(), logId: logId || null, held: Boolean(logId),
      name: name || _t("Take"),
      mime: mime || blob.type, size: blob.size, durationMs, peaks: peaks || [], blob,
      recordedAt: recordedAt || Date.now(), state: "waiting", problem: null };
    try {
      await put(take);
    } catch (error) {
      throw new Error(
        _t("This device's storage is full, so the take could not be kept. Free some space and record again."));
    }
    await changed();
    setTimeout(() => Takes.upload(), 0);
    return take.id;
  };

  Takes.mine = async function () {
    const me = user();
    return (await all()).filter((t) => !t.owner || t.owner === me);
  };

  Takes.count = async function () {
    const mine = await Takes.mine();
    Takes.waiting = mine.filter((t) => t.state !== "failed" && !t.held && t.logId).length;
    Takes.problems = mine.filter((t) => t.state === "failed").length;
    return Takes.waiting;
  };

  Takes.forLog = async function (logId) {
    return (await Takes.mine()).filter((t) => t.logId === logId);
  };

  Takes.remove = async function (id) {
    await drop(id);
    await changed();
  };

  Takes.claim = async function (logId, timerStatus) {
    // A log was saved from a form: its own takes may go, and takes recorded with no timer running
    // join it (a running timer's takes wait for its blocks).
    // "edit": an existing log was saved; loose takes wait for a new one.
    const timing = ["running", "paused", "stopped", "edit"].includes(timerStatus);
    for (const take of await Takes.mine()) {
      if (take.logId === logId) await put({ ...take, held: false });
      else if (!take.logId && !timing && take.state !== "failed") await put({ ...take, logId, held: false });
    }
    changed();
  };

  Takes.release = async function (logIds) {
    // The timer's offline review queued these logs: their takes may go once the logs are synced.
    for (const take of await Takes.mine()) if (logIds.includes(take.logId)) await put({ ...take, held: false });
    changed();
  };

  Takes.attachToBlocks = async function (blocks) {
    // The timer stopped: a take recorded while a block ran goes with that block's log.
    for (const take of await Takes.mine()) {
      if (take.logId) continue;
      const block = blocks.find((b) => take.recordedAt >= b.start - 1000 && take.recordedAt <= b.end + 1000);
      if (block) await put({ ...take, logId: block.id, held: true }); // until the review saves the block
    }
    changed();
  };

  function logPending(logId) {
    // The log's own change goes first; a take waits until the server knows its log.
    const entries = window.MirubatoOutbox ? MirubatoOutbox.entries() : [];
    return entries.filter((e) => e.logId === logId);
  }

  async function send(method, url, body, headers) {
    const response = await fetch(url, { method, body, credentials: "same-origin",
      headers: { "X-Mirubato": "1", ...headers } });
    let answer = null;
    try {
      answer = await response.json();
    } catch (error) {
      /* an empty or non-JSON answer */
    }
    return { status: response.status, answer, offset: Number(response.headers.get("Upload-Offset")) };
  }

  async function uploadOne(take) {
    const begin = await send("PUT", `/api/takes/${take.id}`, JSON.stringify({ logId: take.logId, name: take.name,
      sizeBytes: take.size, peaks: take.peaks }), { "Content-Type": "application/json" });
    if (begin.status === 404) return drop(take.id); // its log was deleted: the take goes with it
    if (begin.status >= 400) return refused(take, begin);
    let offset = begin.answer.receivedBytes;
    let ready = begin.answer.status === "ready";
    while (!ready) {
      const chunk = take.blob.slice(offset, offset + Takes.chunkSize);
      const sent = await send("PATCH", `/api/takes/${take.id}/upload?offset=${offset}`, chunk,
        { "Content-Type": "application/octet-stream" });
      if (sent.status === 409 && Number.isFinite(sent.offset)) offset = sent.offset; // where the server stands
      else if (sent.status === 404) return drop(take.id);
      else if (sent.status >= 400) return refused(take, sent);
      else {
        offset = sent.answer.receivedBytes;
        ready = sent.answer.status === "ready";
      }
    }
    await drop(take.id);
    window.dispatchEvent(new CustomEvent("mirubato:take-uploaded", { detail: { id: take.id, logId: take.logId } }));
  }

  async function refused(take, reply) {
    if (reply.status === 401 || reply.status === 429 || reply.status >= 500) throw new Error(`busy ${reply.status}`);
    // Translators: {status} is the HTTP status code of the answer, e.g. 413.
    const problem = (reply.answer && reply.answer.detail) || _t("The server refused this take ({status}).",
      { status: reply.status });
    await put({ ...take, state: "failed", problem });
    const values = { name: take.name, problem };
    // Translators: {name} is the take's name, {problem} why the server refused it.
    if (window.Mirubato) Mirubato.notify(_t("\"{name}\" could not be uploaded: {problem}", values), "negative");
  }

  Takes.upload = async function () {
    if (running || !navigator.onLine) return;
    running = true;
    try {
      const work = async () => {
        for (const take of await Takes.mine()) {
          if (!take.logId || take.held || take.state === "failed") continue;
          const pending = logPending(take.logId);
          if (pending.some((e) => e.kind === "delete")) {
            await drop(take.id); // deleted offline: never uploaded
            continue;
          }
          if (pending.length) continue;
          await uploadOne(take);
        }
      };
      if (navigator.locks) await navigator.locks.request("mirubato-takes", { ifAvailable: true }, (l) => l && work());
      else await work();
    } catch (error) {
      /* offline, or the server is restarting: the next round resumes where the server stands */
    } finally {
      running = false;
      await changed();
    }
  };

  for (const event of ["online", "mirubato:outbox"]) window.addEventListener(event, () => Takes.upload());
  setInterval(() => Takes.upload(), RETRY_MS);
  if (window.indexedDB) setTimeout(() => Takes.upload(), 1000);
  window.MirubatoTakes = Takes;
})();
