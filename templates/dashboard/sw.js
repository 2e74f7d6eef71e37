// Cohort's service worker (served from /sw.js by dashboard.views.service_worker_view).
// - The app shell (CSS, JS, icons, the offline page) is precached per deploy (VERSION).
// - The member's last dashboard, map, season and activity pages: network first; when the
//   network fails, the copy kept from the last visit, marked with when it was kept.
// - Those copies belong to one member: they are dropped on sign-out, when another member
//   signs in, and never served to anyone but the member they were kept for.
// - Steps logged offline wait in IndexedDB (outbox.js) and are sent by the pages, or here
//   on a Background Sync event where the browser has it.
"use strict";
const VERSION = "{{ version }}";
const SHELL = "cohort-shell-" + VERSION;
const PAGES = "cohort-pages";
const META = "cohort-meta";
const SHELL_URLS = [{% for url in shell %}"{{ url|escapejs }}", {% endfor %}"{{ offline_url|escapejs }}"];
const OFFLINE_URL = "{{ offline_url|escapejs }}";
const PAGE_PATHS = ["/", "/map/", "/season/", "/activity/"];
const VIEWER_KEY = "/__cohort-viewer";

importScripts(SHELL_URLS.find(function (url) { return url.indexOf("/js/outbox") !== -1; }));

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return cache.addAll(SHELL_URLS.map(function (url) { return new Request(url, {cache: "reload"}); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("cohort-shell-") === 0 && name !== SHELL;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function currentViewer() {
  return caches.open(META).then(function (cache) { return cache.match(VIEWER_KEY); })
    .then(function (response) { return response ? response.text() : ""; });
}

// The pages' script says who is signed in on every page ("" on the sign-in page): the
// kept pages of anyone else are dropped (all of them when nobody is signed in).
function viewerIs(viewer) {
  return caches.open(META).then(function (meta) {
    return meta.put(VIEWER_KEY, new Response(viewer));
  }).then(function () {
    return caches.open(PAGES);
  }).then(function (pages) {
    return pages.keys().then(function (requests) {
      return Promise.all(requests.map(function (request) {
        return pages.match(request).then(function (response) {
          if (!viewer || !response || response.headers.get("X-Cohort-Viewer") !== viewer) {
            return pages.delete(request);
          }
        });
      }));
    });
  });
}

self.addEventListener("message", function (event) {
  const data = event.data || {};
  if (data.type === "viewer") { event.waitUntil(viewerIs(String(data.viewer || ""))); }
  if (data.type === "sign-out") { event.waitUntil(viewerIs("")); }
});

// The member a page was made for: <body data-viewer="..."> (base.html).
function viewerOf(html) {
  const match = /<body[^>]*\sdata-viewer="(\d*)"/.exec(html);
  return match ? match[1] : "";
}

function keep(request, response) {
  return response.clone().text().then(function (html) {
    const viewer = viewerOf(html);
    if (!viewer) { return; }
    return currentViewer().then(function (current) {
      if (current && current !== viewer) { return; }  // the pages' script sorts this out
      const headers = new Headers(response.headers);
      headers.set("X-Cohort-Kept-At", new Date().toISOString());
      headers.set("X-Cohort-Viewer", viewer);
      const copy = new Response(html, {status: 200, headers: headers});
      return caches.open(PAGES).then(function (cache) { return cache.put(new URL(request.url).pathname, copy); });
    });
  });
}

// A kept page, marked offline (<html data-offline-as-of>: base.html's banner shows), if it
// was kept for the member signed in last.
function keptPage(path) {
  return Promise.all([caches.open(PAGES).then(function (cache) { return cache.match(path); }), currentViewer()])
    .then(function (found) {
      const response = found[0], viewer = found[1];
      if (!response || !viewer || response.headers.get("X-Cohort-Viewer") !== viewer) { return null; }
      return response.text().then(function (html) {
        const asOf = response.headers.get("X-Cohort-Kept-At") || "";
        html = html.replace("<html", '<html data-offline-as-of="' + asOf.replace(/[^0-9TZ:.\-]/g, "") + '"');
        return new Response(html, {status: 200, headers: response.headers});
      });
    });
}

function offlinePage() {
  return caches.match(OFFLINE_URL).then(function (response) {
    return response || new Response("Offline", {status: 503, headers: {"Content-Type": "text/plain"}});
  });
}

function page(event, path) {
  return fetch(event.request).then(function (response) {
    const landed = new URL(response.url || event.request.url);
    if (response.redirected && landed.pathname.indexOf("/login/") === 0) {
      event.waitUntil(viewerIs(""));  // the session ended: nothing of the member stays
    } else if (response.ok && !response.redirected && response.type === "basic") {
      event.waitUntil(keep(event.request, response));
    }
    return response;
  }, function () {
    return keptPage(path).then(function (kept) { return kept || offlinePage(); });
  });
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    if (PAGE_PATHS.indexOf(url.pathname) !== -1 && !url.search) {
      event.respondWith(page(event, url.pathname));
    } else {
      event.respondWith(fetch(request).catch(offlinePage));
    }
    return;
  }
  if (SHELL_URLS.indexOf(url.pathname) !== -1) {
    // Hashed names: a shell file never changes under its name, so the cache answers first.
    event.respondWith(caches.open(SHELL).then(function (cache) {
      return cache.match(url.pathname).then(function (hit) { return hit || fetch(request); });
    }));
  }
});

// Background Sync: send what waits, then tell open pages to show the answers.
self.addEventListener("sync", function (event) {
  if (event.tag !== CohortOutbox.SYNC_TAG) { return; }
  event.waitUntil(currentViewer().then(function (viewer) {
    if (!viewer) { return; }
    return CohortOutbox.flush({viewer: viewer, csrfToken: null}).then(function () {
      return self.clients.matchAll({type: "window"});
    }).then(function (windows) {
      windows.forEach(function (client) { client.postMessage({type: "outbox-changed"}); });
    });
  }));
});

// Web Push: the payload is {title, body, url} (notifications.push).
self.addEventListener("push", function (event) {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {body: event.data.text()}; }
  event.waitUntil(self.registration.showNotification(data.title || "Cohort", {
    body: data.body || "",
    icon: SHELL_URLS.find(function (url) { return url.indexOf("/icons/icon-192") !== -1; }),
    data: {url: data.url || "/notifications/"},
    tag: data.tag || undefined,
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  const target = new URL(event.notification.data.url || "/notifications/", self.location.origin);
  if (target.origin !== self.location.origin) { return; }
  event.waitUntil(self.clients.matchAll({type: "window"}).then(function (windows) {
    for (const client of windows) {
      if ("focus" in client && new URL(client.url).origin === target.origin) {
        return client.navigate(target.href).then(function (c) { return (c || client).focus(); });
      }
    }
    return self.clients.openWindow(target.href);
  }));
});
