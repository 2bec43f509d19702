// Live SLA clocks: every [data-due] element counts down to its ISO deadline; overdue turns red.
(function () {
  function fmt(ms) {
    var s = Math.floor(Math.abs(ms) / 1000), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600),
        m = Math.floor(s % 3600 / 60), sec = s % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return (d ? d + "天" : "") + pad(h) + ":" + pad(m) + ":" + pad(sec);
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.dataset.due);
      if (isNaN(due)) return;
      var left = due - now, row = el.closest("[data-sla-row]");
      el.textContent = left >= 0 ? "剩 " + fmt(left) : "超时 " + fmt(left);
      el.classList.toggle("text-danger", left < 0);
      el.classList.toggle("fw-bold", left < 0);
      if (row) row.classList.toggle("table-danger", left < 0);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 1000); });
})();
