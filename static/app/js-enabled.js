// Loaded at the top of <body>, before anything is drawn: GOV.UK Frontend styles its components for JavaScript only
// once these classes are on the body, and adding them later would make the page jump.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
