// Ferry web UI: small progressive enhancements. Every page works without this script.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Live filtering: an input with data-filter="#table" hides the rows whose data-search text lacks a typed word
  // (the same rule as the server-side ?q= search).
  for (const input of document.querySelectorAll("input[data-filter]")) {
    const table = document.querySelector(input.dataset.filter);
    const empty = input.dataset.filterEmpty ? document.querySelector(input.dataset.filterEmpty) : null;
    if (!table) continue;
    const rows = Array.from(table.querySelectorAll("tbody tr[data-search]"));
    const apply = () => {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const row of rows) {
        const text = row.dataset.search || "";
        const match = words.every(w => text.includes(w));
        row.hidden = !match;
        if (match) shown++;
      }
      if (empty) {
        empty.hidden = shown > 0;
        const strong = empty.querySelector("strong");
        if (strong) strong.textContent = input.value;
      }
    };
    input.addEventListener("input", apply);
    apply();
  }

  // Forms that lead away (launch, sign in): disable the button once pressed, so a double click sends one request.
  for (const form of document.querySelectorAll("form[method='post']")) {
    form.addEventListener("submit", () => {
      for (const button of form.querySelectorAll("button[type='submit']")) {
        setTimeout(() => { button.disabled = true; }, 0);
      }
    });
  }

  // Audit filters apply as soon as a select changes.
  for (const select of document.querySelectorAll("form.filters select")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
});

// Coming back with the browser's Back button restores the page from cache with disabled buttons: enable them again.
window.addEventListener("pageshow", (event) => {
  if (event.persisted) {
    for (const button of document.querySelectorAll("button[disabled]")) button.disabled = false;
  }
});
