// Initialises GOV.UK Frontend and MOJ Frontend components. Loaded as a module with the page's CSP
// nonce; the page itself has no inline script.
import { createAll, initAll as initGovuk } from "./govuk-frontend.min.js";
import { FilterToggleButton, initAll as initMoj } from "./moj-frontend.min.js";

// MOJ's initAll leaves out the filter toggle button (it needs its page's markup): started here
// for every `data-module="moj-filter"`, with MOJ's defaults (hidden until "Show filter").
function init(scope) {
  initGovuk({ scope });
  initMoj({ scope });
  createAll(FilterToggleButton, undefined, { scope });
}

init(document);

// htmx swaps new markup in: initialise the components inside it too.
document.body.addEventListener("htmx:afterSettle", (event) => {
  init(event.target);
});
