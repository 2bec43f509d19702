// The phone-call order form: pick a caller from the lookup, filter categories by type,
// fill the description from the category template, show complaint fields for complaints only.
(function () {
  function $(id) { return document.getElementById(id); }
  document.addEventListener("DOMContentLoaded", function () {
    var form = $("order-form"); if (!form) return;
    var lookup = $("caller-lookup"), type = $("id_order_type"), category = $("id_category"),
        description = $("id_description"), title = $("id_title"), lastTemplate = "";

    function pick(btn) {
      $("id_customer").value = btn.dataset.customer || "";
      $("id_unit").value = btn.dataset.unit || "";
      if (!$("id_caller_name").value) $("id_caller_name").value = btn.dataset.name || "";
      if (btn.dataset.phone && !$("id_caller_phone").value) $("id_caller_phone").value = btn.dataset.phone;
      if (btn.dataset.project && $("id_project")) $("id_project").value = btn.dataset.project;
      $("caller-picked-text").textContent = btn.dataset.name + (btn.dataset.unitCode ? " · " + btn.dataset.unitCode : "");
      $("caller-picked").classList.remove("d-none");
      $("caller-results").innerHTML = "";
      if (window.htmx) htmx.trigger(document.body, "unit-picked");
      type.focus();
    }
    $("caller-results").addEventListener("click", function (e) {
      var btn = e.target.closest(".caller-pick"); if (btn) pick(btn);
    });
    lookup.addEventListener("keydown", function (e) {
      if (e.key !== "Enter") return;
      e.preventDefault();  // Enter in the lookup picks the first caller, it does not submit
      var first = document.querySelector("#caller-results .caller-pick");
      if (first) pick(first);
    });
    $("caller-clear").addEventListener("click", function () {
      $("id_customer").value = ""; $("id_unit").value = "";
      $("caller-picked").classList.add("d-none");
      $("duplicate-warning").innerHTML = "";
      lookup.focus();
    });

    function filterCategories() {
      var t = type.value;
      Array.prototype.forEach.call(category.options, function (o) {
        if (!o.value) return;
        var ok = o.dataset.type === t;
        o.hidden = !ok; o.disabled = !ok;
        if (!ok && o.selected) category.value = "";
      });
      var complaint = t === "complaint";
      ["wrap-complaint_class", "wrap-severity"].forEach(function (id) {
        var el = $(id); if (!el) return;
        el.classList.toggle("d-none", !complaint);
        if (!complaint) el.querySelector("select").value = "";
      });
    }
    type.addEventListener("change", filterCategories);
    filterCategories();

    category.addEventListener("change", function () {
      var o = category.options[category.selectedIndex];
      if (!o || !o.value) return;
      var tpl = o.dataset.template || "";
      if (tpl && (!description.value.trim() || description.value === lastTemplate)) {
        description.value = tpl; lastTemplate = tpl;
      }
      if (!title.value.trim()) {
        var parts = o.textContent.split("›"); title.value = parts[parts.length - 1].trim();
      }
    });
  });
})();
