// Runs the dashboard's script in node against a live server, with a minimal DOM written for this
// test (elements, text, attributes, listeners, forms, FormData), and prints what each tool shows.
//
//   node dashboard_harness.js SCRIPT.js BASE_URL BOM_FILE
//
// Output: one JSON object {review, law, law_detail, origin, origin_bad, rule, duty, links}; each the
// visible text of a box after the action, or {error} with the text of an error box.
"use strict";
const fs = require("fs");
const vm = require("vm");

const [scriptPath, base, bomPath] = process.argv.slice(2);

class FakeNode {
  constructor(tag) { this.tagName = tag; this.children = []; this.attrs = {}; this.listeners = {}; this.className = ""; }
  append(...kids) { for (const k of kids) this.children.push(k instanceof FakeNode ? k : new FakeText(String(k))); }
  replaceChildren(...kids) { this.children = []; this.append(...kids); }
  setAttribute(k, v) { this.attrs[k] = String(v); }
  getAttribute(k) { return this.attrs[k]; }
  addEventListener(type, f) { (this.listeners[type] = this.listeners[type] || []).push(f); }
  set textContent(v) { this.children = [new FakeText(String(v))]; }
  get textContent() { return this.children.map((c) => c.textContent).join(" "); }
  async fire(type, ev) { for (const f of this.listeners[type] || []) await f(ev); }
  *walk() { yield this; for (const c of this.children) if (c instanceof FakeNode) yield* c.walk(); }
}
class FakeText { constructor(t) { this.textContent = t; } }

class FakeForm extends FakeNode {
  constructor(fields) {
    super("form");
    for (const [name, value] of Object.entries(fields)) this[name] = typeof value === "boolean"
      ? {name, checked: value, type: "checkbox"} : {name, value: String(value), type: "text"};
  }
}
class FakeFormData {
  constructor(form) {
    this.pairs = Object.values(form).filter((f) => f && f.name && (f.type !== "checkbox" || f.checked))
      .map((f) => [f.name, f.type === "checkbox" ? "on" : f.value]);
  }
  entries() { return this.pairs[Symbol.iterator](); }
}

const forms = {
  "duty-form": new FakeForm({hts: "8703.23.01", origin: "MX", date: "2025-06-01", value: "1000",
                              usmca: true, us_content: "", quantity: ""}),
  "law-form": new FakeForm({prefix: "usmca/ch04/de_minimis", date: "2025-03-01"}),
  "origin-form": new FakeForm({bom: fs.readFileSync(bomPath, "utf-8"), date: ""}),
  "rule-form": new FakeForm({hs: "2202.90.10", date: "2025-03-01"}),
};
const boxes = {};
for (const id of ["duty-out", "origin-out", "rule-out", "law-out", "law-detail", "review-out", "review-detail", "briefing-link",
                  "origin-scenario"]) {
  boxes[id] = new FakeNode("div");
}
globalThis.Node = FakeNode;
globalThis.FormData = FakeFormData;
globalThis.document = {
  getElementById: (id) => forms[id] || boxes[id],
  createElement: (tag) => new FakeNode(tag),
};
const realFetch = globalThis.fetch;
globalThis.fetch = (url, options) => realFetch(new URL(url, base + "/"), options);

function shown(box) {
  const err = [...box.walk()].find((n) => n.className === "error");
  return err ? {error: err.textContent} : {text: box.textContent};
}

const submit = (id) => forms[id].fire("submit", {preventDefault() {}, target: forms[id]});

(async () => {
  vm.runInThisContext(fs.readFileSync(scriptPath, "utf-8"), {filename: "dashboard.js"});
  const out = {};
  for (let i = 0; i < 400 && !boxes["review-out"].children.length; i++) await new Promise((r) => setTimeout(r, 25));
  out.review = shown(boxes["review-out"]);
  const scenario = [...boxes["review-out"].walk()].find((n) => n.className === "path");
  if (scenario) { await scenario.fire("click", {}); out.review_detail = shown(boxes["review-detail"]); }

  await submit("law-form");
  out.law = shown(boxes["law-out"]);
  const first = [...boxes["law-out"].walk()].find((n) => n.className === "path");
  if (first) { await first.fire("click", {}); out.law_detail = shown(boxes["law-detail"]); }
  out.links = [...boxes["law-detail"].walk()].filter((n) => n.tagName === "a").map((n) => n.attrs.href);

  boxes["origin-scenario"].value = "";
  await submit("origin-form");
  out.origin = shown(boxes["origin-out"]);
  out.scenario_options = boxes["origin-scenario"].children.map((o) => o.attrs.value);
  if (process.env.ORIGIN_SCENARIO) {
    boxes["origin-scenario"].value = process.env.ORIGIN_SCENARIO;
    await submit("origin-form");
    out.origin_scenario = shown(boxes["origin-out"]);
    boxes["origin-scenario"].value = "";
  }
  forms["origin-form"].bom.value = "good: {hs: not-a-code, produced_in: MX}\nmaterials: []\n";
  await submit("origin-form");
  out.origin_bad = shown(boxes["origin-out"]);

  await submit("rule-form");
  out.rule = shown(boxes["rule-out"]);

  await submit("duty-form");
  out.duty = shown(boxes["duty-out"]);
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
