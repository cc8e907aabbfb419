// DOM helpers every module shares.

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function button(text, className, onClick) {
  const node = el("button", className, text);
  node.type = "button";
  if (onClick) node.addEventListener("click", onClick);
  return node;
}

export function option(value, text) {
  const node = el("option", null, text);
  node.value = value;
  return node;
}

// A label only screen readers see: every control keeps a name even in a table cell.
export function hiddenLabel(forId, text) {
  const label = el("label", "visually-hidden", text);
  label.htmlFor = forId;
  return label;
}
