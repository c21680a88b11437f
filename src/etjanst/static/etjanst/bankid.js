/* BankID waiting page: poll our server every 2 seconds (it asks BankID at
   most that often) and show a new QR code every second. Each answer carries
   the QR code's contents for this second and the next few (the server keeps
   BankID's secret; only the codes come here), drawn here with the vendored
   qrcode-generator (vendor/qrcode-generator/). Without this file the page
   reloads itself every 2 seconds instead, with the QR code drawn by the
   server. */
(function () {
  "use strict";
  var root = document.getElementById("bankid");
  if (!root) return;
  var statusUrl = root.getAttribute("data-status-url");
  var message = document.getElementById("bankid-message");
  var qr = document.getElementById("bankid-qr");
  var SVG = "http://www.w3.org/2000/svg";
  var SCALE = 6; // as the server's drawing (segno): 6 px a module, 4 modules of quiet zone
  var BORDER = 4;
  var done = false;
  var codes = []; // the QR contents, one a second from `codesFrom`
  var codesFrom = 0;
  var shown = null;

  // The code as an SVG like the server's: same size, colours and text alternative.
  function draw(content) {
    var code = window.qrcode(0, "L");
    code.addData(content, "Byte");
    code.make();
    var count = code.getModuleCount();
    var size = count + 2 * BORDER;
    var old = qr.querySelector("svg");
    var label = (old && old.getAttribute("aria-label")) || "QR";
    var path = [];
    for (var row = 0; row < count; row += 1) {
      for (var col = 0; col < count; col += 1) {
        if (code.isDark(row, col)) path.push("M" + (col + BORDER) + " " + (row + BORDER) + "h1v1h-1z");
      }
    }
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", label);
    svg.setAttribute("viewBox", "0 0 " + size * SCALE + " " + size * SCALE);
    svg.setAttribute("class", "bankid-qr");
    var title = document.createElementNS(SVG, "title");
    title.textContent = label;
    var group = document.createElementNS(SVG, "g");
    group.setAttribute("transform", "scale(" + SCALE + ")");
    var light = document.createElementNS(SVG, "path");
    light.setAttribute("fill", "#fff");
    light.setAttribute("d", "M0 0h" + size + "v" + size + "h-" + size + "z");
    var dark = document.createElementNS(SVG, "path");
    dark.setAttribute("fill", "#000");
    dark.setAttribute("d", path.join(""));
    group.appendChild(light);
    group.appendChild(dark);
    svg.appendChild(title);
    svg.appendChild(group);
    if (old) qr.replaceChild(svg, old);
    else qr.appendChild(svg);
  }

  function showQr() {
    if (done || !qr || !window.qrcode || !codes.length) return;
    var index = Math.floor((Date.now() - codesFrom) / 1000);
    // Past the last code (the server is late): keep the last one shown.
    var content = codes[Math.min(Math.max(index, 0), codes.length - 1)];
    if (content !== shown) {
      draw(content);
      shown = content;
    }
  }

  function poll() {
    if (done) return;
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.status === "complete") {
          done = true;
          window.location.assign(data.next || "/");
        } else if (data.status === "pending") {
          if (message.textContent !== data.message) message.textContent = data.message;
          if (data.qr && data.qr.length) {
            codes = data.qr;
            codesFrom = Date.now();
            showQr();
          }
          window.setTimeout(poll, 2000);
        } else {
          done = true;
          window.location.reload(); // the server shows what happened and "Försök igen"
        }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }

  // The page comes with the codes of its first seconds; each poll brings
  // the next ones. The page reloads itself only when scripts are off.
  try {
    codes = JSON.parse(root.getAttribute("data-qr") || "[]");
  } catch (error) {
    codes = [];
  }
  codesFrom = Date.now();
  window.setInterval(showQr, 250);
  window.setTimeout(poll, 2000);
})();
