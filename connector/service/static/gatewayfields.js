// Gateway errors that name an input, attached to it. A gateway speaks of its own field names
// (often upper case: OWNERID for the input ownerId) and quotes values; an error is the input's
// when it names the input (or a line's column) or quotes a value sent for it. Names win over
// values, and a line column named with a value points at the line that holds the value. Words
// of plain lower case ("field", "object") are English, not names.

const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;
const NAME_LIKE = /[A-Z0-9_]/;
const QUOTED = /'([^']+)'|"([^"]+)"/g;
const TOKEN = /[^\s'",;:()!?]+/g;

function normal(name) {
  return String(name).toLowerCase().replace(/[_.-]/g, "");
}

// Every value sent, as {path, name, value}: inputs, line cells, pairs.
function sentLeaves(inputs) {
  const leaves = [];
  for (const [name, value] of Object.entries(inputs)) {
    if (Array.isArray(value) && value.every((v) => v && typeof v === "object")) {
      value.forEach((line, i) => Object.entries(line).forEach(([column, cell]) =>
        leaves.push({ path: `${name}[${i}].${column}`, name: column, value: cell })));
    } else if (value && typeof value === "object" && !Array.isArray(value)) {
      Object.entries(value).forEach(([key, cell]) =>
        leaves.push({ path: `${name}.${key}`, name: key, value: cell }));
    } else {
      leaves.push({ path: name, name, value });
    }
  }
  return leaves;
}

// The values an error text quotes, or names as an ID would be written (with a digit).
function valuesIn(text) {
  const quoted = [...text.matchAll(QUOTED)].map((m) => m[1] || m[2]);
  const ids = (text.match(TOKEN) || []).map((t) => t.replace(/\.$/, ""))
    .filter((t) => t.length >= 3 && /\d/.test(t));
  return new Set([...quoted, ...ids]);
}

function namesIn(text) {
  return new Set((text.match(WORD) || []).filter((w) => NAME_LIKE.test(w)).map(normal));
}

// -> [{path, problem}] for the errors that name an input; `names` are the schema's inputs.
export function gatewayProblems(errors, inputs, names) {
  const leaves = sentLeaves(inputs);
  const found = [];
  for (const error of errors) {
    const text = [error.description, error.description2, error.correction].filter(Boolean).join(" ");
    const words = namesIn(text);
    const values = valuesIn(text);
    const named = leaves.filter((leaf) => NAME_LIKE.test(leaf.name) && words.has(normal(leaf.name)));
    const withValue = named.filter((leaf) => values.has(String(leaf.value)));
    let paths = (withValue.length ? withValue : named).map((leaf) => leaf.path);
    if (!paths.length) paths = names.filter((name) => NAME_LIKE.test(name) && words.has(normal(name)));
    if (!paths.length) {
      paths = leaves.filter((leaf) => values.has(String(leaf.value))).map((leaf) => leaf.path);
    }
    const problem = [error.description2 || error.description, error.correction]
      .filter(Boolean).join(" ");
    for (const path of new Set(paths)) found.push({ path, problem });
  }
  return found;
}
