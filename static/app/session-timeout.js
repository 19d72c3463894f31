// The warning before a signed-in session ends (WCAG 2.2.1, Timing Adjustable). The server ends a session after
// SESSION_IDLE_TIMEOUT without a request, and 8 hours after signing in whatever is done (core/middleware.py). The
// page is given the seconds left of each when it is made, warns the chosen time before the first of them runs out,
// and offers to stay signed in (a POST that starts the idle time again) where that is what runs out. Typing counts
// as activity: when the warning is due and something was typed since the page last reached the server, the session
// is extended without asking. When the time is up the page is asked for again, and the server's sign-in page says
// why the person was signed out.

function words(milliseconds) {
  const seconds = Math.max(1, Math.round(milliseconds / 1000));
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.round(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export function startSessionTimeout(dialog) {
  const idleTimeoutMs = Number(dialog.dataset.idleTimeout) * 1000;
  const warnMs = Number(dialog.dataset.warn) * 1000;
  const token = document.querySelector("#sign-out input[name=csrfmiddlewaretoken]")?.value ?? "";
  const loaded = Date.now();
  const sessionEnds = loaded + Number(dialog.dataset.session) * 1000;
  let idleEnds = loaded + Number(dialog.dataset.idle) * 1000;
  let reached = loaded; // when the page last reached the server
  let typed = 0;
  let timers = [];

  const idleFirst = () => idleEnds <= sessionEnds;
  const ends = () => Math.min(idleEnds, sessionEnds);

  function schedule() {
    timers.forEach(clearTimeout);
    const now = Date.now();
    timers = [setTimeout(warn, Math.max(0, ends() - warnMs - now)), setTimeout(timeUp, Math.max(0, ends() - now))];
  }

  async function stay() {
    const response = await fetch(dialog.dataset.extendUrl, {
      method: "POST",
      headers: { "X-CSRFToken": token },
      credentials: "same-origin",
      redirect: "manual",
    }).catch(() => null);
    if (response?.status !== 204) {
      timeUp(); // already signed out, or the server cannot be reached: the page says which
      return;
    }
    reached = Date.now();
    idleEnds = reached + idleTimeoutMs;
    if (dialog.open) dialog.close();
    schedule();
  }

  function warn() {
    if (idleFirst() && typed > reached) {
      stay();
      return;
    }
    for (const part of dialog.querySelectorAll("[data-when]")) {
      part.hidden = part.dataset.when !== (idleFirst() ? "idle" : "end");
    }
    for (const left of dialog.querySelectorAll("[data-left]")) left.textContent = words(ends() - Date.now());
    if (!dialog.open) dialog.showModal();
  }

  function timeUp() {
    timers.forEach(clearTimeout);
    window.location.assign(window.location.href);
  }

  document.addEventListener("input", () => {
    typed = Date.now();
  });
  dialog.querySelector("[data-action=stay]").addEventListener("click", stay);
  dialog.querySelector("[data-action=close]").addEventListener("click", () => dialog.close());
  // Escape closes the dialog: for an idle session that is a choice to stay.
  dialog.addEventListener("cancel", (event) => {
    if (idleFirst()) {
      event.preventDefault();
      stay();
    }
  });
  schedule();
}
