// Initialises GOV.UK Frontend and MOJ Frontend components. Loaded as a module with the page's CSP
// nonce; the page itself has no inline script.
import { initAll as initGovuk } from "./govuk-frontend.min.js";
import { initAll as initMoj } from "./moj-frontend.min.js";

initGovuk();
initMoj();

// htmx swaps new markup in: initialise the components inside it too.
document.body.addEventListener("htmx:afterSettle", (event) => {
  initGovuk({ scope: event.target });
  initMoj({ scope: event.target });
});
