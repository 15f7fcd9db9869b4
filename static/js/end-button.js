// An "End" button for a call that no console runs any more (a History page, the console's list
// of calls open from earlier): `end()` ends it; on failure its message shows in `error`.
export function endButton(button, error, end, onEnded) {
  button.addEventListener("click", async () => {
    button.disabled = true;
    error.hidden = true;
    try {
      onEnded(await end()); // the call as the server has it now
    } catch (failure) {
      error.textContent = failure.message;
      error.hidden = false;
      button.disabled = false;
    }
  });
}
