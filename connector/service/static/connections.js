// The connections the server holds: their names (never their values), a test of each, and a
// form built from the connection schema that adds one. Secrets typed here are sent once, then
// the form is rebuilt empty; they never enter the address bar, storage or the results pane.

import { calls } from "./api.js";
import { button, el } from "./dom.js";
import { showLocalProblems } from "./failures.js";
import { buildForm } from "./forms.js";
import { showChecks } from "./output.js";

const $ = (id) => document.getElementById(id);
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

// perform(label, call, show, {form, inputs, quiet}) runs a call as the page runs every call.
export function initConnections({ schema, perform, onAdded }) {
  let form = null;

  function newForm() {
    form = buildForm(schema, { loadItems: async () => ({ items: [] }), idPrefix: "connection-" });
    $("connection-fields").replaceChildren(form.element);
    $("connection-name").value = "";
  }

  function nameProblem(name) {
    if (!name) return "is required";
    return NAME.test(name) ? null
      : "use letters, digits, _, . and - (at most 64), starting with a letter or digit";
  }

  $("connection-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    form.clearProblems();
    $("error-name").textContent = "";
    const name = $("connection-name").value.trim();
    const { inputs, problems } = form.collect();
    const problem = nameProblem(name);
    if (problem) problems.unshift({ path: "name", title: "Name", problem });
    if (problems.length) {
      $("error-name").textContent = problem || "";
      showLocalProblems(form, problems);
      $("status").textContent = "Save connection: not sent.";
      return;
    }
    await perform("Save connection", calls.addConnection(name, inputs), () => {
      newForm();
      onAdded(name);
    }, { form, inputs, within: "/connection", quiet: true });
  });

  function test(name) {
    return perform(`Test ${name}`, calls.testConnection(name), showChecks, {});
  }

  newForm();
  return {
    // The names the server holds, each with a test button.
    show(names) {
      $("connection-list").replaceChildren(...names.map((name) => {
        const item = el("li");
        const check = button("Test connection", "secondary small", () => test(name));
        check.dataset.testid = `test-${name}`;
        item.append(el("span", "connection-name", name), check);
        return item;
      }));
      if (!names.length) $("connection-list").append(el("li", "muted", "None yet."));
    },
  };
}
