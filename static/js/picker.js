// Type-to-filter for a grouped <select multiple data-module="app-picker"> (the surgery's
// attendees). Without JavaScript the select works as it is; with it, a text box above filters
// the options by name, Enter adds the first match, a click adds or removes one option without
// clearing the others, and the chosen names are listed (and announced) below.
function enhance(select) {
  const group = select.closest(".govuk-form-group");
  const id = `${select.id}-filter`;
  const wrapper = document.createElement("div");
  wrapper.className = "govuk-form-group govuk-!-margin-bottom-2";
  const label = document.createElement("label");
  label.className = "govuk-label";
  label.htmlFor = id;
  label.textContent = "Type a name to filter, then press Enter to add the first match";
  const input = document.createElement("input");
  input.className = "govuk-input govuk-!-width-two-thirds";
  input.id = id;
  input.type = "search";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.setAttribute("aria-controls", select.id);
  wrapper.append(label, input);
  select.before(wrapper);

  const status = document.createElement("p");
  status.className = "govuk-body govuk-!-margin-top-2";
  status.id = `${select.id}-chosen`;
  status.setAttribute("aria-live", "polite");
  select.after(status);

  const options = Array.from(select.options);
  const showChosen = () => {
    const chosen = options.filter((o) => o.selected).map((o) => o.textContent);
    status.textContent = chosen.length
      ? `${chosen.length} chosen: ${chosen.join(", ")}`
      : "No attendees chosen yet.";
  };
  const filter = () => {
    const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    for (const option of options) {
      const name = option.textContent.toLowerCase();
      option.hidden = !option.selected && !words.every((w) => name.includes(w));
    }
    for (const optgroup of select.querySelectorAll("optgroup")) {
      optgroup.hidden = Array.from(optgroup.children).every((o) => o.hidden);
    }
  };
  input.addEventListener("input", filter);
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const match = options.find((o) => !o.hidden && !o.selected);
    if (match) {
      match.selected = true;
      input.value = "";
      filter();
      showChosen();
    }
  });
  select.addEventListener("mousedown", (event) => {
    const option = event.target.closest("option");
    if (!option) return;
    event.preventDefault();
    option.selected = !option.selected;
    select.focus();
    showChosen();
  });
  select.addEventListener("change", showChosen);
  showChosen();
  if (group) group.classList.add("app-picker--enhanced");
}

for (const select of document.querySelectorAll('select[multiple][data-module="app-picker"]')) {
  enhance(select);
}
