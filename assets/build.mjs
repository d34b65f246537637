// Builds the portal's front end from npm packages at set-up time (`make install`).
//
//   static_build/css/site.css   Bootstrap from its Sass sources (assets/portal.scss), purged
//                               against every template, script and Python file; the icon
//                               rules; then the portal's own stylesheets. One render-blocking file.
//   static_build/fonts/bootstrap-icons-subset.woff2
//                               Bootstrap Icons cut down to the icons the templates name.
//   static_build/js/bootstrap.js
//                               Only the Bootstrap plugins that the templates call on.
//
// Nothing here is copied into the repository: static_build/ is ignored by git, found by
// Django's static finders in dev and tests and gathered by collectstatic in production.
// A new template that uses ordinary Bootstrap 5 classes and `<i class="bi bi-NAME">` icons
// is picked up by the next `make install` (make re-runs this when a template changes).

import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";
import { PurgeCSS } from "purgecss";
import * as sass from "sass";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = process.env.ASSETS_OUT || join(ROOT, "static_build");
const NODE_MODULES = join(ROOT, "node_modules");
const PYTHON = process.env.PYTHON_FOR_ASSETS || join(ROOT, ".venv", "bin", "python");
const APPS = ["portal", "modules", "library", "topics", "debates", "reflections"];
const SKIP_DIRS = new Set(["node_modules", ".venv", ".tools", "migrations", "__pycache__", ".git"]);
// The portal's own stylesheets, appended whole after Bootstrap (never purged).
const OWN_CSS = ["portal.css", "library.css", "reflections.css"].map((name) =>
  join(ROOT, "static", "css", name),
);

function filesUnder(dir, extensions) {
  let found = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (SKIP_DIRS.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found = found.concat(filesUnder(path, extensions));
    else if (extensions.some((ext) => entry.endsWith(ext))) found.push(path);
  }
  return found;
}

function sitePackagesDir(pkg) {
  // Where an installed Python package lives (its templates use Bootstrap classes too).
  return execFileSync(PYTHON, [
    "-c",
    `import os, ${pkg}; print(os.path.dirname(${pkg}.__file__))`,
  ])
    .toString()
    .trim();
}

// Everything that can put a class name or an icon name on a page.
// ASSETS_EXTRA_TEMPLATES: one more folder of templates (the tests use it to show that a
// template the build has never seen gets its classes, icons and plugins).
const templates = [join(ROOT, "templates"), process.env.ASSETS_EXTRA_TEMPLATES]
  .filter(Boolean)
  .flatMap((dir) => filesUnder(dir, [".html", ".txt"]));
const scripts = filesUnder(join(ROOT, "static", "js"), [".js"]);
// Apps are found as the top-level folders holding an apps.py, so a new app is scanned too.
const appDirs = readdirSync(ROOT).filter((name) => {
  try {
    return statSync(join(ROOT, name, "apps.py")).isFile();
  } catch {
    return false;
  }
});
const pythonFiles = [...new Set([...APPS, ...appDirs])].flatMap((app) =>
  filesUnder(join(ROOT, app), [".py", ".html"]),
);
const packageTemplates = ["crispy_bootstrap5", "allauth"].flatMap((pkg) =>
  filesUnder(join(sitePackagesDir(pkg), "templates"), [".html"]),
);

// --- JavaScript: the Bootstrap plugins the templates use -----------------------------------
const PLUGIN_OF = {
  collapse: "collapse",
  dropdown: "dropdown",
  modal: "modal",
  offcanvas: "offcanvas",
  tab: "tab",
  pill: "tab",
  list: "tab",
  tooltip: "tooltip",
  popover: "popover",
  button: "button",
  alert: "alert",
  toast: "toast",
  carousel: "carousel",
  scroll: "scrollspy",
};
// The header's menu and dismissible messages are on every page.
const plugins = new Set(["collapse", "alert"]);
const markup = [...templates, ...scripts, ...pythonFiles]
  .map((file) => readFileSync(file, "utf8"))
  .join("\n");
for (const match of markup.matchAll(/data-bs-(?:toggle|dismiss|ride|spy)=["']?([a-z]+)/g)) {
  if (PLUGIN_OF[match[1]]) plugins.add(PLUGIN_OF[match[1]]);
}
for (const match of markup.matchAll(/bootstrap\.([A-Z][a-zA-Z]+)/g)) {
  const name = match[1].toLowerCase();
  if (PLUGIN_OF[name] || name === "scrollspy") plugins.add(PLUGIN_OF[name] || name);
}
const pluginList = [...plugins].sort();
const className = (name) => (name === "scrollspy" ? "ScrollSpy" : name[0].toUpperCase() + name.slice(1));
const entry =
  pluginList
    .map((name) => `import ${className(name)} from "bootstrap/js/src/${name}.js";`)
    .join("\n") + `\nwindow.bootstrap = { ${pluginList.map(className).join(", ")} };\n`;
mkdirSync(join(OUT, "js"), { recursive: true });
const bundle = await esbuild.build({
  stdin: { contents: entry, resolveDir: ROOT, sourcefile: "bootstrap-entry.js" },
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2019"],
  legalComments: "none",
  write: false,
});
const bootstrapJs = bundle.outputFiles[0].text;
writeFileSync(join(OUT, "js", "bootstrap.js"), bootstrapJs);

// --- Icons: a subset of Bootstrap Icons with the names the templates use -------------------
const iconMap = JSON.parse(
  readFileSync(join(NODE_MODULES, "bootstrap-icons", "font", "bootstrap-icons.json"), "utf8"),
);
const icons = new Set();
const keep = (name) => {
  if (Object.hasOwn(iconMap, name)) icons.add(name);
};
const templateText = [...templates, ...scripts]
  .map((file) => readFileSync(file, "utf8"))
  .join("\n");
// 1. Literal names: bi-pencil.
for (const match of templateText.matchAll(/\bbi-([a-z0-9]+(?:-[a-z0-9]+)*)/g)) keep(match[1]);
// 2. Names built in a template: bi-{% if done %}check-circle{% else %}circle{% endif %} or
//    bi-{{ icon|default:'inbox' }}: every word of that attribute that names an icon.
for (const match of templateText.matchAll(/\bbi-\{[^"]*/g)) {
  for (const word of match[0].matchAll(/[a-z0-9]+(?:-[a-z0-9]+)*/g)) keep(word[0]);
}
// 3. Names passed to an include (icon="journal-text") or quoted in a script or Python file.
for (const match of [...templateText.matchAll(/(?:icon\w*)\s*[=:]\s*["']([a-z0-9-]+)["']/g)])
  keep(match[1]);
// Quoted names in scripts and Python: addButton("Expand all", "arrows-expand"), "play-btn".
for (const file of [...scripts, ...pythonFiles]) {
  for (const match of readFileSync(file, "utf8").matchAll(/["']([a-z0-9]+(?:-[a-z0-9]+)*)["']/g))
    keep(match[1]);
}
const iconList = [...icons].sort();
mkdirSync(join(OUT, "fonts"), { recursive: true });
const fontName = "bootstrap-icons-subset.woff2";
execFileSync(PYTHON, [
  "-m",
  "fontTools.subset",
  join(NODE_MODULES, "bootstrap-icons", "font", "fonts", "bootstrap-icons.woff2"),
  `--unicodes=${iconList.map((name) => iconMap[name].toString(16)).join(",")}`,
  "--flavor=woff2",
  "--no-hinting",
  "--layout-features=",
  `--output-file=${join(OUT, "fonts", fontName)}`,
]);
const iconCss =
  `@font-face{font-display:block;font-family:"bootstrap-icons";` +
  `src:url("../fonts/${fontName}") format("woff2")}` +
  // Every icon is 1em square, reserved before the font arrives, so nothing moves when it does.
  `.bi::before,[class^="bi-"]::before,[class*=" bi-"]::before{display:inline-block;` +
  `width:1em;font-family:bootstrap-icons!important;font-style:normal;` +
  `font-weight:normal!important;font-variant:normal;text-transform:none;line-height:1;` +
  `vertical-align:-.125em;-webkit-font-smoothing:antialiased;-moz-osx-font-smoothing:grayscale}` +
  iconList
    .map((name) => `.bi-${name}::before{content:"\\${iconMap[name].toString(16)}"}`)
    .join("");

// --- CSS: Bootstrap compiled from Sass, purged against everything above ---------------------
const compiled = sass.compile(join(ROOT, "assets", "portal.scss"), {
  loadPaths: [NODE_MODULES],
  style: "expanded",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "color-functions", "if-function"],
});
const [purged] = await new PurgeCSS().purge({
  content: [
    ...[...templates, ...scripts, ...pythonFiles, ...packageTemplates].map((file) => ({
      raw: readFileSync(file, "utf8"),
      extension: file.split(".").pop(),
    })),
    // Classes the Bootstrap plugins add as they run (show, collapsing, modal-backdrop...).
    { raw: bootstrapJs, extension: "js" },
  ],
  css: [{ raw: compiled.css }],
  safelist: {
    // Message levels and statuses reach class names through template variables
    // (alert-{{ message.tags }}): keep every colour of these components.
    standard: [
      /^(alert|btn|btn-outline|text-bg|bg|text|border|badge|link)-(primary|secondary|success|info|warning|danger|light|dark)$/,
    ],
  },
  keyframes: true,
  fontFace: true,
});
const own = OWN_CSS.map((file) => `/* ${relative(ROOT, file)} */\n${readFileSync(file, "utf8")}`);
const css = [purged.css, iconCss, ...own].join("\n");
const minified = await esbuild.transform(css, { loader: "css", minify: true, legalComments: "none" });
mkdirSync(join(OUT, "css"), { recursive: true });
writeFileSync(join(OUT, "css", "site.css"), minified.code);

const kib = (text) => `${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB`;
console.log(
  `assets: css/site.css ${kib(minified.code)} (Bootstrap ${kib(compiled.css)} before purging); ` +
    `js/bootstrap.js ${kib(bootstrapJs)} [${pluginList.join(", ")}]; ` +
    `fonts/${fontName} ${iconList.length} icons ` +
    `(${(statSync(join(OUT, "fonts", fontName)).size / 1024).toFixed(1)} KiB)`,
);
