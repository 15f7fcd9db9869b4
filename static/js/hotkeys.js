// Keyboard shortcuts (console.html lists them): Alt+Shift+letter presses the button whose
// aria-keyshortcuts names it, so End by key takes End's own path. Alt+Shift stays clear of
// screen readers' and browsers' keys; text fields keep their keys.

const TYPING = "input:not([type=radio]):not([type=checkbox]), textarea, select, [contenteditable]";

// By key, not character: Option+Shift+M makes "Â" on a Mac.
export function shortcutOf(event) {
  const letter = /^Key([A-Z])$/.exec(event.code || "");
  if (!letter || !event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return null;
  return `Alt+Shift+${letter[1]}`;
}

export function bindHotkeys(root) {
  document.addEventListener("keydown", (event) => {
    const shortcut = shortcutOf(event);
    if (!shortcut || event.target.closest?.(TYPING)) return;
    const button = root.querySelector(`button[aria-keyshortcuts="${shortcut}"]`);
    if (!button || button.disabled || !button.checkVisibility()) return;
    event.preventDefault();
    button.click();
  });
}

bindHotkeys(document.getElementById("console"));
