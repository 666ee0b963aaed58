// The node's HTTP API from the browser: JSON in, JSON out, errors in the API's one shape.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let token = null; // the admin token, in memory only

// GET (or any method) under /api/v1; admin routes get the token, asked for once.
export async function api(path, { method = "GET", body, admin = false } = {}) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (admin) headers.Authorization = `Bearer ${await adminToken()}`;
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (answer && answer.error) || {};
    throw new ApiError(response.status, error.code || String(response.status),
      error.message || response.statusText);
  }
  return answer;
}

// The admin token: from the node itself when this page runs on the node's machine, else pasted.
export async function adminToken() {
  if (token) return token;
  const response = await fetch("/ui/admin-token", { credentials: "same-origin" });
  const answer = await response.json().catch(() => null);
  if (response.ok && answer && answer.token) {
    token = answer.token;
    return token;
  }
  const message = (answer && answer.error && answer.error.message) || "admin token needed";
  const pasted = window.prompt(`${message}\n\nAdmin token:`);
  if (!pasted) throw new ApiError(401, "unauthorized", "no admin token given");
  token = pasted.trim();
  return token;
}
