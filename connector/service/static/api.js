// Calls to the connector service. The bearer token lives in sessionStorage only: never in a
// URL query (it would land in server logs) nor in localStorage (it would outlive the tab).

const TOKEN_KEY = "connector.token";

class ApiError extends Error {
  constructor(status, error) {
    super(error.detail || `HTTP ${status}`);
    this.status = status;
    this.error = error; // the service's problem details: {"code", "detail", "problems", ...}
  }
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

// Take a token handed over as #token=... and drop it from the address bar and history.
export function adoptTokenFromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get("token");
  if (token) {
    setToken(token);
    history.replaceState(null, "", location.pathname + location.search);
  }
}

// Paths are relative so the page also works when the service sits behind a path prefix.
async function request(method, path, body) {
  const headers = { Authorization: `Bearer ${getToken()}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    const message = `The service did not answer: ${err.message}`;
    throw new ApiError(0, { code: "NetworkError", detail: message });
  }
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const problem = payload && payload.code ? payload : { detail: response.statusText };
    throw new ApiError(response.status, problem);
  }
  return payload;
}

export const api = {
  catalog: () => request("GET", "catalog"),
  connections: () => request("GET", "connections"),
  render: (key, inputs) => request("POST", `actions/${encodeURIComponent(key)}/render`, { inputs }),
  invoke: (key, connection, inputs) =>
    request("POST", `actions/${encodeURIComponent(key)}/invoke`, { connection, inputs }),
  datasource: (key, connection, inputs, search = "", limit = 50) =>
    request("POST", `datasources/${encodeURIComponent(key)}`,
      { connection, inputs, search, limit }),
};
