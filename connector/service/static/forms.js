// A form built from an input JSON Schema alone: one section per group the schema declares
// (x-groups, x-group), required inputs first. Optional inputs wait behind "Add a field" or
// their group's toggle until wanted, so a 64-input action opens as the few fields it needs.
// Only shown, filled fields are sent; the service applies its own defaults to the rest.
//
// Paths: a field's id is `input-` + its path joined by "-" (lines-0-amount, where 0 is the
// line's own number on the page); problems use the service's notation (lines[0].amount, where
// 0 counts the lines sent).

import { button, el, option } from "./dom.js";
import { buildField, formatPath, readFields } from "./fields.js";
import { buildLines } from "./lines.js";
import { buildPairs } from "./pairs.js";
import { fieldFor, pageSegments, parsePath } from "./problems.js";
import { isSecret, kindOf, resolveSourceInputs, sectionsOf, titleOf } from "./schema.js";

// options: {loadItems(source, inputs, {search, cursor}), onChange(), idPrefix}
export function buildForm(schema, { loadItems, onChange = () => {}, idPrefix = "" }) {
  const properties = schema.properties || {};
  const required = new Set(schema.required || []);
  const watchers = new Map(); // input name -> callbacks of the dropdowns that depend on it
  const context = {
    idPrefix,
    loadItems,
    titleOf: (name) => titleOf(name, properties[name] || {}),
    resolveInputs: (source) => resolveSourceInputs(source, currentValues()),
    watch(name, callback) {
      if (!watchers.has(name)) watchers.set(name, []);
      watchers.get(name).push(callback);
    },
    changed(field) {
      (watchers.get(field.path[0]) || []).forEach((callback) => callback());
      onChange();
    },
  };

  const fields = new Map(); // name -> field
  const sections = sectionsOf(schema).map((section) => {
    const members = section.names.map((name) => {
      const prop = properties[name];
      const kind = kindOf(prop);
      const build = kind === "lines" ? buildLines : kind === "pairs" ? buildPairs : buildField;
      const field = build([name], prop, required.has(name), context);
      fields.set(name, field);
      return field;
    });
    return section.key ? groupSection(section, members, idPrefix)
      : mainSection(members, onChange, idPrefix);
  });
  const element = el("div", "form");
  if (sections.length) element.append(...sections.map((s) => s.element));
  else element.append(el("p", "muted", "This one takes no inputs."));

  function shownFields() {
    return sections.flatMap((s) => s.shown());
  }

  function sectionOf(field) {
    return sections.find((s) => s.members.includes(field));
  }

  // The values as they would be sent now, problems aside (what dependent dropdowns read).
  function currentValues() {
    return readFields(shownFields(), { problems: [], rowIndex: new Map() }, [], false).values;
  }

  let rowIndex = new Map(); // from the last collect(): sent line index -> line on the page

  return {
    element,
    // -> {inputs, problems}; problems found here (required, numbers, names, patterns) stop
    // the call before anything is sent. Problems the service finds later are placed by what
    // this call sent.
    collect() {
      const ctx = { problems: [], rowIndex: new Map() };
      const { values } = readFields(shownFields(), ctx, [], true);
      rowIndex = ctx.rowIndex;
      return { inputs: values, problems: ctx.problems };
    },
    // What may go in a link: the inputs but secret ones, and the labels of chosen items.
    shareable() {
      const inputs = currentValues();
      const open = Object.fromEntries(Object.entries(inputs)
        .filter(([name]) => !isSecret(properties[name] || {})));
      const labels = {};
      for (const field of shownFields()) {
        if (!(field.name in open)) continue;
        const found = field.labels ? field.labels([field.name])
          : field.label() ? [[field.name, field.label()]] : [];
        for (const [path, label] of found) labels[path] = label;
      }
      return { inputs: open, labels };
    },
    write(inputs, labels = {}) {
      for (const [name, value] of Object.entries(inputs || {})) {
        const field = fields.get(name);
        if (!field || value === undefined || value === null) continue;
        const labelAt = (segments) => labels[formatPath(segments)];
        field.write(value, field.kind === "lines" ? labelAt : labels[name]);
        sectionOf(field).reveal(field);
      }
    },
    names: () => [...fields.keys()],
    // Problems next to their fields; those no field takes are returned for a list elsewhere.
    showProblems(problems) {
      const unplaced = [];
      let first = null;
      for (const problem of problems) {
        const segments = pageSegments(parsePath(problem.path), rowIndex);
        const field = fields.get(segments[0]);
        if (field) sectionOf(field).reveal(field);
        const target = fieldFor(element, segments);
        if (!target) {
          unplaced.push(problem);
          continue;
        }
        first = first || target.box;
        target.box.classList.add("has-error");
        target.errors.append(el("p", null, target.prefix + problem.problem));
        const input = target.box.querySelector("input, select, textarea");
        if (input && target.exact) input.setAttribute("aria-invalid", "true");
      }
      if (first) first.scrollIntoView({ block: "center" });
      return unplaced;
    },
    clearProblems() {
      element.querySelectorAll(".has-error").forEach((node) => node.classList.remove("has-error"));
      element.querySelectorAll(".field-error").forEach((node) => node.replaceChildren());
      element.querySelectorAll("[aria-invalid]")
        .forEach((node) => node.removeAttribute("aria-invalid"));
    },
  };
}

// The inputs of no group: required ones shown, optional ones added one by one from a list
// (and removed again, which also clears them).
function mainSection(members, onChange, idPrefix) {
  const element = el("section", "form-section");
  element.dataset.section = "main";
  const body = el("div", "form-fields");
  const picker = el("select", "add-field");
  picker.id = `${idPrefix}add-field`;
  picker.setAttribute("aria-label", "Add a field");
  picker.dataset.testid = `${idPrefix}add-field`;
  element.append(body, picker);
  const hidden = new Set(members.filter((f) => !f.required));

  for (const field of members.filter((f) => !f.required)) {
    const remove = button("Remove", "link remove-field", () => {
      field.write(undefined);
      hidden.add(field);
      draw();
      picker.focus();
      onChange();
    });
    remove.setAttribute("aria-label", `Remove ${field.title}`);
    field.element.prepend(remove);
  }

  function draw() {
    body.replaceChildren(...members.filter((f) => !hidden.has(f)).map((f) => f.element));
    const rest = members.filter((f) => hidden.has(f));
    picker.replaceChildren(option("", `Add a field… (${rest.length} optional)`),
      ...rest.map((f) => option(f.name, f.title)));
    picker.hidden = rest.length === 0;
  }

  function reveal(field) {
    hidden.delete(field);
    draw();
  }

  picker.addEventListener("change", () => {
    const field = members.find((f) => f.name === picker.value);
    if (!field) return;
    reveal(field);
    field.focus();
    onChange();
  });
  draw();
  return { element, members, reveal, shown: () => members.filter((f) => !hidden.has(f)) };
}

// A group the schema declares: a heading that shows or hides its fields (filled ones are sent
// either way); open from the start when it holds a required input.
function groupSection(section, members, idPrefix) {
  const element = el("section", "form-section group");
  element.dataset.section = section.key;
  const heading = el("h3", "section-heading");
  const toggle = button(section.title, "section-toggle");
  toggle.id = `${idPrefix}section-${section.key}`;
  toggle.setAttribute("aria-controls", `${idPrefix}section-${section.key}-fields`);
  toggle.dataset.testid = `${idPrefix}section-${section.key}`;
  const count = members.length === 1 ? "1 field" : `${members.length} fields`;
  heading.append(toggle, el("span", "section-count", count));
  const body = el("div", "form-fields");
  body.id = `${idPrefix}section-${section.key}-fields`;
  body.append(...members.map((f) => f.element));
  element.append(heading);
  if (section.description) element.append(el("p", "help", section.description));
  element.append(body);

  function setOpen(isOpen) {
    toggle.setAttribute("aria-expanded", String(isOpen));
    body.hidden = !isOpen;
  }

  toggle.addEventListener("click", () => setOpen(body.hidden));
  setOpen(members.some((f) => f.required));
  return {
    element, members,
    reveal: () => setOpen(true),
    shown: () => members,
  };
}
