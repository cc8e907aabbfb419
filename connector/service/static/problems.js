// Problems as people read them, next to the fields they are about. The service reports each
// problem with the path of its input (lines[0].amount); the page finds the field on the page
// (line numbers on the page differ from the lines sent when blank lines were left out) and
// words validator jargon plainly ("{} is not of type ['string', 'number']" -> "must be text
// or a number").

import { el } from "./dom.js";

// "lines[0].amount" -> ["lines", "0", "amount"]
export function parsePath(path) {
  return String(path || "").split(/[.[\]]+/).filter(Boolean);
}

// A problem's path in a form, from its JSON Pointer in the request body: "/inputs/lines/0/amount"
// -> "lines[0].amount" (`within` is where the form's values sit in the body). null for a
// problem with the request itself (a connection name, a header).
export function inputPath(problem, within = "/inputs") {
  const prefix = `${within}/`;
  if (!problem.pointer || !problem.pointer.startsWith(prefix)) return null;
  return problem.pointer.slice(prefix.length).split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s, i) => (/^\d+$/.test(s) && i ? `[${s}]` : i ? `.${s}` : s)).join("");
}

// Sent line indexes -> the lines on the page (blank lines were not sent).
export function pageSegments(segments, rowIndex) {
  return segments.map((segment, i) => {
    if (!/^\d+$/.test(segment)) return segment;
    const lines = rowIndex.get(formatSegments(segments.slice(0, i)));
    const onPage = lines ? lines[Number(segment)] : undefined;
    return onPage === undefined ? segment : String(onPage);
  });
}

function formatSegments(segments) {
  return segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i ? `.${s}` : s)).join("");
}

// Where a problem goes: the innermost field on the page its path points into, the box its
// message goes in, and what to say first when the path goes deeper than any field
// ("Line 2: ", "colour: ").
export function fieldFor(root, segments) {
  for (let n = segments.length; n > 0; n--) {
    const node = root.querySelector(`[data-field="${CSS.escape(segments.slice(0, n).join("-"))}"]`);
    if (!node) continue;
    const rest = segments.slice(n);
    let box = node;
    let prefix = rest.length ? `${rest.join(".")}: ` : "";
    if (!box.querySelector(":scope > .field-error")) {
      const line = [...node.parentElement.children].indexOf(node) + 1;
      prefix = `Line ${line}${rest.length ? `, ${rest.join(".")}` : ""}: `;
      box = node.parentElement.closest("[data-field]");
    }
    return { box, errors: box.querySelector(":scope > .field-error"), prefix, exact: !rest.length };
  }
  return null;
}

export function problemList(problems) {
  const list = el("ul", "problems");
  for (const p of problems) {
    const item = el("li");
    const where = p.title && p.path && p.title !== p.path ? `${p.title} (${p.path})`
      : p.title || p.path;
    if (where) item.append(el("strong", null, `${where}: `));
    item.append(p.problem);
    list.append(item);
  }
  return list;
}

const TYPE_WORDS = {
  string: "text", number: "a number", integer: "a whole number", boolean: "yes or no",
  object: "names and values", array: "a list", null: "empty",
};

function typeWords(text) {
  const names = text.replace(/[[\]'"]/g, "").split(",").map((t) => t.trim()).filter(Boolean);
  const words = names.map((name) => TYPE_WORDS[name] || name);
  return words.length > 1 ? `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`
    : words[0];
}

const PLAIN = [
  [/^.* is not of type (.+)$/s, (m) => `must be ${typeWords(m[1])}`],
  [/^.* is not one of \[(.+)\]$/s, (m) => `must be one of ${m[1].replace(/'/g, "")}`],
  [/^.* does not match .+$/s, () => "is not in the expected form"],
  [/^.* is less than the minimum of (.+)$/s, (m) => `must be at least ${m[1]}`],
  [/^.* is greater than the maximum of (.+)$/s, (m) => `must be at most ${m[1]}`],
  [/^.* is too long$/s, () => "is too long"],
  [/^.* should be non-empty$|^\[\] is too short$/s, () => "needs at least one entry"],
  [/^.* is a required property$/s, () => "is required"],
  [/^.* should not be valid under \{'required': \[(.+)\]\}$/s,
    (m) => `must not include ${m[1].replace(/'/g, "")}`],
  [/^.* should not be valid under .+$/s, () => "is not allowed here"],
  [/^Additional properties are not allowed/s, () => "is not an input this action takes"],
];

// The service's wording, with a validator's jargon (Python's repr of the value and of the
// types) said plainly; anything else as the service said it.
export function plainWords(text) {
  for (const [pattern, say] of PLAIN) {
    const match = pattern.exec(text);
    if (match) return say(match);
  }
  return text;
}
