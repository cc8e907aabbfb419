// A failed call shown to people: input problems next to their fields in plain words, the
// gateway's errors with their fields (and next to the input they name), anything else as the
// service said it. Nothing here is a traceback.

import { el } from "./dom.js";
import { gatewayProblems } from "./gatewayfields.js";
import { inputPath, plainWords, problemList } from "./problems.js";

const $ = (id) => document.getElementById(id);

export function showErrors(heading, detail) {
  const box = $("errors");
  box.replaceChildren(el("p", "errors-heading", heading));
  if (detail) box.append(detail);
  box.hidden = false;
}

// Problems found in the page before sending: each by its field, all in the list.
export function showLocalProblems(form, problems) {
  form.showProblems(problems);
  showErrors("Check these inputs; nothing was sent.", problemList(problems));
}

// err: an ApiError. `form` shows problems; `inputs` are what was sent, found in the request
// body at `within`.
export function showFailure(err, form, inputs, within = "/inputs") {
  const problem = err.problem || {};
  if (problem.problems) {
    const plain = problem.problems.map((p) => ({ ...p, problem: plainWords(p.problem) }));
    const forInputs = plain.filter((p) => inputPath(p, within) !== null)
      .map((p) => ({ ...p, path: inputPath(p, within) }));
    if (form) form.showProblems(forInputs);
    showErrors("Check these inputs; nothing was sent.", problemList(plain));
  } else if (problem.errors) {
    const where = problem.layer ? ` (${problem.layer})` : "";
    showErrors(`The gateway refused the request${where}.`, gatewayErrors(problem.errors));
    if (form && inputs) {
      form.showProblems(gatewayProblems(problem.errors, inputs, form.names()));
    }
  } else {
    const advice = problem.advice ? ` ${problem.advice}` : "";
    showErrors(`${problem.title || problem.code || "Error"}: ${err.message}${advice}`);
  }
}

// The gateway's own fields, one block per error.
function gatewayErrors(errors) {
  const list = el("div", "gateway-errors");
  for (const e of errors) {
    const block = el("dl", "gateway-error");
    const rows = [["Error", e.errorno], ["Description", e.description], ["Detail", e.description2],
      ["Correction", e.correction], ["Support ID", e.supportId]];
    for (const [term, value] of rows) {
      if (value) block.append(el("dt", null, term), el("dd", null, value));
    }
    list.append(block);
  }
  return list;
}
