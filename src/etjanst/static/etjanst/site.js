/* Enhancements only: every page works without this file.
   - Conditional questions are shown and hidden as the resident answers
     (the server decides again on every step, so this only mirrors it).
   - The error summary gets focus, so screen readers announce it; its links
     move focus to the field and show the field's question.
   - The Skicka button is disabled after the first click (the server also
     refuses to make two cases of one submission). */
(function () {
  "use strict";

  function answerOf(form, questionId) {
    var name = "q_" + questionId;
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    if (!inputs.length) return undefined; // on an earlier step: unknown here
    var first = inputs[0];
    if (first.type === "file") {
      // Files chosen now, or files attached before and not marked for removal.
      var kept = form.querySelectorAll('[name="' + name + '__remove"]:not(:checked)').length;
      return first.files.length + kept > 0 ? ["file"] : [];
    }
    if (first.type === "checkbox" && first.value === "on") return first.checked; // confirmation
    var values = [];
    inputs.forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) values.push(input.value);
      } else if (input.value !== "") {
        values.push(input.value);
      }
    });
    if (first.type === "checkbox") return values; // multiple choice, however many options
    return values.length ? values[0] : "";
  }

  // The same rules as etjanst/eservices/conditions.py.
  function isChecked(answer) {
    return !(answer === undefined || answer === null || answer === false || answer === "" ||
             answer === "no" || (Array.isArray(answer) && answer.length === 0));
  }

  function holds(condition, answer) {
    if (answer === undefined) return null;
    var text = function (v) { return v === true ? "yes" : v === false ? "no" : String(v); };
    if ("checked" in condition) return isChecked(answer) === condition.checked;
    if (Array.isArray(answer)) {
      if ("equals" in condition) return answer.indexOf(text(condition.equals)) !== -1;
      if ("not_equals" in condition) return answer.indexOf(text(condition.not_equals)) === -1;
      return condition.one_of.some(function (v) { return answer.indexOf(text(v)) !== -1; });
    }
    if ("equals" in condition) return text(answer) === text(condition.equals);
    if ("not_equals" in condition) return text(answer) !== text(condition.not_equals);
    return condition.one_of.map(text).indexOf(text(answer)) !== -1;
  }

  // Screen readers are told when an answer makes a new question appear.
  function announce(block) {
    var region = document.getElementById("live-region");
    var label = block.querySelector("label, legend");
    if (!region || !label) return;
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = region.getAttribute("data-prefix") + " " + label.textContent.replace(/\s+/g, " ").trim();
    }, 50);
  }

  function update(form) {
    form.querySelectorAll("[data-visible-if]").forEach(function (block) {
      var condition = JSON.parse(block.getAttribute("data-visible-if"));
      var result = holds(condition, answerOf(form, condition.question));
      if (result === null) return; // depends on an earlier step: the server decided
      var hiddenBefore = block.hidden;
      block.hidden = !result;
      var shown = block.querySelector('input[name="shown"]');
      if (shown) shown.disabled = !result;
      if (hiddenBefore && !block.hidden) announce(block);
      if (hiddenBefore !== block.hidden) {
        block.querySelectorAll("input, select, textarea").forEach(function (el) {
          if (el.name !== "shown") el.disabled = !result;
        });
      }
    });
  }

  // A logged-in resident is warned two minutes before an idle session ends,
  // and can stay logged in. When it has ended, the page is reloaded.
  function warnBeforeLogout() {
    var account = document.querySelector("form.account[data-expires-in]");
    if (!account) return;
    var left = parseInt(account.getAttribute("data-expires-in"), 10) * 1000;
    var warning = null;
    var warnTimer = window.setTimeout(showWarning, Math.max(left - 120000, 0));
    var endTimer = window.setTimeout(function () { window.location.reload(); }, left + 1000);

    function showWarning() {
      var main = document.getElementById("main");
      warning = document.createElement("div");
      warning.className = "session-warning";
      warning.setAttribute("role", "alertdialog");
      warning.setAttribute("aria-labelledby", "session-warning-text");
      var text = document.createElement("p");
      text.id = "session-warning-text";
      text.textContent = account.getAttribute("data-warning");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-primary";
      button.textContent = account.getAttribute("data-keep");
      button.addEventListener("click", keepAlive);
      warning.appendChild(text);
      warning.appendChild(button);
      main.insertBefore(warning, main.firstChild);
      button.focus();
    }

    function keepAlive() {
      var token = account.querySelector("input[name=csrfmiddlewaretoken]").value;
      fetch(account.getAttribute("data-keep-alive-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, Accept: "application/json" }
      }).then(function (response) { return response.json(); }).then(function (data) {
        if (!data.logged_in) { window.location.reload(); return; }
        if (warning) { warning.remove(); warning = null; }
        window.clearTimeout(warnTimer);
        window.clearTimeout(endTimer);
        account.setAttribute("data-expires-in", account.getAttribute("data-timeout"));
        warnBeforeLogout();
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
      // A link in the summary moves focus to its field and scrolls the whole
      // question (label or legend too) into view, not only the input.
      summary.addEventListener("click", function (event) {
        var link = event.target.closest('a[href^="#"]');
        var field = link && document.getElementById(link.getAttribute("href").slice(1));
        if (!field) return;
        event.preventDefault();
        (field.closest(".question") || field).scrollIntoView();
        field.focus({ preventScroll: true });
      });
    }

    document.querySelectorAll("form.step-form").forEach(function (form) {
      if (!form.querySelector("[data-visible-if]")) return;
      form.addEventListener("change", function () { update(form); });
      form.addEventListener("input", function () { update(form); });
      update(form);
      // Inputs disabled above are not sent; enable them again on submit so
      // the server sees the same form as without JavaScript.
      form.addEventListener("submit", function () {
        form.querySelectorAll("[data-visible-if] input, [data-visible-if] select, [data-visible-if] textarea").forEach(function (el) {
          if (el.name !== "shown") el.disabled = false;
        });
      });
    });

    warnBeforeLogout();

    document.querySelectorAll("[data-disable-on-submit]").forEach(function (button) {
      button.form.addEventListener("submit", function () {
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });
})();
