// The app's own JSON API (design.md §3), with CSRF and its {"error": {code, message}} envelope.

export class ApiError extends Error {
  constructor(status, { code = "error", message = "", param = null, open_calls = null } = {}, retryAfter = null) {
    super(message || `The server answered with status ${status}. Try again in a moment.`);
    this.status = status;
    this.code = code;
    this.param = param;
    this.openCalls = open_calls; // a refusal for too many open calls names them
    this.retryAfter = retryAfter;
    // Worth repeating the same request: no answer at all, or the service is briefly unavailable.
    this.retryable = status === 0 || status === 502 || status === 503;
  }
}

const NETWORK_ERROR = {
  code: "network_error",
  message: "The server can't be reached. Check your connection and try again.",
};

export class Api {
  constructor(urls, csrfToken) {
    this.urls = urls;
    this.csrfToken = csrfToken;
  }

  url(name, id) {
    return this.urls[name].replace("{id}", encodeURIComponent(id));
  }

  async request(method, url, body, headers = {}) {
    let response;
    try {
      response = await fetch(url, {
        method,
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "Content-Type": "application/json",
          "X-CSRFToken": this.csrfToken,
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, NETWORK_ERROR);
    }
    const data = await response.json().catch(() => null);
    if (response.ok && data) return data;
    const retryAfter = Number.parseInt(response.headers.get("Retry-After") || "", 10);
    throw new ApiError(response.status, data && data.error, Number.isNaN(retryAfter) ? null : retryAfter);
  }

  // One Start click = one key. When no answer came back the session may exist: the retry
  // reuses the key so that it cannot create a second one.
  async createSession(body, idempotencyKey) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.request("POST", this.urls.sessions, body, { "Idempotency-Key": idempotencyKey });
      } catch (error) {
        if (!(error.status === 0 && attempt < 3)) throw error;
        await sleep(attempt * 1000);
      }
    }
  }

  async refreshStream(id) {
    return (await this.request("POST", this.url("stream", id), {})).stream;
  }

  // For a page that is going away: the browser sends it after the page is gone. A beacon
  // carries no headers, so the CSRF token goes as a form field.
  beacon(url, fields = {}) {
    return navigator.sendBeacon(url, new URLSearchParams({ csrfmiddlewaretoken: this.csrfToken, ...fields }));
  }

  async endSession(id) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.request("POST", this.url("end", id), {});
      } catch (error) {
        if (!(error.retryable && attempt < 3)) throw error;
        await sleep(attempt * 1000);
      }
    }
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
