/* Small conveniences; every page also works without script. */
(function () {
  "use strict";

  // Enrolment: tell the clerk whether the typed document is already registered.
  var form = document.querySelector("form[data-lookup-url]");
  if (form) {
    var number = form.querySelector("[name=document_number]");
    var type = form.querySelector("[name=document_type]");
    var hint = form.querySelector("[data-lookup-hint]");
    var newOnly = form.querySelectorAll("[data-new-person]");
    var check = function () {
      var value = number.value.trim();
      if (value.length < 5) { hint.textContent = ""; return; }
      var url = form.dataset.lookupUrl + "?document_type=" + encodeURIComponent(type.value) +
        "&document_number=" + encodeURIComponent(value);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          if (data.found) {
            hint.textContent = data.enrolled ? "该学员(" + data.masked_name + ")已在本班期报名。"
              : "系统中已登记:" + data.masked_name + "。请输入完整姓名核对后报名,其余信息无需填写。";
          } else {
            hint.textContent = "新学员:请同时填写户籍类型等信息。";
          }
          newOnly.forEach(function (el) { el.hidden = !!data.found; });
        });
    };
    number.addEventListener("change", check);
    type.addEventListener("change", check);
  }

  // A choice that cannot be undone by the one who makes it (archiving a session) is asked once more.
  document.querySelectorAll("form[data-confirm-choice]").forEach(function (choiceForm) {
    choiceForm.addEventListener("submit", function (event) {
      var select = choiceForm.querySelector("select");
      if (select && select.value === choiceForm.dataset.confirmChoice &&
          !window.confirm(choiceForm.dataset.confirmMessage)) {
        event.preventDefault();
      }
    });
  });

  // Results grid: fill every blank cell of a column with one value.
  var fill = document.querySelector("[data-fill-blanks]");
  if (fill) {
    fill.addEventListener("click", function () {
      ["attended_hours", "result", "assessed_on", "assessment_type"].forEach(function (field) {
        var source = document.getElementById("fill-" + field);
        if (!source || source.value === "") { return; }
        document.querySelectorAll("[name^='" + field + "-']").forEach(function (input) {
          if (input.value === "") { input.value = source.value; }
        });
      });
    });
  }

  // Results grid: Enter (Shift+Enter) moves down (up) a column, as in a spreadsheet, instead of
  // saving the whole page half-typed.
  document.querySelectorAll("table[data-enter-moves-down]").forEach(function (table) {
    table.addEventListener("keydown", function (event) {
      var cell = event.target;
      if (event.key !== "Enter" || cell.tagName !== "INPUT" || !cell.name) { return; }
      event.preventDefault();
      var column = Array.prototype.slice.call(
        table.querySelectorAll("input[name^='" + cell.name.split("-")[0] + "-']"));
      var next = column[column.indexOf(cell) + (event.shiftKey ? -1 : 1)];
      if (next) { next.focus(); next.select(); }
    });
  });

  // Session plan: offer in 等级 only the chosen occupation's levels (a 专项 item's is 不分等级).
  document.querySelectorAll("form[data-occupation-levels]").forEach(function (planForm) {
    var occupation = planForm.querySelector("select[name=occupation]");
    var level = planForm.querySelector("select[name=level]");
    if (!occupation || !level) { return; }
    var narrow = function () {
      var chosen = occupation.selectedOptions[0];
      var levels = chosen && chosen.dataset.levels ? chosen.dataset.levels.split(" ") : null;
      Array.prototype.forEach.call(level.options, function (option) {
        var shown = !levels || levels.indexOf(option.value) >= 0;
        option.hidden = !shown;
        option.disabled = !shown;
      });
      if (level.selectedOptions.length && level.selectedOptions[0].disabled) {
        var first = Array.prototype.filter.call(level.options, function (option) { return !option.disabled; })[0];
        level.value = first ? first.value : "";
      }
    };
    occupation.addEventListener("change", narrow);
    narrow();
  });

  // Subsidy standards and the calculator: offer only the chosen programme's occupations, and only
  // the chosen occupation's levels (the server checks the same; without script every choice shows).
  document.querySelectorAll("form[data-scope-form]").forEach(function (scopeForm) {
    var programme = scopeForm.querySelector("select[name$=programme_code]");
    var occupation = scopeForm.querySelector("select[name$=occupation_code]");
    var level = scopeForm.querySelector("select[name$=level]");
    if (!programme || !occupation || !level) { return; }
    var offer = function (option, shown) {
      option.hidden = !shown;
      option.disabled = !shown;
    };
    var narrow = function () {
      Array.prototype.forEach.call(occupation.options, function (option) {
        if (!option.dataset.programme) { return; }
        offer(option, option.dataset.programme === programme.value);
        option.textContent = programme.value ? option.dataset.name : option.dataset.programmeName + " · " + option.dataset.name;
      });
      if (occupation.selectedOptions.length && occupation.selectedOptions[0].disabled) { occupation.value = ""; }
      var chosen = occupation.selectedOptions[0];
      var levels = chosen && chosen.dataset.programme ? chosen.dataset.levels.split(" ") : [];
      Array.prototype.forEach.call(level.options, function (option) {
        offer(option, option.value === "" || levels.indexOf(option.value) >= 0);
      });
      if (level.selectedOptions.length && level.selectedOptions[0].disabled) { level.value = ""; }
    };
    programme.addEventListener("change", narrow);
    occupation.addEventListener("change", narrow);
    narrow();
  });
})();
