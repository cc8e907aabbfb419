// The playground page: token, connection and action pickers, the schema-built form, and the
// results pane (request XML, output, errors, data source items).

import { adoptTokenFromFragment, api, getToken, setToken } from "./api.js";
import { el } from "./dom.js";
import { buildForm } from "./forms.js";
import { prettyXML } from "./xml.js";

const $ = (id) => document.getElementById(id);

const UNAUTHORIZED = "Unauthorized: the service refused the access token. "
  + "Paste the token that \"connector serve\" printed.";

const state = {
  catalog: null,
  tab: "action", // or "datasource"
  current: null, // {kind, entry, form}
  forms: new Map(), // "kind:key" -> form, so switching back keeps what was typed
};

adoptTokenFromFragment();
wire();
start();

async function start() {
  if (!getToken()) {
    askForToken("Paste the access token that \"connector serve\" printed to use the playground.");
    return;
  }
  try {
    const [catalog, { connections }] = await Promise.all([api.catalog(), api.connections()]);
    state.catalog = catalog;
    showCatalog(catalog, connections);
  } catch (err) {
    if (err.status === 401) askForToken(UNAUTHORIZED);
    else banner(`Could not load the catalog: ${err.message}`);
  }
}

function wire() {
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    setToken($("token").value.trim());
    $("token").value = "";
    $("token-panel").hidden = true;
    banner(null);
    start();
  });
  $("change-token").addEventListener("click", () => askForToken(null));
  for (const kind of ["action", "datasource"]) {
    $(`tab-${kind}`).addEventListener("click", () => showTab(kind));
    $(`${kind}-picker`).addEventListener("change", (event) => select(kind, event.target.value));
  }
  // Only the selected tab is in the tab order; arrows move between tabs (ARIA tabs pattern).
  $("tab-action").parentElement.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    const other = state.tab === "action" ? "datasource" : "action";
    showTab(other);
    $(`tab-${other}`).focus();
  });
  $("filter").addEventListener("input", filterPicker);
  $("preview").addEventListener("click", preview);
  $("run").addEventListener("click", run);
  $("list-items").addEventListener("click", listItems);
}

function askForToken(message) {
  banner(message);
  $("token-panel").hidden = false;
  $("token").focus();
}

function banner(message) {
  $("banner").textContent = message || "";
  $("banner").hidden = !message;
}

function showCatalog(catalog, connections) {
  const { label, version } = catalog.connector;
  $("connector-name").textContent = `${label} ${version || ""}`.trim();
  fillSelect($("connection"), connections.map((c) => [c.name, c.name]));
  $("connection").disabled = connections.length === 0;
  if (!connections.length) {
    banner("The service has no connection configured: Run and data sources are unavailable.");
  }
  fillSelect($("action-picker"),
    [["", "Choose an action…"], ...catalog.actions.map((a) => [a.key, a.label])]);
  fillSelect($("datasource-picker"),
    [["", "Choose a data source…"], ...catalog.datasources.map((d) => [d.key, d.label])]);
  $("workspace").hidden = false;
  $("topbar-controls").hidden = false;
}

function fillSelect(select, pairs) {
  select.replaceChildren(...pairs.map(([value, text]) => {
    const option = el("option", null, text);
    option.value = value;
    return option;
  }));
}

function showTab(kind) {
  state.tab = kind;
  for (const other of ["action", "datasource"]) {
    const tab = $(`tab-${other}`);
    tab.setAttribute("aria-selected", String(other === kind));
    tab.tabIndex = other === kind ? 0 : -1;
    $(`panel-${other}`).hidden = other !== kind;
  }
  filterPicker();
  select(kind, $(`${kind}-picker`).value);
}

// Hide the picker's entries whose label, key or description lack the filter text.
function filterPicker() {
  const text = $("filter").value.trim().toLowerCase();
  const entries = state.tab === "action" ? state.catalog.actions : state.catalog.datasources;
  const byKey = new Map(entries.map((e) => [e.key, e]));
  for (const option of $(`${state.tab}-picker`).options) {
    const entry = byKey.get(option.value);
    if (!entry) continue; // the "Choose…" line stays
    option.hidden = Boolean(text)
      && ![entry.label, entry.key, entry.description].join(" ").toLowerCase().includes(text);
  }
}

function select(kind, key) {
  const entries = kind === "action" ? state.catalog.actions : state.catalog.datasources;
  const entry = entries.find((e) => e.key === key);
  clearResults();
  if (!entry) {
    state.current = null;
    $("entry").hidden = true;
    return;
  }
  const formKey = `${kind}:${key}`;
  if (!state.forms.has(formKey)) state.forms.set(formKey, buildForm(entry.schema, { loadItems }));
  const form = state.forms.get(formKey);
  state.current = { kind, entry, form };
  $("entry-title").textContent = entry.label;
  $("entry-key").textContent = entry.key;
  $("entry-description").textContent = entry.description || "";
  $("form").replaceChildren(form.element);
  $("datasource-options").hidden = kind !== "datasource";
  $("preview").hidden = kind !== "action";
  $("run").hidden = kind !== "action";
  $("list-items").hidden = kind !== "datasource";
  $("status").textContent = kind === "action"
    ? "Fill the inputs, then preview the request XML or run the action."
    : "Fill the inputs, then list the items.";
  $("entry").hidden = false;
}

// For inputs with x-datasource: the items matching what the user typed.
async function loadItems(datasource, inputs, search) {
  const { items } = await api.datasource(datasource, $("connection").value, inputs, search, 50);
  return items;
}

async function preview() {
  const { entry } = state.current;
  await submit("Preview", (inputs) => api.render(entry.key, inputs), ({ xml }) => {
    $("xml").textContent = prettyXML(xml);
    $("xml-box").hidden = false;
  });
}

async function run() {
  const { entry } = state.current;
  const send = (inputs) => api.invoke(entry.key, $("connection").value, inputs);
  await submit("Run", send, (result) => {
    $("output").textContent = JSON.stringify(result, null, 2);
    $("output-box").hidden = false;
  });
}

async function listItems() {
  const { entry } = state.current;
  const search = $("ds-search").value.trim();
  const limit = Number($("ds-limit").value) || 50;
  await submit("List items",
    (inputs) => api.datasource(entry.key, $("connection").value, inputs, search, limit),
    ({ items }) => {
      $("items").tBodies[0].replaceChildren(...items.map((item) => {
        const row = el("tr");
        row.append(el("td", null, item.label), el("td", "code", item.key));
        return row;
      }));
      $("items-title").textContent = `${items.length} item${items.length === 1 ? "" : "s"}`;
      $("items-box").hidden = false;
    });
}

// Check the form, send it, and show the answer or the error. Nothing is sent while a required
// input is blank or a JSON input does not parse.
async function submit(label, send, show) {
  const { form } = state.current;
  clearResults();
  const { inputs, problems } = form.collect();
  $("inputs").textContent = JSON.stringify(inputs, null, 2);
  $("inputs-box").hidden = false;
  if (problems.length) {
    form.showProblems(problems);
    showErrors("Check these inputs; nothing was sent.", problemList(problems));
    $("status").textContent = `${label}: not sent.`;
    return;
  }
  const buttons = [$("preview"), $("run"), $("list-items")];
  buttons.forEach((b) => (b.disabled = true));
  $("status").textContent = `${label}: waiting for the service…`;
  const started = performance.now();
  try {
    const result = await send(inputs);
    $("status").textContent = `${label}: done in ${Math.round(performance.now() - started)} ms.`;
    show(result);
  } catch (err) {
    $("status").textContent = `${label}: failed${err.status ? ` (HTTP ${err.status})` : ""}.`;
    showFailure(err, form);
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

function showFailure(err, form) {
  const error = err.error || {};
  if (err.status === 401) {
    showErrors(UNAUTHORIZED);
    askForToken(UNAUTHORIZED);
  } else if (error.problems) {
    form.showProblems(error.problems);
    showErrors("Invalid input; nothing was sent.", problemList(error.problems));
  } else if (error.errors) {
    const layer = error.layer ? ` (${error.layer})` : "";
    showErrors(`${error.code}${layer}: the gateway refused the request.`,
      gatewayErrors(error.errors));
  } else {
    showErrors(`${error.code || "Error"}: ${err.message}`);
  }
}

function showErrors(heading, detail) {
  const box = $("errors");
  box.replaceChildren(el("p", "errors-heading", heading));
  if (detail) box.append(detail);
  box.hidden = false;
}

function problemList(problems) {
  const list = el("ul", "problems");
  for (const p of problems) {
    const item = el("li");
    const where = p.title && p.title !== p.path ? `${p.title} (${p.path})` : p.path;
    if (where) item.append(el("strong", null, `${where}: `));
    item.append(p.problem);
    list.append(item);
  }
  return list;
}

// Intacct's own fields, one block per <error>.
function gatewayErrors(errors) {
  const list = el("div", "gateway-errors");
  for (const e of errors) {
    const block = el("dl", "gateway-error");
    const rows = [["Error", e.errorno], ["Description", e.description], ["Detail", e.description2],
      ["Correction", e.correction], ["Support ID", e.supportId]];
    for (const [term, value] of rows) {
      if (!value) continue;
      block.append(el("dt", null, term), el("dd", null, value));
    }
    list.append(block);
  }
  return list;
}

function clearResults() {
  if (state.current) state.current.form.clearProblems();
  for (const id of ["errors", "inputs-box", "xml-box", "output-box", "items-box"]) {
    $(id).hidden = true;
  }
}
