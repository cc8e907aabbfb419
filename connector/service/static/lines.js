// Line items as a table: one row per line, one typed column per field a line takes, labelled
// from the item schema (else the example line's names). Lines can be added, removed and
// reordered; columns the schema lists but the example does not, or any name when lines are
// open-ended, can be added. Blank lines are not sent.

import { button, el, option } from "./dom.js";
import { buildField, fieldId, formatPath, readFields, requiredMark } from "./fields.js";
import { columnsOf, openColumns, patternOf, titleOf } from "./schema.js";

export function buildLines(path, prop, required, context) {
  const name = path[path.length - 1];
  const title = titleOf(name, prop);
  const key = path.join("-");
  const columns = columnsOf(prop);
  const open = openColumns(prop);
  const namePattern = open && patternOf({ pattern: open.pattern });

  const wrapper = el("fieldset", "field field-lines");
  wrapper.dataset.field = key;
  const legend = el("legend", null, title);
  if (required) legend.append(requiredMark());
  const table = el("table", "lines");
  const head = el("tr");
  table.append(el("thead"), el("tbody"));
  table.tHead.append(head);
  const body = table.tBodies[0];
  const scroller = el("div", "lines-scroll");
  scroller.append(table);
  const error = el("div", "field-error");
  error.id = `${context.idPrefix}error-${key}`;
  error.setAttribute("aria-live", "polite");
  const tools = el("div", "line-tools");
  wrapper.append(legend);
  if (prop.description) wrapper.append(el("p", "help", prop.description));
  wrapper.append(scroller, tools, error);

  const rows = []; // {index, element, cells: Map(column -> field)}
  let sentRows = []; // rows as the last read sent them, for labels
  let next = 0; // a line keeps its index (and its ids) when lines move or go

  const addLine = button("Add line", "secondary small", () => {
    addRow();
    rows[rows.length - 1].element.querySelector("input, select, textarea")?.focus();
  });
  addLine.dataset.testid = `add-${key}`;
  tools.append(addLine);
  const columnPicker = el("select");
  columnPicker.id = `${fieldId(path, context.idPrefix)}-add-column`;
  columnPicker.setAttribute("aria-label", `Add a column to ${title}`);
  columnPicker.addEventListener("change", () => {
    const column = columns.find((c) => c.name === columnPicker.value);
    if (column) showColumn(column);
    columnPicker.value = "";
  });
  tools.append(columnPicker);
  if (open) tools.append(...otherColumnTools());

  function otherColumnTools() {
    const nameInput = el("input");
    nameInput.id = `${fieldId(path, context.idPrefix)}-new-column`;
    nameInput.type = "text";
    nameInput.autocomplete = "off";
    nameInput.placeholder = "Another column's name";
    nameInput.setAttribute("aria-label", `Name of a column to add to ${title}`);
    const note = el("span", "field-error");
    note.setAttribute("aria-live", "polite");
    const add = button("Add column", "secondary small", () => {
      const column = nameInput.value.trim();
      note.textContent = "";
      if (!column) return;
      if (namePattern && !namePattern.test(column)) {
        note.textContent = `"${column}" is not a valid name: start with a letter or _, then `
          + "letters, digits, _, . or -";
        return;
      }
      const known = columns.find((c) => c.name === column);
      showColumn(known || addColumn(column));
      nameInput.value = "";
    });
    add.dataset.testid = `add-column-${key}`;
    return [nameInput, add, note];
  }

  function addColumn(column) {
    const entry = { name: column, prop: { type: "string" }, required: false, shown: false };
    columns.push(entry);
    return entry;
  }

  function shown() {
    return columns.filter((c) => c.shown);
  }

  function showColumn(column) {
    column.shown = true;
    drawHead();
    for (const row of rows) placeCells(row);
    rows[0]?.cells.get(column.name).focus();
    context.changed(field);
  }

  function drawHead() {
    const cells = [el("th", "line-number", "#")];
    for (const column of shown()) {
      const th = el("th");
      th.scope = "col";
      th.append(el("span", "column-title", titleOf(column.name, column.prop)));
      if (column.required) th.append(requiredMark());
      if (column.prop.title && column.prop.title !== column.name) {
        th.append(el("code", "column-name", column.name));
      }
      if (column.prop.description) th.title = column.prop.description;
      cells.push(th);
    }
    const actions = el("th");
    actions.append(el("span", "visually-hidden", "Line actions"));
    head.replaceChildren(...cells, actions);
    const hidden = columns.filter((c) => !c.shown);
    columnPicker.replaceChildren(option("", "Add a column…"),
      ...hidden.map((c) => option(c.name, titleOf(c.name, c.prop))));
    columnPicker.hidden = hidden.length === 0;
  }

  function cellFor(row, column) {
    if (!row.cells.has(column.name)) {
      const cell = buildField([...path, row.index, column.name], column.prop, column.required,
        context, { cell: true });
      row.cells.set(column.name, cell);
    }
    return row.cells.get(column.name);
  }

  function placeCells(row) {
    const number = el("th", "line-number");
    number.scope = "row";
    const tds = shown().map((column) => {
      const td = el("td");
      td.append(cellFor(row, column).element);
      return td;
    });
    const actions = el("td", "line-actions");
    actions.append(...row.buttons);
    row.element.replaceChildren(number, ...tds, actions);
    renumber();
  }

  // Line numbers follow the order on the page; so do the names screen readers give cells.
  function renumber() {
    rows.forEach((row, i) => {
      row.element.cells[0].textContent = String(i + 1);
      for (const cell of row.cells.values()) {
        cell.element.querySelector("label").textContent = `${cell.title}, line ${i + 1}`;
      }
      const [up, down, remove] = row.buttons;
      up.disabled = i === 0;
      down.disabled = i === rows.length - 1;
      up.setAttribute("aria-label", `Move line ${i + 1} up`);
      down.setAttribute("aria-label", `Move line ${i + 1} down`);
      remove.setAttribute("aria-label", `Remove line ${i + 1}`);
    });
  }

  function move(row, step) {
    const from = rows.indexOf(row);
    const to = from + step;
    if (to < 0 || to >= rows.length) return;
    rows.splice(from, 1);
    rows.splice(to, 0, row);
    body.replaceChildren(...rows.map((r) => r.element));
    renumber();
    context.changed(field);
  }

  function addRow() {
    const index = next++;
    const element = el("tr", "line");
    element.dataset.field = [...path, index].join("-");
    const row = { index, element, cells: new Map() };
    const up = button("↑", "icon", () => move(row, -1));
    const down = button("↓", "icon", () => move(row, 1));
    const remove = button("✕", "icon", () => {
      rows.splice(rows.indexOf(row), 1);
      element.remove();
      renumber();
      context.changed(field);
    });
    up.dataset.testid = `move-up-${element.dataset.field}`;
    down.dataset.testid = `move-down-${element.dataset.field}`;
    remove.dataset.testid = `remove-${element.dataset.field}`;
    row.buttons = [up, down, remove];
    rows.push(row);
    body.append(element);
    placeCells(row);
    return row;
  }

  function rowFields(row) {
    return shown().map((column) => cellFor(row, column));
  }

  const field = {
    name, path, title, required, kind: "lines", prop, element: wrapper,
    focus: () => (rows[0]?.element.querySelector("input, select, textarea") || addLine).focus(),
    read(ctx, sentPath) {
      const values = [];
      const onPage = [];
      sentRows = [];
      for (const row of rows) {
        const result = readFields(rowFields(row), ctx, [...sentPath, values.length], false);
        if (!result.touched) continue;
        values.push(result.values);
        onPage.push(row.index);
        sentRows.push(row);
      }
      ctx.rowIndex.set(formatPath(sentPath), onPage);
      return values.length ? values : undefined;
    },
    // labelAt(["lines", 0, "owner"]) -> the label the URL kept for that cell
    write(lines, labelAt) {
      rows.splice(0).forEach((row) => row.element.remove());
      next = 0;
      [].concat(lines || []).forEach((line, i) => {
        const row = addRow();
        for (const [column, value] of Object.entries(line || {})) {
          const known = columns.find((c) => c.name === column) || addColumn(column);
          if (!known.shown) {
            known.shown = true;
            drawHead();
            rows.forEach(placeCells);
          }
          cellFor(row, known).write(value, labelAt([name, i, column]));
        }
      });
      if (!rows.length) addRow();
    },
    labels(sentPath) {
      return sentRows.flatMap((row, i) => rowFields(row)
        .filter((cell) => cell.label())
        .map((cell) => [formatPath([...sentPath, i, cell.name]), cell.label()]));
    },
  };
  drawHead();
  addRow();
  return field;
}
