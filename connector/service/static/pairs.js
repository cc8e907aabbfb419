// Names and values (custom fields): one row per pair, sent as an object {name: value}. The
// names are checked against the schema's propertyNames pattern before anything is sent.

import { button, el, hiddenLabel } from "./dom.js";
import { FieldProblem, fieldId, requiredMark } from "./fields.js";
import { patternOf, titleOf } from "./schema.js";

export function buildPairs(path, prop, required, context) {
  const name = path[path.length - 1];
  const title = titleOf(name, prop);
  const key = path.join("-");
  const namePattern = patternOf(prop.propertyNames);

  const wrapper = el("fieldset", "field field-pairs");
  wrapper.dataset.field = key;
  const legend = el("legend", null, title);
  if (required) legend.append(requiredMark());
  const list = el("div", "pairs");
  const add = button("Add a name and value", "secondary small", () => {
    addRow();
    rows[rows.length - 1].name.focus();
  });
  add.dataset.testid = `add-${key}`;
  const error = el("div", "field-error");
  error.id = `${context.idPrefix}error-${key}`;
  error.setAttribute("aria-live", "polite");
  wrapper.append(legend);
  if (prop.description) wrapper.append(el("p", "help", prop.description));
  wrapper.append(list, add, error);

  const rows = [];
  let next = 0;

  function addRow(pairName = "", pairValue = "") {
    const index = next++;
    const row = el("div", "pair");
    const nameInput = el("input");
    nameInput.id = `${fieldId(path, context.idPrefix)}-${index}-name`;
    nameInput.value = pairName;
    nameInput.placeholder = "Name";
    const valueInput = el("input");
    valueInput.id = `${fieldId(path, context.idPrefix)}-${index}-value`;
    valueInput.value = pairValue;
    valueInput.placeholder = "Value";
    const entry = { name: nameInput, value: valueInput };
    const remove = button("Remove", "link", () => {
      rows.splice(rows.indexOf(entry), 1);
      row.remove();
      context.changed(field);
    });
    remove.setAttribute("aria-label", `Remove this ${title} pair`);
    for (const input of [nameInput, valueInput]) {
      input.type = "text";
      input.autocomplete = "off";
      input.addEventListener("input", () => context.changed(field));
    }
    row.append(hiddenLabel(nameInput.id, `${title}: name`), nameInput,
      hiddenLabel(valueInput.id, `${title}: value`), valueInput, remove);
    rows.push(entry);
    list.append(row);
  }

  const field = {
    name, path, title, required, kind: "pairs", prop, element: wrapper,
    label: () => undefined,
    focus: () => (rows.length ? rows[0].name : add).focus(),
    read() {
      const values = {};
      for (const row of rows) {
        const pairName = row.name.value.trim();
        const value = row.value.value;
        if (!pairName && !value.trim()) continue;
        if (!pairName) throw new FieldProblem("has a value without a name");
        if (namePattern && !namePattern.test(pairName)) {
          throw new FieldProblem(`"${pairName}" is not a valid name: start with a letter or _, `
            + "then letters, digits, _, . or -");
        }
        if (pairName in values) throw new FieldProblem(`names "${pairName}" twice`);
        values[pairName] = value;
      }
      return Object.keys(values).length ? values : undefined;
    },
    write(value) {
      rows.splice(0).forEach(() => list.firstChild.remove());
      const entries = Array.isArray(value)
        ? value.map((pair) => (Array.isArray(pair) ? pair : [pair.name, pair.value]))
        : Object.entries(value || {});
      entries.forEach(([pairName, pairValue]) => addRow(pairName, String(pairValue ?? "")));
      if (!rows.length) addRow();
    },
  };
  addRow();
  return field;
}
