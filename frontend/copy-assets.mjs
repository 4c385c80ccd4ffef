// Copies the design systems' scripts and the images their CSS needs into static/.
//
// Never copied: the GDS Transport fonts and the crown/crest images and GOV.UK icons, which are
// reserved for GOV.UK; MOJ logos. Only MOJ's interface icons (sortable table arrows, filter, tags).
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const nm = join(root, "node_modules");
const out = join(root, "static");

const copies = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "js/govuk-frontend.min.js"],
  ["@ministryofjustice/frontend/moj/moj-frontend.min.js", "js/moj-frontend.min.js"],
  ["htmx.org/dist/htmx.min.js", "js/htmx.min.js"],
];
for (const [from, to] of copies) {
  mkdirSync(join(out, to, ".."), { recursive: true });
  cpSync(join(nm, from), join(out, to));
}

for (const name of readdirSync(join(root, "frontend/js"))) {
  cpSync(join(root, "frontend/js", name), join(out, "js", name));
}

mkdirSync(join(out, "images"), { recursive: true });
cpSync(join(root, "frontend/images/favicon.svg"), join(out, "images/favicon.svg"));

const imagesOut = join(out, "assets/images");
rmSync(imagesOut, { recursive: true, force: true });
mkdirSync(imagesOut, { recursive: true });
const mojImages = join(nm, "@ministryofjustice/frontend/moj/assets/images");
for (const name of readdirSync(mojImages)) {
  if (name.startsWith("icon-")) cpSync(join(mojImages, name), join(imagesOut, name));
}
console.log("Copied scripts and icons into static/");
