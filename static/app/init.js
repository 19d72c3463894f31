// GOV.UK Frontend's components, started once the page is parsed (module scripts are deferred).
// collectstatic points the relative path below at the file's hashed name (core/staticfiles.py); a comment
// above it must not contain the keyword that starts the statement, or Django's rewriting skips the statement.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
