// The console's list of calls still open from earlier (a closed or crashed tab): "End it"
// ends one through the API, as the console's End does. Loaded only when the list is shown.
import { Api } from "./api.js";

const config = JSON.parse(document.getElementById("console-config").textContent);
const api = new Api(config.urls, document.querySelector("[name=csrfmiddlewaretoken]").value);
const list = document.getElementById("open-calls");

async function endCall(button) {
  const item = button.closest("li");
  const error = item.querySelector("[role=alert]");
  button.disabled = true;
  error.hidden = true;
  try {
    await api.endSession(button.dataset.sessionId);
    item.remove();
    if (!list.querySelector("li")) list.remove();
  } catch (failure) {
    error.textContent = failure.message;
    error.hidden = false;
    button.disabled = false;
  }
}

for (const button of list.querySelectorAll("[data-session-id]")) {
  button.addEventListener("click", () => endCall(button));
}
