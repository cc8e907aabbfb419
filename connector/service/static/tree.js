// A JSON value as people read it: nested objects as a tree that opens level by level, chains
// of one-item lists and one-key objects folded into one line (response › operation[0] ›
// result[0]), a one-item list of text shown as the text, and lists of records as a table.

import { el } from "./dom.js";

const OPEN_DEPTH = 2; // levels open at first in a large value; a small one opens whole
const SMALL = 60; // leaves
const TABLE_COLUMNS = 12;

export function renderTree(value) {
  const root = el("div", "tree");
  root.append(node("", value, leafCount(value, SMALL + 1) <= SMALL ? -Infinity : 0));
  return root;
}

function leafCount(value, stopAt) {
  if (!isContainer(value)) return 1;
  let count = 0;
  for (const inner of Object.values(value)) {
    count += leafCount(inner, stopAt - count);
    if (count >= stopAt) break;
  }
  return count;
}

function isContainer(value) {
  return value !== null && typeof value === "object";
}

// Fold wrappers: [x] -> x and {k: x} -> x, keeping the path for the label.
function fold(label, value) {
  let path = label;
  let inner = value;
  for (;;) {
    if (Array.isArray(inner) && inner.length === 1) {
      path += "[0]";
      inner = inner[0];
    } else if (isContainer(inner) && !Array.isArray(inner) && Object.keys(inner).length === 1
      && isContainer(Object.values(inner)[0])) {
      const [key] = Object.keys(inner);
      path += path ? ` › ${key}` : key;
      inner = inner[key];
    } else {
      return { path, inner };
    }
  }
}

function node(label, value, depth) {
  const { path, inner } = fold(label, value);
  if (!isContainer(inner)) return leaf(path.replace(/(\[0\])+$/, ""), inner);
  const entries = Array.isArray(inner) ? inner.map((v, i) => [`[${i}]`, v]) : Object.entries(inner);
  const details = el("details", "tree-node");
  details.open = depth < OPEN_DEPTH;
  const summary = el("summary");
  summary.append(el("span", "tree-key", path || "result"));
  const size = Array.isArray(inner) ? `${inner.length} item${inner.length === 1 ? "" : "s"}`
    : `${entries.length} field${entries.length === 1 ? "" : "s"}`;
  summary.append(el("span", "tree-size", size));
  details.append(summary);
  const table = Array.isArray(inner) && recordTable(inner);
  if (table) details.append(table);
  else details.append(...entries.map(([key, v]) => node(key, v, depth + 1)));
  return details;
}

function leaf(label, value) {
  const row = el("div", "tree-leaf");
  row.append(el("span", "tree-key", label), valueNode(value));
  return row;
}

function valueNode(value) {
  const kind = value === null ? "null" : typeof value;
  return el("span", `tree-value tree-${kind}`, value === null ? "null" : String(value));
}

// Records (objects whose fields are text, numbers or one-item lists of them) as a table.
function recordTable(list) {
  if (list.length < 2 || !list.every((v) => isContainer(v) && !Array.isArray(v))) return null;
  const flat = list.map((record) => Object.fromEntries(Object.entries(record)
    .map(([k, v]) => [k, Array.isArray(v) && v.length === 1 ? v[0] : v])));
  if (flat.some((record) => Object.values(record).some(isContainer))) return null;
  const columns = [...new Set(flat.flatMap(Object.keys))].slice(0, TABLE_COLUMNS);
  const table = el("table", "records");
  const head = el("tr");
  head.append(...columns.map((c) => {
    const th = el("th", null, c);
    th.scope = "col";
    return th;
  }));
  table.append(el("thead"), el("tbody"));
  table.tHead.append(head);
  for (const record of flat) {
    const row = el("tr");
    row.append(...columns.map((c) => {
      const td = el("td");
      if (c in record) td.append(valueNode(record[c]));
      return td;
    }));
    table.tBodies[0].append(row);
  }
  const scroller = el("div", "records-scroll");
  scroller.append(table);
  return scroller;
}
