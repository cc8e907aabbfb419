// A call as a curl command a person can paste into a shell. The token is never written out:
// the command reads it from $CONNECTOR_SERVICE_TOKEN, the variable `connector serve` reads.

export function curlCommand({ method, path, body }) {
  const url = new URL(path, location.href).href;
  const lines = [`curl -sS -X ${method} ${quote(url)}`,
    "  -H \"Authorization: Bearer $CONNECTOR_SERVICE_TOKEN\""];
  if (body !== undefined) {
    lines.push("  -H 'Content-Type: application/json'", `  --data-raw ${quote(JSON.stringify(body))}`);
  }
  return lines.join(" \\\n");
}

function quote(text) {
  return `'${text.replace(/'/g, "'\\''")}'`;
}
