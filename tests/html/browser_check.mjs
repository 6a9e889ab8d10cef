// Loads fmlint's HTML report in a real headless Chromium (driven by
// playwright-core, which never downloads a browser here) and checks it
// against the JSON output of the same run. Run by tests/html_report.rs:
//
//   node browser_check.mjs CONFIG.json
//
// CONFIG: { html, json, filesChecked, screenshot, playwright, chromium,
//           queries: [text, …], filesPerPage }
// The page draws filesPerPage files at a time: what is drawn is checked
// page by page ("Show more" clicked until it is gone).
// Prints one line per check; exits 1 with the reason on the first failure.
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const require = createRequire(join(config.playwright, "package.json"));
const { chromium } = require(config.playwright);
const findings = JSON.parse(readFileSync(config.json, "utf8"));

function fail(message) {
  console.error("FAIL: " + message);
  process.exitCode = 1;
  throw new Error(message);
}
function equal(actual, expected, what) {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) fail(`${what}: the page shows ${a}, the JSON output gives ${e}`);
  console.log(`ok: ${what} = ${a.length > 120 ? a.slice(0, 117) + "..." : a}`);
}
const key = (f) => `${f.path}:${f.span.line}:${f.span.column}:${f.rule}`;
// The findings of the first page: those of the first filesPerPage files.
function firstPage(list) {
  const paths = [...new Set(list.map((f) => f.path))].slice(0, config.filesPerPage);
  return list.filter((f) => paths.includes(f.path));
}
const sorted = (list) => [...list].sort();
const fmt = (n) => n.toLocaleString("en-US");

// What the page's filter keeps, said again from the JSON.
function expected(text, rule, severity) {
  const q = text.trim().toLowerCase();
  return findings.filter((f) =>
    (!severity || f.severity === severity) &&
    (!rule || f.rule === rule) &&
    (!q || `${f.path}\n${f.rule}\n${f.message}`.toLowerCase().includes(q)));
}

const profile = mkdtempSync(join(tmpdir(), "fmlint-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: config.chromium,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 1280, height: 900 },
});
const problems = [];
const requests = [];
try {
  const page = context.pages()[0] || (await context.newPage());
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => requests.push(r.url()));
  const url = pathToFileURL(config.html).href;
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 10000 });
  equal(problems, [], "console errors and page errors after load");
  equal(requests.filter((r) => r !== url), [], "requests besides the file itself");
  equal(await page.evaluate(() => window.pwned === undefined), true, "no injected script ran");

  // Totals.
  const text = (sel) => page.$eval(sel, (n) => n.textContent);
  const errors = findings.filter((f) => f.severity === "error").length;
  const fixes = (a) => findings.filter((f) => f.fix && f.fix.applicability === a).length;
  equal(await text("#total-errors"), fmt(errors), "errors");
  equal(await text("#total-warnings"), fmt(findings.length - errors), "warnings");
  equal(await text("#total-files"), fmt(new Set(findings.map((f) => f.path)).size), "files with findings");
  equal(await text("#files-checked"), fmt(config.filesChecked), "files checked");
  equal(await text("#fixable-safe"), fmt(fixes("safe")), "fixable with --fix");
  equal(await text("#fixable-unsafe"), fmt(fixes("unsafe")), "fixable with --unsafe-fixes");
  equal(await text("#visible-count"), fmt(findings.length), "findings shown before filtering");

  // Per rule, in the page's order (most findings first, then by name).
  const perRule = {};
  for (const f of findings) perRule[f.rule] = (perRule[f.rule] || 0) + 1;
  const rows = Object.entries(perRule).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const shownRules = await page.$$eval(".rule-row", (rs) => rs.map((r) => [r.dataset.rule, Number(r.querySelector(".rule-count").dataset.count)]));
  equal(shownRules, rows, "findings per rule");

  // Every finding is drawn once, a page of files at a time, with its message.
  const drawn = async () => sorted(await page.$$eval(".finding", (ns) => ns.map((n) =>
    `${n.dataset.path}:${n.dataset.line}:${n.dataset.column}:${n.dataset.rule}`)));
  const showAll = async () => {
    let pages = 1;
    while (await page.$eval("#findings-more", (n) => !n.hidden)) {
      await page.click("#findings-more");
      pages++;
    }
    return pages;
  };
  equal(await drawn(), sorted(firstPage(findings).map(key)), "findings drawn (first page)");
  const pages = await showAll();
  equal(await drawn(), sorted(findings.map(key)), `findings drawn (all, ${pages} page(s))`);
  const messages = sorted(await page.$$eval(".finding", (ns) => ns.map((n) => n.dataset.message)));
  equal(messages, sorted(findings.map((f) => f.message)), "messages drawn");
  // What the reader sees: the message's text, its `code` without backticks.
  const seen = sorted(await page.$$eval(".finding .message", (ns) => ns.map((n) => n.textContent)));
  const plain = (m) => m.split("`").map((p, i, ps) => (i % 2 === 1 && i < ps.length - 1 ? p : (i % 2 ? "`" + p : p))).join("");
  equal(seen, sorted(findings.map((f) => plain(f.message))), "messages drawn, as text");

  // The filter box: typed, then the rule and severity selections.
  const check = async (what, textQuery, rule, severity) => {
    const want = expected(textQuery, rule, severity);
    await page.waitForFunction((n) => document.getElementById("visible-count").textContent === n,
      fmt(want.length), { timeout: 5000 }).catch(() => {});
    equal(await text("#visible-count"), fmt(want.length), `${what}: count shown`);
    equal(await drawn(), sorted(firstPage(want).map(key)), `${what}: findings drawn`);
    equal(await page.$eval("#empty", (n) => !n.hidden), want.length === 0, `${what}: "no finding" notice`);
    if (firstPage(want).length < want.length) {
      const pages = await showAll();
      equal(await drawn(), sorted(want.map(key)), `${what}: findings drawn (all, ${pages} page(s))`);
    }
  };
  for (const q of config.queries) {
    await page.fill("#filter-text", "");
    await page.type("#filter-text", q);
    await check(`filter "${q}"`, q, "", "");
  }
  // `/` focuses the box; Escape clears it.
  await page.fill("#filter-text", "");
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("/");
  await page.keyboard.type(config.queries[0]);
  await check(`"/" then "${config.queries[0]}"`, config.queries[0], "", "");
  await page.keyboard.press("Escape");
  await check("Escape", "", "", "");
  const topRule = rows[0][0];
  await page.selectOption("#filter-rule", topRule);
  await check(`rule ${topRule}`, "", topRule, "");
  await page.selectOption("#filter-rule", "");
  await page.selectOption("#filter-severity", "warning");
  await check("severity warning", "", "", "warning");
  await page.click("#filter-clear");
  await check("after Clear", "", "", "");
  // A click on a rule's bar filters by it; a second click lifts it.
  await page.click(`.rule-row[data-rule="${topRule}"]`);
  await check(`click on ${topRule}`, "", topRule, "");
  await page.click(`.rule-row[data-rule="${topRule}"]`);
  await check(`second click on ${topRule}`, "", "", "");

  equal(problems, [], "console errors and page errors after filtering");
  await page.mouse.move(0, 0);
  await page.setViewportSize({ width: 1280, height: 1700 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: config.screenshot });
  console.log(`screenshot: ${config.screenshot}`);
} catch (e) {
  if (!process.exitCode) console.error("FAIL: " + (e && e.stack ? e.stack : e));
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
