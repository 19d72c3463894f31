// GOV.UK Frontend's components, started once the page is parsed (module scripts are deferred).
// collectstatic points the relative paths below at the files' hashed names (core/staticfiles.py); a comment
// above them must not contain the keyword that starts the statement, or Django's rewriting skips the statement.
import { initAll } from "../govuk/govuk-frontend.min.js";
import { startSessionTimeout } from "./session-timeout.js";

initAll();

const sessionTimeout = document.getElementById("session-timeout");
if (sessionTimeout) startSessionTimeout(sessionTimeout);
