// The playground page: the token, the catalog, the views (actions, data sources, triggers,
// connections) and the address bar, which keeps what is shown so a page can be reloaded or
// shared.

import { adoptTokenFromFragment, calls, getToken, send, setToken } from "./api.js";
import { initConnections } from "./connections.js";
import { option } from "./dom.js";
import { showErrors, showFailure, showLocalProblems } from "./failures.js";
import { buildForm } from "./forms.js";
import {
  clearOutput,
  initOutput,
  setMore,
  showEntry,
  showEvents,
  showItems,
  showOutput,
  showRequest,
  showXML,
} from "./output.js";
import { createTabs } from "./tabs.js";
import { readState, writeState } from "./urlstate.js";
import { prettyXML } from "./xml.js";

const $ = (id) => document.getElementById(id);

const UNAUTHORIZED = "Unauthorized: the service refused the access token. "
  + "Paste the token that \"connector serve\" printed.";
const KINDS = ["action", "datasource", "trigger"];
const CATALOG_LISTS = { action: "actions", datasource: "datasources", trigger: "triggers" };
const HINTS = {
  action: "Fill the inputs, then preview the request XML or run the action.",
  datasource: "Fill the inputs, then list the items.",
  trigger: "Fill the inputs, then poll: the changes since the last acknowledged poll come back.",
};
const PICKER_PROMPTS = { action: "Choose an action…", datasource: "Choose a data source…",
  trigger: "Choose a trigger…" };
const DROPDOWN_PAGE = 20;
const SAVE_DELAY_MS = 200;

const state = {
  catalog: null,
  view: "action", // a kind, or "connections"
  current: null, // {kind, entry, form}
  forms: new Map(), // "kind:key" -> form, so switching back keeps what was typed
  ackToken: null,
};
let views = null;
let connectionsView = null;
let saveTimer = null;

adoptTokenFromFragment();
wire();
start();

async function start() {
  if (!getToken()) {
    askForToken("Paste the access token that \"connector serve\" printed to use the playground.");
    return;
  }
  try {
    const [catalog, listed] = await Promise.all([send(calls.catalog()), send(calls.connections())]);
    state.catalog = catalog;
    showCatalog(catalog, listed.connections.map((c) => c.name));
    restore(readState());
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
  for (const kind of KINDS) {
    $(`${kind}-picker`).addEventListener("change", (event) => select(kind, event.target.value));
  }
  $("connection").addEventListener("change", saveState);
  $("filter").addEventListener("input", filterPicker);
  $("preview").addEventListener("click", preview);
  $("run").addEventListener("click", run);
  $("list-items").addEventListener("click", listItems);
  $("poll").addEventListener("click", poll);
  $("ack").addEventListener("click", acknowledge);
  $("trigger-instance").addEventListener("input", saveStateSoon);
  initOutput();
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

function entriesOf(kind) {
  return (state.catalog && state.catalog[CATALOG_LISTS[kind]]) || [];
}

function showCatalog(catalog, names) {
  const { label, version } = catalog.connector;
  $("connector-name").textContent = `${label} ${version || ""}`.trim();
  showConnections(names);
  for (const kind of KINDS) {
    fillSelect($(`${kind}-picker`),
      [["", PICKER_PROMPTS[kind]], ...entriesOf(kind).map((e) => [e.key, e.label])]);
  }
  $("tab-trigger").hidden = entriesOf("trigger").length === 0;
  if (!views) {
    views = createTabs($("views"), (id) => showView(id.slice("tab-".length)));
    connectionsView = initConnections({
      schema: catalog.connection.schema,
      perform,
      onAdded: async (name) => {
        const listed = await send(calls.connections());
        showConnections(listed.connections.map((c) => c.name));
        $("connection").value = name;
        $("status").textContent = `Connection ${name} saved; it is now the one calls use.`;
        saveState();
      },
    });
  }
  connectionsView.show(names);
  $("workspace").hidden = false;
  $("topbar-controls").hidden = false;
}

function showConnections(names) {
  const chosen = $("connection").value;
  fillSelect($("connection"), names.map((name) => [name, name]));
  if (names.includes(chosen)) $("connection").value = chosen;
  $("connection").disabled = names.length === 0;
  if (connectionsView) connectionsView.show(names);
  banner(names.length ? null
    : "The service has no connection: add one under Connections to run actions.");
}

function fillSelect(select, pairs) {
  select.replaceChildren(...pairs.map(([value, text]) => option(value, text)));
}

// Open what the address bar names: the view, the connection, the entry and its inputs.
function restore(saved) {
  const view = KINDS.includes(saved.view) || saved.view === "connections" ? saved.view : "action";
  if (saved.connection && [...$("connection").options].some((o) => o.value === saved.connection)) {
    $("connection").value = saved.connection;
  }
  if (saved.instance) $("trigger-instance").value = saved.instance;
  views.select(`tab-${view}`);
  if (KINDS.includes(view) && saved.key) {
    $(`${view}-picker`).value = saved.key;
    select(view, saved.key);
    if (state.current) state.current.form.write(saved.inputs, saved.labels);
  }
  saveState();
}

function saveStateSoon() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveState, SAVE_DELAY_MS);
}

// The address bar follows the page. Never the token, never a secret input.
function saveState() {
  const current = state.current && state.current.kind === state.view ? state.current : null;
  const shared = current ? current.form.shareable() : {};
  writeState({
    view: state.view,
    connection: $("connection").value,
    key: current ? current.entry.key : undefined,
    instance: state.view === "trigger" ? $("trigger-instance").value.trim() : undefined,
    ...shared,
  });
}

function showView(view) {
  state.view = view;
  const isEntry = KINDS.includes(view);
  $("filter-row").hidden = !isEntry;
  $("filter").value = "";
  if (isEntry) {
    filterPicker();
    select(view, $(`${view}-picker`).value);
  } else {
    state.current = null;
    $("entry").hidden = true;
    clearOutput();
    $("status").textContent = "Add a connection, or test one the server holds.";
    saveState();
  }
}

// Hide the picker's entries whose label, key or description lack the filter text.
function filterPicker() {
  const text = $("filter").value.trim().toLowerCase();
  const byKey = new Map(entriesOf(state.view).map((e) => [e.key, e]));
  for (const opt of $(`${state.view}-picker`).options) {
    const entry = byKey.get(opt.value);
    if (!entry) continue; // the "Choose…" line stays
    opt.hidden = Boolean(text)
      && ![entry.label, entry.key, entry.description].join(" ").toLowerCase().includes(text);
  }
}

function select(kind, key) {
  const entry = entriesOf(kind).find((e) => e.key === key);
  clearOutput();
  state.ackToken = null;
  $("ack").disabled = true;
  if (!entry) {
    state.current = null;
    $("entry").hidden = true;
    saveState();
    return;
  }
  const formKey = `${kind}:${key}`;
  if (!state.forms.has(formKey)) {
    state.forms.set(formKey, buildForm(entry.schema, { loadItems, onChange: saveStateSoon }));
  }
  const form = state.forms.get(formKey);
  state.current = { kind, entry, form };
  $("entry-title").textContent = entry.label;
  $("entry-key").textContent = entry.key;
  $("entry-description").textContent = entry.description || "";
  $("form").replaceChildren(form.element);
  $("datasource-options").hidden = kind !== "datasource";
  $("trigger-options").hidden = kind !== "trigger";
  $("preview").hidden = kind !== "action";
  $("run").hidden = kind !== "action";
  $("list-items").hidden = kind !== "datasource";
  $("poll").hidden = kind !== "trigger";
  $("ack").hidden = kind !== "trigger";
  $("status").textContent = HINTS[kind];
  showEntry(entry, kind === "datasource" ? "items" : "data");
  $("entry").hidden = false;
  saveState();
}

// A page of a data source's items for a dropdown.
async function loadItems(source, inputs, { search, cursor }) {
  const call = calls.datasource(source,
    { connection: $("connection").value || undefined, inputs, search, limit: DROPDOWN_PAGE, cursor });
  return send(call);
}

// Run a call the way every call runs: status, busy buttons, the answer or the failure.
// options: {form, inputs, within} to put problems next to fields (the form's values sit at
// `within` in the request body); quiet: not shown as a request (it carries secrets).
async function perform(label, call, show,
  { form = null, inputs = null, within = "/inputs", quiet = false } = {}) {
  $("errors").hidden = true;
  if (!quiet) showRequest(call);
  const buttons = [...document.querySelectorAll(".buttons button, .connection-list button")];
  buttons.forEach((b) => (b.disabled = true));
  $("status").textContent = `${label}: waiting for the service…`;
  const started = performance.now();
  try {
    const result = await send(call);
    $("status").textContent = `${label}: done in ${Math.round(performance.now() - started)} ms.`;
    show(result);
  } catch (err) {
    $("status").textContent = `${label}: failed${err.status ? ` (HTTP ${err.status})` : ""}.`;
    if (err.status === 401) {
      showErrors(UNAUTHORIZED);
      askForToken(UNAUTHORIZED);
    } else {
      showFailure(err, form, inputs, within);
    }
  } finally {
    buttons.forEach((b) => (b.disabled = false));
    $("ack").disabled = !state.ackToken;
  }
}

// Check the form, then run the call it makes. Nothing is sent while an input has a problem.
async function submit(label, makeCall, show) {
  const { form } = state.current;
  form.clearProblems();
  const { inputs, problems } = form.collect();
  if (problems.length) {
    $("errors").hidden = true;
    showLocalProblems(form, problems);
    $("status").textContent = `${label}: not sent.`;
    return;
  }
  await perform(label, makeCall(inputs), (result) => show(result, inputs), { form, inputs });
}

function connectionName() {
  return $("connection").value || undefined;
}

function preview() {
  const { key } = state.current.entry;
  return submit("Preview", (inputs) => calls.render(key, connectionName(), inputs),
    ({ xml }) => showXML(prettyXML(xml)));
}

function run() {
  const { key } = state.current.entry;
  return submit("Run", (inputs) => calls.invoke(key, connectionName(), inputs),
    (result) => showOutput(result, "Output of the run."));
}

function listItems() {
  const { key } = state.current.entry;
  const search = $("ds-search").value.trim();
  const limit = Math.max(1, Number($("ds-limit").value) || 50);
  let shown = 0;
  const page = (inputs, cursor) =>
    calls.datasource(key, { connection: connectionName(), inputs, search, limit, cursor });
  const showPage = (inputs, append) => ({ items, next_cursor: next }) => {
    shown = append ? shown + items.length : items.length;
    showItems(items, { append, total: shown });
    setMore(next ? () => perform("More items", page(inputs, next), showPage(inputs, true)) : null);
  };
  return submit("List items", (inputs) => page(inputs, null),
    (result, inputs) => showPage(inputs, false)(result));
}

function poll() {
  const { key } = state.current.entry;
  const instance = $("trigger-instance").value.trim() || undefined;
  return submit("Poll", (inputs) => calls.poll(key, { connection: connectionName(), inputs, instance }),
    (result) => {
      state.ackToken = result.events.length ? result.ackToken : null;
      showEvents(result);
    });
}

function acknowledge() {
  const { key } = state.current.entry;
  return perform("Acknowledge", calls.ack(key, state.ackToken), ({ acknowledged }) => {
    state.ackToken = null;
    $("status").textContent = `Acknowledged ${acknowledged} event${acknowledged === 1 ? "" : "s"}: `
      + "the next poll will not return them.";
  });
}
