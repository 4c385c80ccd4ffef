// Marks the page as able to run GOV.UK Frontend's JavaScript before the components render, so
// their script-only styles apply without a flash. Loaded synchronously at the top of <body>
// (GOV.UK's template does this with an inline script, which our CSP forbids).
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
