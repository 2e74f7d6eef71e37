// The path's map with Leaflet: tiles (when MAP_TILE_URL is set) or a plain background, an
// illustrated path's image in pixel coordinates (L.CRS.Simple), the route, milestones with
// their postcards, and members grouped where they overlap (Leaflet.markercluster).
// Reads its data from <script id="map-data" type="application/json"> (json_script).
// In the path editor (data.editable) milestones can be dragged: each drop posts its point.
(function () {
  "use strict";
  var holder = document.getElementById("map");
  var source = document.getElementById("map-data");
  if (!holder || !source || !window.L) return;
  var data = JSON.parse(source.textContent);
  // The words it says, in the page's language (cohort/dashboard/map_data.py _words).
  var words = data.words;
  var geographic = data.kind === "geographic";
  var status = document.getElementById("map-status");

  function say(text) {
    if (status) status.textContent = text;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  var map = L.map(holder, {
    crs: geographic ? L.CRS.EPSG3857 : L.CRS.Simple,
    minZoom: geographic ? 2 : -4,
    maxZoom: geographic ? 18 : 3,
    zoomSnap: geographic ? 1 : 0.25,
    attributionControl: true,
  });
  map.attributionControl.setPrefix(false);
  if (data.tiles) {
    L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: 19 }).addTo(map);
  }
  var bounds = L.latLngBounds([]);
  if (!geographic) {
    var box = L.latLngBounds([0, 0], [data.height, data.width]);
    if (data.image) {
      L.imageOverlay(data.image, box, { alt: "" }).addTo(map);
    }
    bounds.extend(box);
  }

  // --- The route, from the cached API (again after a drag: a line through the milestones
  // follows them) ------------------------------------------------------------------------
  var routeLayer = null;
  function drawRoute() {
    fetch(data.route, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (feature) {
        if (!feature) return;
        var line = feature.geometry.coordinates.map(function (c) {
          return geographic ? [c[1], c[0]] : [data.height - c[1], c[0]];
        });
        if (routeLayer) map.removeLayer(routeLayer);
        routeLayer = L.polyline(line, { className: "route-line", interactive: false });
        routeLayer.addTo(map).bringToBack();
      })
      .catch(function () { /* the milestones and members are drawn already */ });
  }

  // --- Milestones -------------------------------------------------------------------
  function milestonePopup(m) {
    var card = element("div", "map-popup");
    card.appendChild(element("strong", "", m.name));
    card.appendChild(element("div", "muted", m.distance + " " + data.unit));
    if (m.postcard) card.appendChild(element("p", "postcard-text", m.postcard));
    if (m.photo) {
      var photo = element("img", "map-popup-photo");
      photo.src = m.photo;
      photo.alt = words.photo.replace("%(name)s", m.name);
      photo.loading = "lazy";
      card.appendChild(photo);
    }
    if (m.url) {
      var link = element("a", "", words.open);
      link.href = m.url;
      card.appendChild(link);
    }
    return card;
  }

  function toPoint(latlng) {
    if (geographic) return { lat: latlng.lat.toFixed(6), lon: latlng.lng.toFixed(6) };
    return { x: latlng.lng.toFixed(1), y: (data.height - latlng.lat).toFixed(1) };
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function moveMilestone(m, marker, from) {
    var body = new URLSearchParams(toPoint(marker.getLatLng()));
    fetch(m.move, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          if (!response.ok) throw new Error(answer.detail || words.not_moved);
          from = marker.getLatLng();
          say(words.moved.replace("%(name)s", m.name));
          drawRoute();
        });
      })
      .catch(function (error) {
        marker.setLatLng(from);
        say(error.message);
      });
  }

  data.milestones.forEach(function (m, n) {
    var last = n === data.milestones.length - 1;
    var pin = element("span", "milestone-pin" + (n === 0 || last ? " end" : ""));
    var marker = L.marker(m.at, {
      icon: L.divIcon({ html: pin, className: "milestone-icon", iconSize: [24, 24] }),
      title: m.name,
      alt: m.name,
      // Tab stops in the editor, where a pin is dragged; on /map/ the milestones (35 pins
      // crowding each other when zoomed out) are in the text lists beside the map instead.
      keyboard: Boolean(data.editable),
      draggable: Boolean(data.editable),
      riseOnHover: true,
      // Small pins over the walkers standing above them; the start and finish on top.
      zIndexOffset: n === 0 || last ? 3000 : 2000,
    });
    marker.bindPopup(function () { return milestonePopup(m); });
    // The start and finish named on the map where there is room for it; below the point,
    // as walkers stand above theirs.
    if ((n === 0 || last) && holder.clientWidth >= 600) {
      marker.bindTooltip(m.name, { permanent: true, direction: "bottom", offset: [0, 10], className: "milestone-label" });
    }
    if (data.editable) {
      var from = L.latLng(m.at);
      marker.on("dragstart", function () { from = marker.getLatLng(); });
      marker.on("dragend", function () { moveMilestone(m, marker, from); });
    }
    marker.addTo(map);
    bounds.extend(m.at);
  });

  // --- Members --------------------------------------------------------------------
  function walkerIcon(person) {
    var dot = element("span", "walker" + (person.me ? " me" : ""), person.initials);
    // The marker's name for screen readers (its text is only the initials).
    dot.setAttribute("aria-label", person.name + (person.me ? " " + words.you : "") + ", " + person.distance);
    dot.style.background = person.colour;
    dot.style.color = person.text;
    var size = person.me ? 36 : 28;
    // Pins stand above their point, so a milestone under a walker can still be tapped.
    return L.divIcon({
      html: dot, className: "walker-icon", iconSize: [size, size],
      iconAnchor: [size / 2, size + 8], popupAnchor: [0, -size - 8],
    });
  }

  var group = L.markerClusterGroup({
    maxClusterRadius: 28,
    showCoverageOnHover: false,
    zoomToBoundsOnClick: false,
    spiderfyOnMaxZoom: true,
    spiderfyDistanceMultiplier: 1.6,
    iconCreateFunction: function (cluster) {
      var people = cluster.getAllChildMarkers();
      var mine = people.some(function (marker) { return marker.options.person.me; });
      var badge = element("span", "walker-group" + (mine ? " me" : ""), String(people.length));
      badge.setAttribute("aria-label", (mine ? words.here_you : words.here).replace("%(count)s", people.length) + ": " + words.show);
      return L.divIcon({
        html: badge, className: "walker-icon", iconSize: [38, 38], iconAnchor: [19, 46],
      });
    },
  });
  group.on("clusterclick", function (event) {
    var people = event.layer.getAllChildMarkers().map(function (marker) {
      return marker.options.person;
    }).sort(function (a, b) {
      return (b.me - a.me) || a.name.localeCompare(b.name);
    }).map(function (person) {
      return person.name + (person.me ? " " + words.you : "") + ", " + person.distance;
    });
    event.layer.spiderfy();
    say(words.here.replace("%(count)s", people.length) + ": " + people.join("; ") + ".");
  });
  // Leaflet's Enter opens a marker's popup; a group has none, so Enter or Space spreads it.
  holder.addEventListener("keydown", function (event) {
    var icon = event.target;
    if ((event.key === "Enter" || event.key === " ") && icon.querySelector && icon.querySelector(".walker-group")) {
      event.preventDefault();
      icon.click();
    }
  });
  data.markers.forEach(function (person) {
    var marker = L.marker(person.at, {
      icon: walkerIcon(person),
      title: person.name + (person.me ? " " + words.you : ""),
      alt: person.name,
      zIndexOffset: person.me ? 1000 : 0,
      person: person,
    });
    marker.bindPopup(function () {
      var card = element("div", "map-popup");
      card.appendChild(element("strong", "", person.me ? words.You : person.name));
      card.appendChild(element("div", "", person.distance));
      return card;
    });
    group.addLayer(marker);
    bounds.extend(person.at);
  });
  map.addLayer(group);

  function fit() {
    // Room for the start and finish labels at the sides, and for walkers above the top.
    var room = holder.clientWidth >= 600 ? [100, 48] : [24, 48];
    if (bounds.isValid()) map.fitBounds(bounds, { padding: room });
    else map.setView([0, 0], 2);
  }
  fit();
  // A phone turned sideways (or a resized window) shows the whole path again, until the
  // viewer moves or zooms the map themselves.
  var touched = false;
  ["pointerdown", "wheel", "keydown"].forEach(function (kind) {
    holder.addEventListener(kind, function () { touched = true; }, { passive: true });
  });
  map.on("resize", function () { if (!touched) fit(); });
  drawRoute();
})();
