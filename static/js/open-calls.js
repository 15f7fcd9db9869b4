// The console's list of calls still open from earlier (a closed or crashed tab): "End it"
// ends one through the API, as the console's End does. Loaded only when the list is shown.
import { Api } from "./api.js";
import { endButton } from "./end-button.js";

const config = JSON.parse(document.getElementById("console-config").textContent);
const api = new Api(config.urls, document.querySelector("[name=csrfmiddlewaretoken]").value);
const list = document.getElementById("open-calls");

for (const button of list.querySelectorAll("[data-session-id]")) {
  const item = button.closest("li");
  endButton(button, item.querySelector("[role=alert]"), () => api.endSession(button.dataset.sessionId), () => {
    item.remove();
    if (!list.querySelector("li")) list.remove();
  });
}
