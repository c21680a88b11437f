/* BankID waiting page: poll our server every 2 seconds (it asks BankID at
   most that often) and refresh the QR code every second. Without this file
   the page reloads itself every 2 seconds instead. */
(function () {
  "use strict";
  var root = document.getElementById("bankid");
  if (!root) return;
  var statusUrl = root.getAttribute("data-status-url");
  var qrUrl = root.getAttribute("data-qr-url");
  var message = document.getElementById("bankid-message");
  var qr = document.getElementById("bankid-qr");
  var done = false;

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
          window.setTimeout(poll, 2000);
        } else {
          done = true;
          window.location.reload(); // the server shows what happened and "Försök igen"
        }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }

  function refreshQr() {
    if (done || !qr || !qrUrl) return;
    fetch(qrUrl + "?t=" + Date.now(), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (svg) { if (svg && !done) qr.innerHTML = svg; })
      .finally(function () { window.setTimeout(refreshQr, 1000); });
  }

  // The page reloads itself only when scripts are off.
  window.setTimeout(poll, 2000);
  window.setTimeout(refreshQr, 1000);
})();
