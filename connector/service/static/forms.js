// Build an input form from a JSON Schema (2020-12) alone, read the values the user filled, and
// show validation problems next to their fields.
//
// Paths: a field's id is `input-` + its path joined by "-" (lines-0-amount); problems use the
// service's notation (lines[0].amount). Only filled fields are sent: a blank field is omitted
// rather than sent as "" so the server applies its own defaults.

import { createCombobox } from "./combobox.js";
import { el } from "./dom.js";

// What a field's text cannot be turned into; the caller knows the field's path and title.
class FieldProblem extends Error {}

const OTHER_FIELDS = "_other"; // a line item's free JSON for keys the schema does not list

export function buildForm(schema, { loadItems }) {
  const properties = schema.properties || {};
  const required = new Set(schema.required || []);
  // Required inputs first: in the schema they sit in alphabetical order among dozens.
  const names = Object.keys(properties);
  const ordered = [...names.filter((n) => required.has(n)),
    ...names.filter((n) => !required.has(n))];
  const fields = ordered.map((name) =>
    buildField([name], properties[name], required.has(name), loadItems));

  const element = el("div", "form-fields");
  if (fields.length) element.append(...fields.map((f) => f.element));
  else element.append(el("p", "muted", "This one takes no inputs."));

  let rowIndex = new Map(); // from the last collect(): sent line index -> line on the page

  return {
    element,
    // -> {inputs, problems}; problems are client-side (required, unreadable JSON or number).
    collect() {
      const ctx = { problems: [], rowIndex: new Map() };
      const { values } = readFields(fields, ctx, [], true);
      rowIndex = ctx.rowIndex;
      return { inputs: values, problems: ctx.problems };
    },
    showProblems(problems) {
      let first = null;
      for (const problem of problems) {
        const target = fieldFor(element, pageSegments(parsePath(problem.path), rowIndex));
        if (!target) continue;
        first = first || target;
        target.classList.add("has-error");
        target.querySelector(":scope > .field-error").append(el("p", null, problem.problem));
        const input = target.querySelector(`#input-${CSS.escape(target.dataset.field)}`);
        if (input) input.setAttribute("aria-invalid", "true");
      }
      if (first) first.scrollIntoView({ block: "center" }); // the form can be sixty fields long
    },
    clearProblems() {
      element.querySelectorAll(".has-error").forEach((node) => node.classList.remove("has-error"));
      element.querySelectorAll(".field-error").forEach((node) => node.replaceChildren());
      element.querySelectorAll("[aria-invalid]")
        .forEach((node) => node.removeAttribute("aria-invalid"));
    },
  };
}

// Read fields into an object. `base` is the path as sent (line indexes count sent lines only).
function readFields(fields, ctx, base, checkRequired) {
  const values = {};
  const missing = [];
  let touched = false;
  for (const field of fields) {
    const path = [...base, field.name];
    try {
      const value = field.read(ctx, path);
      if (value === undefined) {
        if (field.required) missing.push(field);
      } else if (field.name === OTHER_FIELDS) {
        Object.assign(values, value);
      } else {
        values[field.name] = value;
      }
    } catch (err) {
      if (!(err instanceof FieldProblem)) throw err;
      touched = true;
      ctx.problems.push({ path: formatPath(path), title: field.title, problem: err.message });
    }
  }
  touched = touched || Object.keys(values).length > 0;
  if (checkRequired || touched) {
    for (const field of missing) {
      const path = formatPath([...base, field.name]);
      ctx.problems.push({ path, title: field.title, problem: "is required" });
    }
  }
  return { values, touched };
}

// The one kind of control a property gets; a type list picks its richest member.
function kindOf(prop) {
  const types = [].concat(prop.type || "string");
  if (prop["x-datasource"]) return "datasource";
  if (prop.enum) return "enum";
  if (types.includes("array")) {
    const items = prop.items || {};
    const itemTypes = [].concat(items.type || "string");
    if (itemTypes.length === 1 && itemTypes[0] === "object") return "rows";
    return itemTypes.includes("object") || itemTypes.includes("array") ? "json" : "list";
  }
  if (types.includes("object")) return "json";
  for (const kind of ["boolean", "integer", "number"]) if (types.includes(kind)) return kind;
  if (prop.format === "date") return "date";
  return "text";
}

function buildField(path, prop, required, loadItems) {
  const kind = kindOf(prop);
  if (kind === "rows") return buildRows(path, prop, required, loadItems);
  const key = path.join("-");
  const id = `input-${key}`;
  const name = path[path.length - 1];
  const title = prop.title || String(name);
  const example = (prop.examples || [])[0];

  const wrapper = el("div", `field field-${kind}`);
  wrapper.dataset.field = key;
  const label = el("label", null, title);
  label.htmlFor = id;
  if (required) label.append(requiredMark());
  const hints = { list: "one per line", json: "JSON" };
  if (hints[kind]) label.append(el("span", "hint", hints[kind]));

  let control; // what goes in the wrapper
  let input; // what the label points at
  let read; // -> value, or undefined when blank

  if (kind === "boolean" && required) {
    input = el("input");
    input.type = "checkbox";
    input.checked = prop.default === true;
    read = () => input.checked;
  } else if (kind === "boolean" || kind === "enum") {
    const choices = kind === "boolean" ? [true, false] : prop.enum;
    input = el("select");
    input.append(option("", required ? "Choose…" : "(not set)"));
    choices.forEach((choice, i) => input.append(option(String(i), String(choice))));
    const preset = choices.findIndex((c) => c === prop.default);
    input.value = preset >= 0 ? String(preset) : "";
    read = () => (input.value === "" ? undefined : choices[Number(input.value)]);
  } else if (kind === "integer" || kind === "number") {
    input = el("input");
    input.type = "number";
    input.step = kind === "integer" ? "1" : "any";
    if (prop.minimum !== undefined) input.min = String(prop.minimum);
    if (prop.maximum !== undefined) input.max = String(prop.maximum);
    read = () => {
      if (input.validity.badInput) throw new FieldProblem("is not a number");
      return input.value === "" ? undefined : Number(input.value);
    };
  } else if (kind === "list" || kind === "json") {
    input = el("textarea", kind === "json" ? "code" : null);
    input.rows = 3;
    input.spellcheck = false;
    read = kind === "list" ? () => readList(input.value) : () => readJSON(input.value);
  } else if (kind === "datasource") {
    const combobox = createCombobox({
      id,
      label: title,
      placeholder: example === undefined ? "Type to search" : String(example),
      load: (search) => loadItems(prop["x-datasource"], prop["x-datasource-inputs"] || {}, search),
    });
    control = combobox.element;
    input = combobox.input;
    if (prop.default !== undefined) combobox.setValue(String(prop.default));
    read = () => combobox.value() || undefined;
  } else {
    input = el("input");
    const secret = prop.format === "password" || prop.writeOnly;
    input.type = kind === "date" ? "date" : secret ? "password" : "text";
    read = () => (input.value.trim() === "" ? undefined : input.value);
  }

  input.id = id;
  if (required) input.setAttribute("aria-required", "true");
  if (kind !== "datasource") {
    presetText(input, kind, prop);
    placeholder(input, kind, example);
  }
  const help = helpText(key, prop);
  const error = el("div", "field-error");
  error.id = `error-${key}`;
  error.setAttribute("aria-live", "polite");
  input.setAttribute("aria-describedby", [help && help.id, error.id].filter(Boolean).join(" "));

  if (input.type === "checkbox") wrapper.append(input, label);
  else wrapper.append(label, control || input);
  if (help) wrapper.append(help);
  wrapper.append(error);
  return { element: wrapper, name, title, required, read };
}

// Line items: one fieldset per line. A line's fields are the item schema's properties plus the
// keys of the first example line; an "Other fields" JSON box takes any other key.
function buildRows(path, prop, required, loadItems) {
  const key = path.join("-");
  const name = path[path.length - 1];
  const title = prop.title || String(name);
  const items = prop.items || {};
  const columns = { ...exampleColumns(prop), ...(items.properties || {}) };
  const itemRequired = new Set(items.required || []);
  const openEnded = items.additionalProperties !== false;

  const wrapper = el("fieldset", "field field-rows");
  wrapper.dataset.field = key;
  const legend = el("legend", null, title);
  if (required) legend.append(requiredMark());
  const help = helpText(key, prop);
  const list = el("div", "rows");
  const add = el("button", "secondary", "Add line");
  add.type = "button";
  add.dataset.testid = `add-${key}`;
  const error = el("div", "field-error");
  error.setAttribute("aria-live", "polite");
  wrapper.append(legend, ...(help ? [help] : []), list, add, error);

  const rows = []; // {index, element, legend, fields}
  let next = 0; // a line keeps its index (and ids) when lines above it are removed

  function relabel() {
    rows.forEach((row, i) => (row.legend.textContent = `Line ${i + 1}`));
  }

  function addRow() {
    const index = next++;
    const rowPath = [...path, index];
    const element = el("fieldset", "row");
    element.dataset.field = rowPath.join("-");
    const rowLegend = el("legend");
    const fields = Object.entries(columns).map(([column, columnProp]) =>
      buildField([...rowPath, column], columnProp, itemRequired.has(column), loadItems));
    if (openEnded) {
      const other = buildField([...rowPath, OTHER_FIELDS],
        { title: fields.length ? "Other fields" : "Fields", type: "object" }, false, loadItems);
      const readJSONValue = other.read;
      other.read = (...args) => {
        const value = readJSONValue(...args);
        const isObject = value !== null && typeof value === "object" && !Array.isArray(value);
        if (value !== undefined && !isObject) {
          throw new FieldProblem("must be a JSON object: {\"name\": value, ...}");
        }
        return value;
      };
      fields.push(other);
    }
    const remove = el("button", "link", "Remove line");
    remove.type = "button";
    remove.dataset.testid = `remove-${rowPath.join("-")}`;
    const rowError = el("div", "field-error");
    element.append(rowLegend, ...fields.map((f) => f.element), remove, rowError);
    const row = { index, element, legend: rowLegend, fields };
    remove.addEventListener("click", () => {
      rows.splice(rows.indexOf(row), 1);
      element.remove();
      relabel();
    });
    rows.push(row);
    list.append(element);
    relabel();
  }

  add.addEventListener("click", () => {
    addRow();
    rows[rows.length - 1].element.querySelector("input, select, textarea")?.focus();
  });
  addRow();

  function read(ctx, sentPath) {
    const values = [];
    const onPage = [];
    for (const row of rows) {
      const result = readFields(row.fields, ctx, [...sentPath, values.length], false);
      if (!result.touched) continue; // a blank line is left out
      values.push(result.values);
      onPage.push(row.index);
    }
    ctx.rowIndex.set(formatPath(sentPath), onPage);
    return values.length ? values : undefined;
  }

  return { element: wrapper, name, title, required, read };
}

// Columns named by the first example's first line, typed by their example values.
function exampleColumns(prop) {
  const line = ((prop.examples || [])[0] || [])[0];
  if (!line || typeof line !== "object") return {};
  const types = { number: "number", boolean: "boolean" };
  return Object.fromEntries(Object.entries(line).map(([column, value]) =>
    [column, { title: column, type: types[typeof value] || "string", examples: [value] }]));
}

function readList(text) {
  const items = text.split("\n").map((line) => line.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

function readJSON(text) {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FieldProblem(`is not valid JSON: ${err.message}`);
  }
}

function presetText(input, kind, prop) {
  if (prop.default === undefined || input.tagName === "SELECT" || input.type === "checkbox") return;
  input.value = kind === "json" ? JSON.stringify(prop.default, null, 2)
    : kind === "list" ? [].concat(prop.default).join("\n") : String(prop.default);
}

function placeholder(input, kind, example) {
  if (example === undefined || input.tagName === "SELECT" || input.type === "checkbox") return;
  if (kind === "date") return; // a date picker shows its own format
  input.placeholder = kind === "json" ? JSON.stringify(example)
    : kind === "list" ? [].concat(example).join("\n") : String(example);
}

function helpText(key, prop) {
  if (!prop.description) return null;
  const help = el("p", "help", prop.description);
  help.id = `help-${key}`;
  return help;
}

function requiredMark() {
  const mark = el("span", "required", " *");
  mark.title = "required";
  return mark;
}

function option(value, text) {
  const node = el("option", null, text);
  node.value = value;
  return node;
}

// "lines[0].amount" -> ["lines", "0", "amount"]
function parsePath(path) {
  return String(path || "").split(/[.[\]]+/).filter(Boolean);
}

// ["lines", 0, "amount"] -> "lines[0].amount"
function formatPath(segments) {
  return segments.map((s, i) => (typeof s === "number" ? `[${s}]` : i ? `.${s}` : s)).join("");
}

// Sent line indexes -> the lines on the page (blank lines were not sent).
function pageSegments(segments, rowIndex) {
  const out = [];
  segments.forEach((segment, i) => {
    const lines = /^\d+$/.test(segment) && rowIndex.get(formatPath(sentSegments(segments, i)));
    const onPage = lines ? lines[Number(segment)] : undefined;
    out.push(onPage === undefined ? segment : String(onPage));
  });
  return out;
}

function sentSegments(segments, upTo) {
  return segments.slice(0, upTo).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

// The innermost field wrapper on the page that a problem path points into.
function fieldFor(root, segments) {
  for (let n = segments.length; n > 0; n--) {
    const key = segments.slice(0, n).join("-");
    const found = root.querySelector(`[data-field="${CSS.escape(key)}"]`);
    if (found) return found;
  }
  return null;
}
