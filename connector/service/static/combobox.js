// A text input that offers a data source's items as the user types (the ARIA 1.2 combobox
// pattern). The service searches and pages: each answer holds a page of items and a cursor
// for the next, fetched when the list is scrolled to its end or "More results" is chosen.
// The chosen item's label is shown and its key is the value; a value typed by hand (a
// record number the user already knows) is kept as typed.

import { el } from "./dom.js";

const DEBOUNCE_MS = 250;

// Closing the list shortens the page, which can move what the pointer went down on (a button
// at the bottom) before it comes up, losing the click. So a list the pointer leaves closes
// once the pointer is up and the click has landed.
let pointerDown = false;
window.addEventListener("pointerdown", () => (pointerDown = true), true);
window.addEventListener("pointerup", () => (pointerDown = false), true);

function afterPointer(action) {
  if (!pointerDown) return action();
  window.addEventListener("pointerup", () => setTimeout(action), { once: true, capture: true });
}

// load({search, cursor}) -> {items: [{key, label}], next_cursor}
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
  const note = el("span", "combobox-key");
  note.setAttribute("aria-live", "polite");
  wrapper.append(input, listbox, note);

  let chosen = null; // {key, label} once the user picks an item
  let items = [];
  let cursor = null; // the next page's, while there is one
  let active = -1;
  let timer = null;
  let generation = 0; // answers to superseded searches are dropped
  let loading = false;
  const chooseListeners = [];

  function open(isOpen) {
    listbox.hidden = !isOpen;
    input.setAttribute("aria-expanded", String(isOpen));
    if (!isOpen) setActive(-1);
  }

  function options() {
    return [...listbox.querySelectorAll("[role=option]")];
  }

  function setActive(index) {
    active = index;
    options().forEach((li, i) => {
      li.setAttribute("aria-selected", String(i === index));
      if (i === index) li.scrollIntoView({ block: "nearest" });
    });
    if (index >= 0) input.setAttribute("aria-activedescendant", options()[index].id);
    else input.removeAttribute("aria-activedescendant");
  }

  function choose(item) {
    chosen = item;
    input.value = item.label;
    note.textContent = item.key === item.label ? "" : `key ${item.key}`;
    open(false);
    chooseListeners.forEach((listener) => listener(item));
  }

  function optionFor(item, index) {
    const li = el("li", "combobox-option", item.label);
    li.id = `${id}-option-${index}`;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    if (item.key !== item.label) li.append(el("span", "combobox-option-key", item.key));
    // mousedown would blur the input and close the list before the click lands
    li.addEventListener("mousedown", (event) => event.preventDefault());
    li.addEventListener("click", () => choose(item));
    return li;
  }

  function moreOption() {
    const li = el("li", "combobox-more", "More results…");
    li.id = `${id}-more`;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.addEventListener("mousedown", (event) => event.preventDefault());
    li.addEventListener("click", () => loadPage(true));
    return li;
  }

  function show() {
    const rows = items.map(optionFor);
    if (cursor) rows.push(moreOption());
    if (!rows.length) {
      const typed = input.value.trim();
      rows.push(el("li", "combobox-note", typed ? "No matches: what you typed is sent as is."
        : "No items"));
    }
    listbox.replaceChildren(...rows);
  }

  // The first page for what is typed, or the next page of the same search.
  async function loadPage(more = false) {
    const mine = more ? generation : ++generation;
    if (more && (loading || !cursor)) return;
    loading = true;
    if (!more) {
      items = [];
      cursor = null;
      listbox.replaceChildren(el("li", "combobox-note", "Loading…"));
    }
    open(true);
    try {
      const search = chosen ? "" : input.value.trim();
      const page = await load({ search, cursor: more ? cursor : null });
      if (mine !== generation) return;
      items = more ? [...items, ...page.items] : page.items;
      cursor = page.next_cursor || null;
      show();
      if (more) setActive(Math.min(active, items.length - 1));
    } catch (err) {
      if (mine === generation) listbox.replaceChildren(el("li", "combobox-note", err.message));
    } finally {
      if (mine === generation) loading = false;
    }
  }

  input.addEventListener("input", () => {
    chosen = null;
    note.textContent = "";
    clearTimeout(timer);
    timer = setTimeout(() => loadPage(), DEBOUNCE_MS);
  });
  input.addEventListener("focus", () => loadPage());
  input.addEventListener("blur", () => afterPointer(() => {
    if (document.activeElement !== input) open(false);
  }));
  listbox.addEventListener("scroll", () => {
    if (listbox.scrollTop + listbox.clientHeight >= listbox.scrollHeight - 4) loadPage(true);
  });
  input.addEventListener("keydown", (event) => {
    const count = options().length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (listbox.hidden) return void loadPage();
      const step = event.key === "ArrowDown" ? 1 : -1;
      if (count) setActive((active + step + count) % count);
    } else if (event.key === "Enter" && !listbox.hidden && active >= 0) {
      event.preventDefault();
      if (active < items.length) choose(items[active]);
      else loadPage(true);
    } else if (event.key === "Escape") {
      open(false);
    }
  });

  return {
    element: wrapper,
    input,
    value: () => (chosen ? chosen.key : input.value.trim() || undefined),
    chosenLabel: () => (chosen && chosen.label !== chosen.key ? chosen.label : undefined),
    setValue(key, itemLabel) {
      chosen = itemLabel ? { key, label: itemLabel } : null;
      input.value = itemLabel || key;
      note.textContent = itemLabel && itemLabel !== key ? `key ${key}` : "";
    },
    // What the list depends on changed: its items, and a choice made from them, are stale.
    refresh(reason) {
      generation += 1;
      items = [];
      cursor = null;
      if (input.value) {
        chosen = null;
        input.value = "";
        note.textContent = reason;
      }
      if (document.activeElement === input) loadPage();
      else open(false);
    },
    onChoose(listener) {
      chooseListeners.push(listener);
    },
  };
}
