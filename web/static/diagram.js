// The case's BPMN diagram (bpmn-js navigated viewer, served from static/vendor), with the open
// tasks and the waiting timers highlighted. Without JavaScript the page lists them as text.
(function () {
  "use strict";
  var container = document.getElementById("prosessdiagram");
  if (!container || typeof window.BpmnJS !== "function") {
    return;
  }
  function ids(name) {
    var value = container.getAttribute(name) || "";
    return value.split(" ").filter(function (id) { return id; });
  }
  var viewer = new window.BpmnJS({ container: container });
  fetch(container.getAttribute("data-xml"), { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      var marked = [];
      ids("data-active").forEach(function (id) {
        if (registry.get(id)) { canvas.addMarker(id, "saksflyt-active"); marked.push(registry.get(id)); }
      });
      ids("data-waiting").forEach(function (id) {
        if (registry.get(id)) { canvas.addMarker(id, "saksflyt-waiting"); marked.push(registry.get(id)); }
      });
      canvas.zoom("fit-viewport");
      // A long procedure fitted into the box is too small to read: zoom in on where the case is.
      if (canvas.zoom() < 0.45) {
        canvas.zoom(0.55);
        if (marked.length) {
          canvas.scrollToElement(marked[0], { top: 120, left: 200, right: 200, bottom: 120 });
        }
      }
      container.setAttribute("data-state", "ready");
    })
    .catch(function (error) {
      container.setAttribute("data-state", "error");
      container.textContent = "Diagrammet kunne ikke vises (" + error.message + ").";
    });
})();
