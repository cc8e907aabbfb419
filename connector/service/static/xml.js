// Indent request XML for reading. The service sends it on one line; text is never changed.

export function prettyXML(text) {
  const doc = new DOMParser().parseFromString(text, "application/xml");
  if (doc.querySelector("parsererror")) return text; // show what we got rather than nothing
  const declaration = text.startsWith("<?xml") ? `${text.slice(0, text.indexOf("?>") + 2)}\n` : "";
  return declaration + format(doc.documentElement, 0);
}

function format(element, depth) {
  const pad = "  ".repeat(depth);
  const attributes = [...element.attributes]
    .map((a) => ` ${a.name}="${escape(a.value, true)}"`).join("");
  const open = `<${element.nodeName}${attributes}>`;
  const close = `</${element.nodeName}>`;
  const children = [...element.childNodes].filter(
    (node) => node.nodeType !== Node.TEXT_NODE || node.nodeValue.trim() !== "");
  if (!children.some((node) => node.nodeType === Node.ELEMENT_NODE)) {
    return `${pad}${open}${children.map(serialize).join("")}${close}`;
  }
  const inner = children.map((node) =>
    node.nodeType === Node.ELEMENT_NODE ? format(node, depth + 1) : `${pad}  ${serialize(node)}`);
  return [`${pad}${open}`, ...inner, `${pad}${close}`].join("\n");
}

function serialize(node) {
  return node.nodeType === Node.TEXT_NODE ? escape(node.nodeValue, false)
    : new XMLSerializer().serializeToString(node);
}

function escape(text, quotes) {
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return quotes ? escaped.replace(/"/g, "&quot;") : escaped;
}
