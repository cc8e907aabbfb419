// A text input that offers the items of a data source as the user types (ARIA 1.2 combobox
// pattern). The chosen item's label is shown; its key is the value. A value typed by hand
// (e.g. a record number the user already knows) is kept as is.

import { el } from "./dom.js";

const DEBOUNCE_MS = 250;

export function createCombobox({ id, label, placeholder, load }) {
  const wrapper = el("div", "combobox");
  const input = el("input");
  Object.assign(input, { id, type: "text", autocomplete: "off", placeholder: placeholder || "" });
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  const listbox = el("ul", "combobox-list");
  listbox.id = `${id}-listbox`;
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", label);
  listbox.hidden = true;
  input.setAttribute("aria-controls", listbox.id);
  const chosenNote = el("span", "combobox-key");
  wrapper.append(input, listbox, chosenNote);

  let chosen = null; // {key, label} once the user picks an item
  let items = [];
  let active = -1;
  let timer = null;
  let generation = 0; // answers to superseded searches are dropped

  function open(isOpen) {
    listbox.hidden = !isOpen;
    input.setAttribute("aria-expanded", String(isOpen));
    if (!isOpen) setActive(-1);
  }

  function note(text) {
    listbox.replaceChildren(el("li", "combobox-note", text));
  }

  function setActive(index) {
    active = index;
    listbox.querySelectorAll("[role=option]").forEach((li, i) => {
      li.setAttribute("aria-selected", String(i === index));
      if (i === index) li.scrollIntoView({ block: "nearest" });
    });
    if (index >= 0) input.setAttribute("aria-activedescendant", `${id}-option-${index}`);
    else input.removeAttribute("aria-activedescendant");
  }

  function choose(item) {
    chosen = item;
    input.value = item.label;
    chosenNote.textContent = item.key === item.label ? "" : `key ${item.key}`;
    open(false);
  }

  async function search() {
    const mine = ++generation;
    note("Loading…");
    open(true);
    try {
      const found = await load(chosen ? "" : input.value.trim());
      if (mine !== generation) return;
      items = found;
      if (!items.length) return note("No matches");
      listbox.replaceChildren(...items.map((item, i) => {
        const li = el("li", "combobox-option", item.label);
        li.id = `${id}-option-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        if (item.key !== item.label) li.append(el("span", "combobox-option-key", item.key));
        // mousedown would blur the input and close the list before the click lands
        li.addEventListener("mousedown", (event) => event.preventDefault());
        li.addEventListener("click", () => choose(item));
        return li;
      }));
    } catch (err) {
      if (mine === generation) note(err.message);
    }
  }

  input.addEventListener("input", () => {
    chosen = null;
    chosenNote.textContent = "";
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  });
  input.addEventListener("focus", search);
  input.addEventListener("blur", () => open(false));
  input.addEventListener("keydown", (event) => {
    const count = listbox.querySelectorAll("[role=option]").length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (listbox.hidden) return void search();
      const step = event.key === "ArrowDown" ? 1 : -1;
      if (count) setActive((active + step + count) % count);
    } else if (event.key === "Enter" && !listbox.hidden && active >= 0) {
      event.preventDefault();
      choose(items[active]);
    } else if (event.key === "Escape") {
      open(false);
    }
  });

  return {
    element: wrapper,
    input,
    value: () => (chosen ? chosen.key : input.value.trim()),
    setValue(value) {
      input.value = value;
      chosen = null;
      chosenNote.textContent = "";
    },
  };
}
