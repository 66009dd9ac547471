/* «Nyskapende arbeidsgivere»: behaviour of the course book.
 *
 * 1. Self-checks (directive `selvtest`): feedback at once, in the browser,
 *    with no kernel. The HTML is made by _ext/kurs.py.
 * 2. Accessible names for ipywidgets controls. The widget manager renders the
 *    widgets after page load, and its sliders have no accessible name
 *    (axe: aria-input-field-name). A MutationObserver names them from their
 *    visible widget label.
 *
 * 3. Search snippets from the chapter's own text. Sphinx's search page shows
 *    a piece of each hit's page; the print-only table of contents and the
 *    film block (the same in five chapters) are left out of that text.
 *
 * Plain ES5, no dependencies; it is loaded on every page. Its texts come from
 * `window.kursTekst`, which _ext/kurs.py writes into every page in the
 * edition's language (message catalog `kurs`, locale/<lang>/LC_MESSAGES/).
 */
(function () {
  "use strict";

  var TEKST = window.kursTekst || {};
  function t(key) {
    return TEKST[key] || key;
  }

  // ---------------------------------------------------------------- selvtest

  function showFeedback(box, kind, title, text) {
    box.className = "kurs-selvtest-svar kurs-feedback kurs-" + kind;
    box.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = title;
    box.appendChild(strong);
    if (text) {
      box.appendChild(document.createTextNode(" " + text));
    }
  }

  function initSelvtest(root) {
    if (root.getAttribute("data-kurs-klar") === "1") return;
    var button = root.querySelector(".kurs-selvtest-sjekk");
    var box = root.querySelector(".kurs-selvtest-svar");
    if (!button || !box) return;
    root.setAttribute("data-kurs-klar", "1");
    button.hidden = false;
    button.addEventListener("click", function () {
      var chosen = root.querySelector("input[type=radio]:checked");
      if (!chosen) {
        showFeedback(box, "info", t("velg"), "");
        return;
      }
      var right = chosen.getAttribute("data-riktig") === "true";
      var why = chosen.getAttribute("data-forklaring") || "";
      if (right) {
        showFeedback(box, "ok", t("riktig"), why);
      } else {
        showFeedback(box, "feil", t("feil"), why + " " + t("prov"));
      }
    });
  }

  // ------------------------------------------------- widget accessible names

  var serial = 0;

  function visibleText(el) {
    return el ? (el.textContent || "").replace(/[\u200b\s]+/g, " ").trim() : "";
  }

  function hasName(el) {
    return (el.getAttribute("aria-label") || "").trim() !== "" || el.hasAttribute("aria-labelledby");
  }

  // The widget's own label: <label class="widget-label"> as a direct child of the widget box.
  function widgetLabel(el) {
    var box = el.closest(".widget-inline-hbox, .widget-inline-vbox, .widget-radio, .widget-toggle-buttons, .jupyter-widgets");
    while (box) {
      for (var i = 0; i < box.children.length; i++) {
        var child = box.children[i];
        if (child.classList.contains("widget-label") && visibleText(child) !== "") return child;
      }
      box = box.parentElement && box.parentElement.closest(".widget-inline-hbox, .widget-inline-vbox, .widget-radio, .widget-toggle-buttons");
    }
    return null;
  }

  function labelId(label) {
    if (!label.id) {
      serial += 1;
      label.id = "kurs-widget-etikett-" + serial;
    }
    return label.id;
  }

  function nameControls(scope) {
    var i, el, label;
    // Sliders (noUiSlider handles) and their editable readouts.
    var sliders = scope.querySelectorAll("[role=slider]");
    for (i = 0; i < sliders.length; i++) {
      el = sliders[i];
      if (hasName(el)) continue;
      label = widgetLabel(el);
      if (label) {
        el.setAttribute("aria-labelledby", labelId(label));
      } else {
        el.setAttribute("aria-label", t("glidebryter"));
      }
    }
    var readouts = scope.querySelectorAll(".widget-readout[contenteditable]");
    for (i = 0; i < readouts.length; i++) {
      el = readouts[i];
      if (hasName(el)) continue;
      label = widgetLabel(el);
      el.setAttribute("role", "textbox");
      el.setAttribute("aria-label", (label ? visibleText(label) + ": " : "") + t("verdi"));
    }
    // Groups of radio buttons and toggle buttons get their label as group name.
    var groups = scope.querySelectorAll(".widget-radio-box, .widget-toggle-buttons > div");
    for (i = 0; i < groups.length; i++) {
      el = groups[i];
      if (hasName(el)) continue;
      label = widgetLabel(el);
      if (!label) continue;
      el.setAttribute("role", el.classList.contains("widget-radio-box") ? "radiogroup" : "group");
      el.setAttribute("aria-labelledby", labelId(label));
    }
    // Inputs without a <label for>, e.g. in custom widget layouts.
    var inputs = scope.querySelectorAll(".jupyter-widgets input:not([type=radio]):not([type=checkbox]), .jupyter-widgets select, .jupyter-widgets textarea");
    for (i = 0; i < inputs.length; i++) {
      el = inputs[i];
      if (hasName(el) || (el.labels && el.labels.length) || el.closest("label")) continue;
      label = widgetLabel(el);
      if (label) el.setAttribute("aria-labelledby", labelId(label));
    }
    // Icon-only buttons: use their tooltip as the name.
    var buttons = scope.querySelectorAll("button.jupyter-button");
    for (i = 0; i < buttons.length; i++) {
      el = buttons[i];
      if (!hasName(el) && visibleText(el) === "" && el.title && el.title !== "null") {
        el.setAttribute("aria-label", el.title);
      }
    }
    // ipywidgets writes title="null" when a widget has no tooltip.
    var nulls = scope.querySelectorAll("[title=null]");
    for (i = 0; i < nulls.length; i++) nulls[i].removeAttribute("title");
  }

  // ----------------------------------------------------------------- search

  function cleanSearchSnippets() {
    // searchtools.js declares `Search` with const: a global binding, not a window property.
    if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
    if (Search.htmlToText.kursClean) return;
    var original = Search.htmlToText;
    var clean = function (htmlString, anchor) {
      var doc = new DOMParser().parseFromString(htmlString, "text/html");
      var drop = doc.querySelectorAll(".kurs-filmblokk, #jb-print-docs-body");
      for (var i = 0; i < drop.length; i++) drop[i].parentNode.removeChild(drop[i]);
      return original.call(Search, doc.documentElement.outerHTML, anchor);
    };
    clean.kursClean = true;
    Search.htmlToText = clean;
  }

  // ------------------------------------------------------------------ start

  function scan() {
    var tests = document.querySelectorAll(".kurs-selvtest[data-kurs-selvtest]");
    for (var i = 0; i < tests.length; i++) initSelvtest(tests[i]);
    nameControls(document);
  }

  function start() {
    cleanSearchSnippets();
    scan();
    if (!window.MutationObserver) return;
    // Our own changes are attributes only, so they do not wake the observer again.
    new MutationObserver(scan).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
