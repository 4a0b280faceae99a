// Catalogue search: a filter applies as soon as it is chosen, and the filters are open on wide
// screens (closed on phones, where the results come first). Without this script the page still
// works: the "Filters" control opens by hand and "Apply filters" submits.
(function () {
  "use strict";
  var form = document.querySelector("form[data-apply-on-change]");
  if (!form) {
    return;
  }
  var filters = form.querySelector("details");
  var wide = window.matchMedia("(min-width: 60rem)");
  var FOCUS_KEY = "catalogue-filter-focus";

  function fitFilters() {
    filters.open = wide.matches;
  }
  fitFilters();
  wide.addEventListener("change", fitFilters);

  // Say beforehand that choosing a filter reloads the results (WCAG 3.2.2, "On Input").
  var hint = form.querySelector("[data-apply-on-change-hint]");
  if (hint) {
    hint.hidden = false;
  }

  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox") {
      return;
    }
    try {
      sessionStorage.setItem(FOCUS_KEY, JSON.stringify([box.name, box.value]));
    } catch (error) {
      // Storage may be off; the filter still applies, only the focus starts at the top.
    }
    form.submit();
  });

  // After a filter applied: back to the same checkbox on wide screens, to the results on phones.
  var chosen = null;
  try {
    chosen = JSON.parse(sessionStorage.getItem(FOCUS_KEY) || "null");
    sessionStorage.removeItem(FOCUS_KEY);
  } catch (error) {
    chosen = null;
  }
  if (!chosen) {
    return;
  }
  var target = null;
  if (wide.matches) {
    target = Array.prototype.find.call(
      form.querySelectorAll("input[type=checkbox]"),
      function (input) {
        return input.name === chosen[0] && input.value === chosen[1];
      }
    );
  }
  target = target || document.getElementById("results-heading");
  if (target) {
    target.focus();
  }
})();
