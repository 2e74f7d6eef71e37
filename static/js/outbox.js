// Steps logged without a connection: kept in IndexedDB (they survive a reload or a closed
// tab) with an idempotency key, and sent with PUT /api/v1/activity/<day> when the
// connection returns. Shared by the pages (pwa.js) and the service worker (sw.js).
//
// Never sent twice: one sender at a time (a Web Lock across tabs and the worker), an entry
// is removed once the server answered it, and the server keeps each key's answer
// (Idempotency-Key), so a send whose answer was lost is not written again when retried.
// Never lost: an entry stays until the server saved or refused it; a refusal (422: a
// value out of range, a day outside the edit window) is kept as a result to explain.
(function (scope) {
  "use strict";
  const DB_NAME = "cohort-outbox";
  const SYNC_TAG = "cohort-outbox";

  function open() {
    return new Promise(function (resolve, reject) {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("entries", {keyPath: "key"});
        request.result.createObjectStore("results", {keyPath: "key"});
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(storeName, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        const tx = db.transaction(storeName, mode);
        const result = work(tx.objectStore(storeName));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function all(storeName, viewer) {
    return run(storeName, "readonly", function (store) { return store.getAll(); })
      .then(function (rows) {
        return rows.filter(function (row) { return row.viewer === viewer; })
          .sort(function (a, b) { return a.queuedAt < b.queuedAt ? -1 : 1; });
      });
  }

  function newKey() {
    if (scope.crypto && scope.crypto.randomUUID) { return scope.crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function add(entry) {
    const row = {
      key: newKey(), viewer: String(entry.viewer), day: entry.day, dayLabel: entry.dayLabel || entry.day,
      steps: entry.steps, csrfToken: entry.csrfToken || "", queuedAt: new Date().toISOString(),
    };
    return run("entries", "readwrite", function (store) { store.put(row); }).then(function () { return row; });
  }

  function remove(storeName, key) {
    return run(storeName, "readwrite", function (store) { store.delete(key); });
  }

  function record(row, outcome) {
    const result = Object.assign({}, outcome, {
      key: row.key, viewer: row.viewer, day: row.day, dayLabel: row.dayLabel, steps: row.steps,
    });
    // The result first, then the entry goes: a crash between them leaves the entry, which
    // the server's idempotency key answers again without writing.
    return run("results", "readwrite", function (store) { store.put(result); })
      .then(function () { return remove("entries", row.key); })
      .then(function () { return result; });
  }

  // One entry: "saved", "rejected" (with the server's reason), or null to keep it for later
  // (no connection, signed out, too many tries, a server error).
  function send(row, csrfToken) {
    return fetch("/api/v1/activity/" + encodeURIComponent(row.day), {
      method: "PUT",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken || row.csrfToken,
        "Idempotency-Key": row.key,
      },
      body: JSON.stringify({steps: row.steps}),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        const detail = typeof body.detail === "string" ? body.detail : "";
        if (response.ok) { return {outcome: "saved", steps: body.steps, review: body.review}; }
        const later = response.status === 401 || response.status === 429 || response.status >= 500
          || (response.status === 403 && /csrf/i.test(detail));
        if (later) { return null; }
        return {outcome: "rejected", detail: detail || String(response.status)};
      });
    }, function () { return null; });
  }

  function withLock(work) {
    const locks = scope.navigator && scope.navigator.locks;
    return locks ? locks.request("cohort-outbox", work) : work();
  }

  // Send the viewer's waiting entries, oldest first; stop at the first that must wait.
  function flush(options) {
    return withLock(function () {
      return all("entries", String(options.viewer)).then(function (rows) {
        const done = [];
        let chain = Promise.resolve(true);
        rows.forEach(function (row) {
          chain = chain.then(function (going) {
            if (!going) { return false; }
            return send(row, options.csrfToken).then(function (outcome) {
              if (!outcome) { return false; }
              return record(row, outcome).then(function (result) { done.push(result); return true; });
            });
          });
        });
        return chain.then(function () { return done; });
      });
    });
  }

  scope.CohortOutbox = {
    SYNC_TAG: SYNC_TAG,
    add: add,
    flush: flush,
    pending: function (viewer) { return all("entries", String(viewer)); },
    results: function (viewer) { return all("results", String(viewer)); },
    dismiss: function (key) { return remove("results", key); },
  };
})(self);
