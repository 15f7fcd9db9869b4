// Calls still open from earlier (a closed or crashed tab), each with "End it", which ends it
// through the API as the console's End does: the list the console shows on load, and the one
// a refused Start shows (too many open calls; console.js).
import { Api } from "./api.js";
import { endButton } from "./end-button.js";

// A refused Start's open calls, into `container`, each with End it; `onEnded` when one ends.
export function listCalls(container, calls, api, onEnded) {
  const list = document.createElement("ul");
  list.className = "refusal__calls";
  for (const call of calls) {
    const item = document.createElement("li");
    const link = Object.assign(document.createElement("a"), { href: call.detail_url, target: "_blank", rel: "noopener" });
    link.textContent = call.kallglot_id;
    const at = new Date(call.started_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    const button = Object.assign(document.createElement("button"), { type: "button", className: "button" });
    button.textContent = "End it";
    const error = Object.assign(document.createElement("span"), { className: "notice--error", hidden: true });
    error.setAttribute("role", "alert");
    item.append(link, `, started ${at} `, button, " ", error);
    endButton(button, error, () => api.endSession(call.id), () => {
      item.remove();
      onEnded();
    });
    list.append(item);
  }
  container.append(list);
}

// The list the console page renders on load, when there is one.
function wireListOnLoad(list) {
  const config = JSON.parse(document.getElementById("console-config").textContent);
  const api = new Api(config.urls, document.querySelector("[name=csrfmiddlewaretoken]").value);
  for (const button of list.querySelectorAll("[data-session-id]")) {
    const item = button.closest("li");
    endButton(button, item.querySelector("[role=alert]"), () => api.endSession(button.dataset.sessionId), () => {
      item.remove();
      if (!list.querySelector("li")) list.remove();
    });
  }
}

const loaded = document.getElementById("open-calls");
if (loaded) wireListOnLoad(loaded);
