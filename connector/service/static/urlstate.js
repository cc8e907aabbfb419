// What the page shows, kept in the address bar's fragment so that a reload or a shared link
// opens the same view with the same inputs. The fragment never reaches a server. Secrets never
// enter it: the token is taken out on arrival and forms leave secret inputs out.

const JSON_KEYS = new Set(["inputs", "labels"]);

function params() {
  return new URLSearchParams(location.hash.slice(1));
}

function write(values) {
  const text = values.toString();
  history.replaceState(null, "", location.pathname + location.search + (text ? `#${text}` : ""));
}

// Read one value and drop it from the address bar and the history entry.
export function takeFromFragment(name) {
  const values = params();
  const value = values.get(name);
  if (value !== null) {
    values.delete(name);
    write(values);
  }
  return value;
}

// -> {view, key, connection, instance, inputs, labels}; a value that does not parse is dropped.
export function readState() {
  const state = {};
  for (const [name, value] of params()) {
    if (!JSON_KEYS.has(name)) {
      state[name] = value;
      continue;
    }
    try {
      const parsed = JSON.parse(value);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) state[name] = parsed;
    } catch {
      // a hand-edited link: open the view without those values
    }
  }
  return state;
}

export function writeState(state) {
  const values = new URLSearchParams();
  for (const [name, value] of Object.entries(state)) {
    if (value === undefined || value === null || value === "") continue;
    if (!JSON_KEYS.has(name)) values.set(name, value);
    else if (Object.keys(value).length) values.set(name, JSON.stringify(value));
  }
  write(values);
}
