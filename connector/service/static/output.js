// The results pane: the output as a tree or table (the example output before a run), the
// fields a later step can map, the raw JSON, and the request (inputs, XML, curl).

import { curlCommand } from "./curl.js";
import { el } from "./dom.js";
import { schemaFields, valueAt } from "./outputfields.js";
import { createTabs } from "./tabs.js";
import { renderTree } from "./tree.js";

const $ = (id) => document.getElementById(id);
let tabs = null;
let fields = []; // [{path, type, description}]
let current; // the value whose fields are shown
let moreHandler = null;

export function initOutput() {
  tabs = createTabs($("output-tabs"));
  tabs.select("out-tab-result");
  $("fields-filter").addEventListener("input", drawFields);
  $("copy-curl").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText($("curl").textContent);
      $("copy-curl").textContent = "Copied";
    } catch {
      $("copy-curl").textContent = "Select the text to copy";
    }
    setTimeout(() => ($("copy-curl").textContent = "Copy as curl"), 2000);
  });
  $("more").addEventListener("click", () => moreHandler && moreHandler());
}

function showTab(name) {
  tabs.select(`out-tab-${name}`);
}

// An entry was chosen: its output schema's fields and its example output, not yet run.
// `root` is where the schema's value sits in an answer: "data" for an action's output and a
// trigger's delivery, "items" for a data source's page. Actions and data sources carry the
// schema as output_schema, triggers as output.schema.
export function showEntry(entry, root) {
  clearOutput();
  const schema = entry.output_schema || (entry.output && entry.output.schema);
  fields = schema ? schemaFields(schema).map((f) => ({ ...f, path: joinPath(root, f.path) })) : [];
  const example = entry.example_output;
  if (example !== undefined && example !== null) {
    show(example, "Example output: what a run returns. Run it to see the real one.");
  } else {
    current = undefined;
    drawFields();
  }
}

function joinPath(root, path) {
  return path.startsWith("[") ? `${root}${path}` : `${root}.${path}`;
}

export function showOutput(value, note) {
  show(value, note);
  showTab("result");
}

function show(value, note) {
  current = value;
  $("result-note").textContent = note;
  $("result").replaceChildren(renderTree(value));
  $("output").textContent = JSON.stringify(value, null, 2);
  drawFields();
}

// The leaves under a value, as paths a later step can map, typed by their values.
function leafFields(value, path, found = []) {
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value) ? value.slice(0, 1).map((v) => ["[0]", v])
      : Object.entries(value).map(([k, v]) => [path ? `.${k}` : k, v]);
    for (const [step, inner] of entries) leafFields(inner, path + step, found);
  } else if (path) {
    found.push({ path, type: value === null ? "null" : typeof value, description: "", value });
  }
  return found;
}

// The schema's fields with the shown value's; where the schema stops at an open object (a
// record of any fields), the value's own leaves below it. Without a schema, the value's leaves.
function mappable() {
  if (!fields.length) return current === undefined ? [] : leafFields(current, "");
  return fields.flatMap((field) => {
    const value = current === undefined ? undefined : valueAt(current, field.path);
    if (value !== null && typeof value === "object") {
      const below = leafFields(value, field.path);
      if (below.length) return below.map((leaf) => ({ ...leaf, description: field.description }));
    }
    return [{ ...field, value }];
  });
}

function drawFields() {
  const needle = $("fields-filter").value.trim().toLowerCase();
  const rows = mappable().filter((f) => !needle || f.path.toLowerCase().includes(needle)
    || f.description.toLowerCase().includes(needle));
  $("output-fields").tBodies[0].replaceChildren(...rows.map((f) => {
    const row = el("tr");
    const name = el("td");
    name.append(el("code", null, f.path));
    if (f.description) name.title = f.description;
    const shown = f.value === undefined || typeof f.value === "object" ? "" : String(f.value);
    row.append(name, el("td", "muted", f.type), el("td", "code", shown));
    return row;
  }));
}

export function clearOutput() {
  $("errors").hidden = true;
  $("result-note").textContent = "";
  $("result").replaceChildren();
  $("output").textContent = "";
  $("inputs").textContent = "";
  $("curl").textContent = "";
  $("xml-box").hidden = true;
  setMore(null);
}

export function showRequest(call) {
  $("inputs").textContent = JSON.stringify((call.body && call.body.inputs) || {}, null, 2);
  $("curl").textContent = curlCommand(call);
}

export function showXML(prettyText) {
  $("xml").textContent = prettyText;
  $("xml-box").hidden = false;
  showTab("request");
}

export function setMore(handler) {
  moreHandler = handler;
  $("more").hidden = !handler;
}

// A data source's items, a page at a time.
export function showItems(items, { append = false, total }) {
  let table = $("items");
  if (!append || !table) {
    table = el("table", "records");
    table.id = "items";
    table.dataset.testid = "items";
    const head = el("tr");
    for (const title of ["Label", "Key"]) {
      const th = el("th", null, title);
      th.scope = "col";
      head.append(th);
    }
    table.append(el("thead"), el("tbody"));
    table.tHead.append(head);
    $("result").replaceChildren(table);
  }
  table.tBodies[0].append(...items.map((item) => {
    const row = el("tr");
    row.append(el("td", null, item.label), el("td", "code", item.key));
    return row;
  }));
  $("result-note").textContent = `${total} item${total === 1 ? "" : "s"}`;
  if (!append) {
    current = { items };
    drawFields();
  }
  showTab("result");
}

// A trigger's poll: its events by kind (created, updated, deleted).
export function showEvents(result) {
  const counts = ["created", "updated", "deleted"].map((kind) =>
    `${result.events.filter((e) => e.changeType === kind).length} ${kind}`);
  const notes = [counts.join(", ")];
  if (result.baseline) notes.push("This first poll set the baseline: later changes are reported.");
  if (result.more) notes.push("More changes are waiting: poll again.");
  if (result.deletions && result.deletions.visible === false) {
    notes.push(`Deletions are not visible: ${result.deletions.reason}`);
  }
  $("result-note").textContent = notes.join(" ");
  const table = el("table", "records events");
  table.dataset.testid = "events";
  const head = el("tr");
  for (const title of ["Change", "Record", "Event"]) {
    const th = el("th", null, title);
    th.scope = "col";
    head.append(th);
  }
  table.append(el("thead"), el("tbody"));
  table.tHead.append(head);
  for (const event of result.events) {
    const row = el("tr");
    row.dataset.change = event.changeType;
    const record = el("details", "event-record");
    record.append(el("summary", null, summary(event.record)), renderTree(event.record));
    const cell = el("td");
    cell.append(record);
    row.append(el("td", `change change-${event.changeType}`, event.changeType), cell,
      el("td", "code", event.id));
    table.tBodies[0].append(row);
  }
  const scroller = el("div", "records-scroll");
  scroller.append(table);
  $("result").replaceChildren(scroller);
  $("output").textContent = JSON.stringify(result, null, 2);
  current = (result.outputs || [])[0]; // the first delivery: what a workflow step receives
  drawFields();
  showTab("result");
}

// A record in one line: its first few plain fields.
function summary(record) {
  return Object.entries(record || {})
    .filter(([, v]) => v !== null && typeof v !== "object" && String(v) !== "")
    .slice(0, 4).map(([k, v]) => `${k} ${v}`).join(" · ");
}

// A connection test: each check with its outcome.
export function showChecks(result) {
  const list = el("ul", "checks");
  list.dataset.testid = "checks";
  for (const check of result.checks || []) {
    const item = el("li", check.ok ? "check-ok" : "check-failed");
    item.append(el("strong", null, `${check.ok ? "✓" : "✗"} ${check.name}`));
    if (check.detail) item.append(` ${check.detail}`);
    list.append(item);
  }
  $("result-note").textContent = result.ok
    ? `Connection ${result.connection} works.` : `Connection ${result.connection} failed a check.`;
  $("result").replaceChildren(list);
  $("output").textContent = JSON.stringify(result, null, 2);
  showTab("result");
}
