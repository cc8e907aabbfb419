// The fields of an output schema a later step can map, as paths into the output
// (data.records[0].id) with their types and descriptions, and each path's value in a
// result.

const MAX_DEPTH = 12;
const MAX_FIELDS = 2000;

// -> [{path, type, description}] for every leaf the schema describes.
export function schemaFields(schema) {
  const found = [];
  walk(schema || {}, "", 0, found);
  return found;
}

function walk(schema, path, depth, found) {
  if (found.length >= MAX_FIELDS || depth > MAX_DEPTH) return;
  const branches = [schema, ...(schema.allOf || []), ...(schema.anyOf || []), ...(schema.oneOf || [])];
  const properties = Object.assign({}, ...branches.map((b) => b.properties || {}));
  const items = branches.map((b) => b.items).find((i) => i && typeof i === "object");
  if (Object.keys(properties).length) {
    for (const [name, prop] of Object.entries(properties)) {
      walk(prop, path ? `${path}.${name}` : name, depth + 1, found);
    }
  } else if (items) {
    walk(items, `${path}[0]`, depth + 1, found);
  } else if (path) {
    const type = [].concat(schema.type || "any").join(" or ");
    found.push({ path, type, description: schema.description || "" });
  }
}

// The value at a path such as data.records[0].id, or undefined.
export function valueAt(value, path) {
  let node = value;
  for (const part of path.match(/[^.[\]]+/g) || []) {
    if (node === null || typeof node !== "object" || !(part in node)) return undefined;
    node = node[part];
  }
  return node;
}
