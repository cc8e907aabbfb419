// Calls to the connector service. A call is data ({method, path, body}) so the page can both
// send it and show it as a curl command. The bearer token lives in sessionStorage only: never
// in a URL (it would land in logs and history) nor in localStorage (it would outlive the tab).

import { takeFromFragment } from "./urlstate.js";

const TOKEN_KEY = "connector.token";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || `HTTP ${status}`);
    this.status = status;
    this.problem = problem; // {code, detail, problems?, errors?, layer?, ...}
  }
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

// A token handed over as #token=... is kept for the tab and leaves the address bar.
export function adoptTokenFromFragment() {
  const token = takeFromFragment("token");
  if (token) setToken(token);
}

const segment = encodeURIComponent;

// Paths are relative so the page also works when the service sits behind a path prefix.
export const calls = {
  catalog: () => ({ method: "GET", path: "catalog" }),
  connections: () => ({ method: "GET", path: "connections" }),
  addConnection: (name, connection) =>
    ({ method: "POST", path: "connections", body: { name, connection } }),
  testConnection: (name) => ({ method: "POST", path: `connections/${segment(name)}/test` }),
  render: (key, connection, inputs) =>
    ({ method: "POST", path: `actions/${segment(key)}/render`, body: { connection, inputs } }),
  invoke: (key, connection, inputs) =>
    ({ method: "POST", path: `actions/${segment(key)}/invoke`, body: { connection, inputs } }),
  datasource: (key, { connection, inputs, search, limit, cursor }) => ({
    method: "POST",
    path: `datasources/${segment(key)}`,
    body: { connection, inputs, search: search || undefined, limit, cursor: cursor || undefined },
  }),
  poll: (key, { connection, inputs, instance }) =>
    ({ method: "POST", path: `triggers/${segment(key)}/poll`, body: { connection, inputs, instance } }),
  ack: (key, token) => ({ method: "POST", path: `triggers/${segment(key)}/ack`, body: { token } }),
};

export async function send({ method, path, body }) {
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
    throw new ApiError(0, { code: "NetworkError", detail: `The service did not answer: ${err.message}` });
  }
  const payload = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, problemOf(payload, response));
  return payload;
}

// The service's error as problem details (RFC 9457: code, detail and the error's fields).
function problemOf(payload, response) {
  if (payload && payload.code) return payload;
  return { code: `HTTP ${response.status}`, detail: response.statusText };
}
