// One input's control, built from its schema: text, number, yes/no, choice, date, secret,
// list, JSON, or a searchable data source dropdown. Each field reads its value (undefined
// when blank: only what the user filled is sent), writes one back (a shared link, a reload),
// and says in plain words what it cannot read.

import { createCombobox } from "./combobox.js";
import { el, option } from "./dom.js";
import {
  choicesOf,
  dependenciesOf,
  exampleText,
  kindOf,
  patternOf,
  sourceOf,
  titleOf,
} from "./schema.js";

// What a field's text cannot be turned into; the form adds the field's path and title.
export class FieldProblem extends Error {}

const LONG_TEXT = 60; // characters of example above which text gets a text area

// Ids carry the form's prefix, so two forms on one page never share one.
export function fieldId(path, prefix = "") {
  return `${prefix}input-${path.join("-")}`;
}

// -> {element, input, name, path, title, required, kind, prop, read, write, label, focus}
// `context`: {idPrefix, loadItems, resolveInputs, titleOf, watch, changed} (see forms.js).
export function buildField(path, prop, required, context, { cell = false } = {}) {
  const kind = kindOf(prop);
  const name = path[path.length - 1];
  const title = titleOf(name, prop);
  const id = fieldId(path, context.idPrefix);
  const field = { name, path, title, required, kind, prop, label: () => undefined };
  const control = kind === "datasource" ? comboboxControl(field, prop, context)
    : kind === "boolean" || kind === "enum" ? choiceControl(field, prop, required)
      : kind === "integer" || kind === "number" ? numberControl(field, prop)
        : kind === "list" || kind === "json" ? textAreaControl(field, prop)
          : textControl(field, prop);
  const input = control.input;
  input.id = id;
  if (required) input.setAttribute("aria-required", "true");
  const example = exampleText(prop);
  if (example !== undefined && "placeholder" in input && kind !== "date" && kind !== "datasource") {
    input.placeholder = `e.g. ${kind === "list" ? example.split(", ").join("\n") : example}`;
  }
  input.addEventListener("input", () => context.changed(field));
  input.addEventListener("change", () => context.changed(field));

  const wrapper = el("div", `field field-${kind}`);
  wrapper.dataset.field = path.join("-");
  const error = el("div", "field-error");
  error.id = `${context.idPrefix}error-${path.join("-")}`;
  error.setAttribute("aria-live", "polite");
  const help = cell ? null : helpText(`${context.idPrefix}help-${path.join("-")}`, prop);
  input.setAttribute("aria-describedby", [help && help.id, error.id].filter(Boolean).join(" "));
  const label = el("label", cell ? "visually-hidden" : null, title);
  label.htmlFor = id;
  if (required && !cell) label.append(requiredMark());
  const hint = { list: "one per line", json: "JSON" }[kind];
  if (hint && !cell) label.append(el("span", "hint", hint));
  wrapper.append(label, control.element || input);
  if (help) wrapper.append(help);
  wrapper.append(error);
  // Writing nothing puts the schema's default back, else blanks the field.
  const write = (value, itemLabel) => control.write(value ?? prop.default ?? null, itemLabel);
  write(undefined);

  return Object.assign(field, {
    element: wrapper,
    input,
    read: control.read,
    write,
    label: control.label || field.label,
    focus: () => input.focus(),
  });
}

function choiceControl(field, prop, required) {
  const choices = field.kind === "boolean"
    ? [{ value: true, label: "Yes" }, { value: false, label: "No" }] : choicesOf(prop);
  const input = el("select");
  input.append(option("", required ? "Choose…" : "(not set)"));
  choices.forEach((choice, i) => {
    const entry = option(String(i), choice.label);
    entry.dataset.value = JSON.stringify(choice.value); // the value sent, for automation
    input.append(entry);
  });
  return {
    input,
    read: () => (input.value === "" ? undefined : choices[Number(input.value)].value),
    write(value) {
      const index = choices.findIndex((c) => c.value === value || String(c.value) === String(value));
      input.value = index >= 0 ? String(index) : "";
    },
  };
}

function numberControl(field, prop) {
  const input = el("input");
  input.type = "text";
  input.inputMode = field.kind === "integer" ? "numeric" : "decimal";
  input.autocomplete = "off";
  return {
    input,
    read() {
      const text = input.value.trim();
      if (text === "") return undefined;
      const number = Number(text);
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
        throw new FieldProblem(`must be a number${exampleHint(prop)}`);
      }
      if (field.kind === "integer" && !Number.isInteger(number)) {
        throw new FieldProblem("must be a whole number");
      }
      if (prop.minimum !== undefined && number < prop.minimum) {
        throw new FieldProblem(`must be at least ${prop.minimum}`);
      }
      if (prop.maximum !== undefined && number > prop.maximum) {
        throw new FieldProblem(`must be at most ${prop.maximum}`);
      }
      // The number itself when it keeps every digit typed; else the text, which the service
      // reads exactly (12345678901234567890.12 stays as written).
      return String(number) === text ? number : text;
    },
    write(value) {
      input.value = value === null ? "" : String(value);
    },
  };
}

function textAreaControl(field, prop) {
  const input = el("textarea", field.kind === "json" ? "code" : null);
  input.rows = 3;
  input.spellcheck = false;
  const list = field.kind === "list";
  return {
    input,
    read() {
      const text = input.value.trim();
      if (text === "") return undefined;
      if (list) return readList(text, prop.items || {});
      try {
        return JSON.parse(text);
      } catch {
        throw new FieldProblem("is not valid JSON: check the brackets, quotes and commas");
      }
    },
    write(value) {
      if (value === null) input.value = "";
      else input.value = list ? [].concat(value).join("\n") : JSON.stringify(value, null, 2);
    },
  };
}

function readList(text, items) {
  const values = text.split("\n").map((line) => line.trim()).filter(Boolean);
  const pattern = patternOf(items);
  const bad = pattern ? values.find((value) => !pattern.test(value)) : undefined;
  if (bad !== undefined) throw new FieldProblem(`"${bad}" is not in the expected form`);
  return values;
}

function textControl(field, prop) {
  const example = exampleText(prop) || "";
  const long = example.length > LONG_TEXT || Boolean(prop.contentMediaType);
  const input = el(long ? "textarea" : "input", long ? "code" : null);
  if (long) {
    input.rows = 4;
    input.spellcheck = false;
  } else {
    input.type = { date: "date", secret: "password" }[field.kind] || "text";
    input.autocomplete = field.kind === "secret" ? "new-password" : "off";
  }
  const pattern = patternOf(prop);
  return {
    input,
    read() {
      if (input.validity.badInput) throw new FieldProblem("is not a date");
      const text = input.value;
      if (text.trim() === "") return undefined;
      if (pattern && !pattern.test(text)) {
        throw new FieldProblem(`is not in the expected form${exampleHint(prop)}`);
      }
      if (prop.maxLength && text.length > prop.maxLength) {
        throw new FieldProblem(`must be at most ${prop.maxLength} characters`);
      }
      return text;
    },
    write(value) {
      input.value = value === null ? "" : String(value);
    },
  };
}

function comboboxControl(field, prop, context) {
  const source = sourceOf(prop);
  const example = exampleText(prop);
  let basis = null; // the data source's inputs the shown value was chosen under, as JSON
  const resolved = () => context.resolveInputs(source);
  const combobox = createCombobox({
    id: fieldId(field.path, context.idPrefix),
    label: field.title,
    placeholder: example === undefined ? "Type to search" : `Type to search, e.g. ${example}`,
    load(page) {
      const inputs = resolved();
      basis = JSON.stringify(inputs);
      return context.loadItems(source.key, inputs, page);
    },
  });
  for (const name of dependenciesOf(source)) {
    context.watch(name, () => {
      const now = JSON.stringify(resolved());
      if (now === basis) return;
      basis = now;
      combobox.refresh(`${context.titleOf(name)} changed: choose again.`);
    });
  }
  combobox.onChoose(() => context.changed(field));
  return {
    input: combobox.input,
    element: combobox.element,
    read: () => combobox.value(),
    write(value, label) {
      combobox.setValue(value === null ? "" : String(value), label);
      // once the form is built, or every input of a link written
      queueMicrotask(() => (basis = JSON.stringify(resolved())));
    },
    label: () => combobox.chosenLabel(),
  };
}

function exampleHint(prop) {
  const example = exampleText(prop);
  return example === undefined ? "" : `, such as ${example}`;
}

function helpText(id, prop) {
  if (!prop.description) return null;
  const help = el("p", "help", prop.description);
  help.id = id;
  return help;
}

export function requiredMark() {
  const mark = el("span", "required", " *");
  mark.title = "required";
  return mark;
}

// Read fields into an object; `base` is the path as sent (line indexes count sent lines only).
// A required field left blank is a problem when `checkRequired`, or when a sibling was filled.
// Problems are listed in the order of the fields.
export function readFields(fields, ctx, base, checkRequired) {
  const values = {};
  const found = []; // [field, problem text], in field order
  const missing = new Set();
  for (const field of fields) {
    try {
      const value = field.read(ctx, [...base, field.name]);
      if (value !== undefined) values[field.name] = value;
      else if (field.required) {
        missing.add(field);
        found.push([field, "is required"]);
      }
    } catch (err) {
      if (!(err instanceof FieldProblem)) throw err;
      found.push([field, err.message]);
    }
  }
  const touched = found.length > missing.size || Object.keys(values).length > 0;
  for (const [field, problem] of found) {
    if (missing.has(field) && !checkRequired && !touched) continue;
    ctx.problems.push({ path: formatPath([...base, field.name]), title: field.title, problem });
  }
  return { values, touched };
}

// ["lines", 0, "amount"] -> "lines[0].amount", the service's notation.
export function formatPath(segments) {
  return segments.map((s, i) => (typeof s === "number" ? `[${s}]` : i ? `.${s}` : s)).join("");
}
