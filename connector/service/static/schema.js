// What a form needs to know about a JSON Schema (2020-12) and the catalog's extensions: the
// control each property gets, its label, choices and example, the sections inputs fall into
// (x-groups / x-group), line-item columns, and the inputs a data source depends on.

function typesOf(prop) {
  return [].concat(prop.type || "string");
}

// The one kind of control a property gets. Among scalar types the first listed wins, so
// ["number", "string"] is a number box and ["string", "number"] (an account number) text.
export function kindOf(prop) {
  if (prop["x-datasource"]) return "datasource";
  if (prop.enum) return "enum";
  const types = typesOf(prop);
  if (types.includes("object")) return prop.properties ? "json" : "pairs";
  if (types.includes("array")) {
    const itemTypes = typesOf(prop.items || {});
    if (itemTypes.length === 1 && itemTypes[0] === "object") return "lines";
    return itemTypes.some((t) => t === "object" || t === "array") ? "json" : "list";
  }
  const first = types.find((t) => t !== "null");
  if (first === "boolean" || first === "integer" || first === "number") return first;
  if (prop.format === "date") return "date";
  if (isSecret(prop)) return "secret";
  return "text";
}

export function isSecret(prop) {
  return prop.format === "password" || prop.writeOnly === true;
}

export function titleOf(name, prop) {
  return prop.title || String(name);
}

// The first example as a person would type it, or undefined.
export function exampleText(prop) {
  const example = (prop.examples || [])[0];
  if (example === undefined || example === null) return undefined;
  if (Array.isArray(example)) {
    return example.every((e) => typeof e !== "object") ? example.join(", ") : undefined;
  }
  return typeof example === "object" ? undefined : String(example);
}

// [{value, label}] of an enum, labelled by x-enum-labels (a list matching enum, or a map).
export function choicesOf(prop) {
  const labels = prop["x-enum-labels"];
  return prop.enum.map((value, i) => {
    const label = Array.isArray(labels) ? labels[i] : labels && labels[String(value)];
    return { value, label: label === undefined || label === null ? String(value) : String(label) };
  });
}

// Sections in the order a person fills them: the inputs of no group first, then each group as
// the schema declares it; within each, required inputs first (in the order `required` lists
// them), then the rest in schema order.
export function sectionsOf(schema) {
  const properties = schema.properties || {};
  const required = new Set(schema.required || []);
  const groups = schema["x-groups"] || {};
  const sections = [{ key: "", title: "", description: "", names: [] }];
  for (const [key, group] of Object.entries(groups)) {
    sections.push({ key, title: group.title || key, description: group.description || "", names: [] });
  }
  const byKey = new Map(sections.map((section) => [section.key, section]));
  for (const [name, prop] of Object.entries(properties)) {
    (byKey.get(prop["x-group"] || "") || byKey.get("")).names.push(name);
  }
  const order = [...required];
  for (const section of sections) {
    section.names = [...order.filter((n) => section.names.includes(n)),
      ...section.names.filter((n) => !required.has(n))];
  }
  return sections.filter((section) => section.names.length);
}

// Line-item columns: the item schema's properties, then keys only the example line has (typed
// by their example values). A column is shown at first when required or in the example.
export function columnsOf(prop) {
  const items = prop.items || {};
  const declared = items.properties || {};
  const required = new Set(items.required || []);
  const line = ((prop.examples || [])[0] || [])[0];
  const example = line && typeof line === "object" ? line : {};
  const columns = Object.entries(declared).map(([name, columnProp]) => ({
    name, prop: columnProp, required: required.has(name),
    shown: required.has(name) || name in example,
  }));
  const types = { number: "number", boolean: "boolean" };
  for (const [name, value] of Object.entries(example)) {
    if (name in declared) continue;
    columns.push({ name, prop: { type: types[typeof value] || "string", examples: [value] },
      required: false, shown: true });
  }
  if (!columns.some((c) => c.shown)) columns.slice(0, 4).forEach((c) => (c.shown = true));
  return columns;
}

// May a line take columns its schema does not list, and what must their names look like?
export function openColumns(prop) {
  const items = prop.items || {};
  if (items.additionalProperties === false) return null;
  return { pattern: (items.propertyNames || {}).pattern };
}

// The data source an input picks from: {key, inputs}. An input value {"$data": "/name"} takes
// the form's input `name` (a JSON Pointer into the inputs), so the list follows it.
export function sourceOf(prop) {
  if (!prop["x-datasource"]) return null;
  return { key: prop["x-datasource"], inputs: prop["x-datasource-inputs"] || {} };
}

export function dependenciesOf(source) {
  return Object.values(source.inputs).map(pointerOf).filter(Boolean)
    .map((pointer) => pointer.split("/")[1]);
}

export function resolveSourceInputs(source, values) {
  const resolved = {};
  for (const [name, value] of Object.entries(source.inputs)) {
    const pointer = pointerOf(value);
    const taken = pointer === null ? value : lookup(values, pointer);
    if (taken !== undefined) resolved[name] = taken;
  }
  return resolved;
}

function pointerOf(value) {
  const isRef = value && typeof value === "object" && typeof value.$data === "string";
  return isRef && value.$data.startsWith("/") ? value.$data : null;
}

function lookup(values, pointer) {
  let node = values;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

// A pattern as JavaScript reads it, or null when it cannot (the server still checks it).
export function patternOf(schema) {
  if (!schema || !schema.pattern) return null;
  try {
    return new RegExp(schema.pattern, "u");
  } catch {
    return null;
  }
}
