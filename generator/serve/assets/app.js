// 文书工作台 (wenshu serve): the page's own script; no framework, no network beyond this server.
"use strict";

const $ = (id) => document.getElementById(id);
let model = null;         // /api/state's "model"
let formId = null;        // the chosen form's id
let recordId = null;      // the chosen record's id
let shown = "";
let built = new Map();     // "form title\u0000record id" → path under OUT, from OUT/manifest.json           // the preview URL shown, so that it is reloaded only when it changes

// "FILE:LINE:COL: error: record ID: message" (the lines `wenshu check` prints), or in Chinese
// "FILE:LINE:COL: 错误：记录 ID：message" (base/diag.c; the language of the server's environment).
const SEVERITY = { "错误": "error", "警告": "warning", "提示": "note" };
function parseProblem(text) {
  const m = /^(.*?)(?::(\d+))?(?::(\d+))?: (?:(error|warning|note): (?:record ([^:]+): )?|(错误|警告|提示)：(?:记录 ([^：]+)：)?)([\s\S]*)$/.exec(text);
  if (!m) return { text, file: "", line: "", severity: "error", record: "", message: text };
  return { text, file: m[1], line: m[2] || "", severity: m[4] || SEVERITY[m[6]], record: m[5] || m[7] || "", message: m[8] };
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function problemItem(p) {
  const where = p.file ? p.file + (p.line ? ":" + p.line : "") : "";
  return el("li", { class: "problem " + p.severity },
    where ? el("code", {}, where) : null, where ? " " : null,
    p.severity === "error" ? "错误：" : p.severity === "warning" ? "警告：" : "提示：", p.message);
}

// The records the chosen form makes a document for, in the model's order.
function formRecords() {
  if (!model) return [];
  const k = model.forms.findIndex((f) => f.id === formId);
  return model.records.filter((r) => r.forms.includes(k));
}

function choose(form, record) {
  formId = form;
  recordId = record;
  show();
}

function step(delta) {
  const list = formRecords();
  if (!list.length) return;
  let i = list.findIndex((r) => r.id === recordId);
  i = i < 0 ? 0 : Math.min(list.length - 1, Math.max(0, i + delta));
  choose(formId, list[i].id);
}

function drawTree() {
  const tree = $("tree");
  tree.replaceChildren();
  const problems = model.problems.map(parseProblem);
  const byRecord = new Map();
  for (const p of problems) {
    if (!p.record) continue;
    if (!byRecord.has(p.record)) byRecord.set(p.record, []);
    byRecord.get(p.record).push(p);
  }
  // unit → organisation tree → records, in the order first met. An organisation sits under its
  // parent committee (records.h's walk, sent as "parent"), also when that belongs to another
  // unit; one whose parent is not among the records heads its unit's list.
  const units = new Map();
  const orgs = new Map();
  const unitOf = (r) => {
    const uk = r.unit || "";
    if (!units.has(uk)) units.set(uk, { name: r.unitName || r.unit || "（未归属单位）", own: [], roots: [] });
    return units.get(uk);
  };
  const orgOf = (id, name, r) => {
    if (!orgs.has(id)) orgs.set(id, { id, name: name || id || "（未归属组织）", records: [], children: [], parent: "", unit: r.unit || "" });
    return orgs.get(id);
  };
  for (const r of model.records) {
    const u = unitOf(r);
    if (r.kind === "unit") { u.own.push(r); continue; }
    const o = orgOf(r.org || "", r.orgName, r);
    if (r.kind === "organisation") { o.name = r.name || o.name; o.parent = r.parent || ""; o.unit = r.unit || o.unit; }
    o.records.push(r);
  }
  for (const o of orgs.values()) {
    const p = o.parent && o.parent !== o.id ? orgs.get(o.parent) : null;
    if (p) p.children.push(o);
    else unitOf({ unit: o.unit }).roots.push(o);
  }
  const recordItem = (r) => {
    const chips = r.forms.map((k) => {
      const f = model.forms[k];
      return el("span", { class: "chip" + (f.id === formId && r.id === recordId ? " on" : ""), title: f.title,
        onclick: () => choose(f.id, r.id) }, f.title);
    });
    const li = el("li", { class: (r.bad ? "bad" : "") + (r.id === recordId ? " current" : ""), "data-record": r.id },
      el("span", { class: "who", onclick: () => choose(r.forms.includes(model.forms.findIndex((f) => f.id === formId)) ? formId : (r.forms.length ? model.forms[r.forms[0]].id : formId), r.id) },
        r.name + "（" + r.id + "）" + (r.bad ? " 有错误" : "")), " ", ...chips);
    const ps = byRecord.get(r.id);
    if (ps) li.append(el("ul", {}, ...ps.map(problemItem)));
    return li;
  };
  const drawOrg = (o, depth, seen) => {
    if (seen.has(o.id) || depth > 16) return []; // a cycle is reported by check, not drawn forever
    seen.add(o.id);
    const box = el("div", { class: "org", style: `margin-left:${depth * 0.8}em` },
      el(depth ? "h4" : "h3", {}, o.name), el("ul", {}, ...o.records.map(recordItem)));
    return [box, ...o.children.flatMap((c) => drawOrg(c, depth + 1, seen))];
  };
  const seen = new Set();
  for (const u of units.values()) {
    tree.append(el("h2", {}, u.name));
    if (u.own.length) tree.append(el("ul", {}, ...u.own.map(recordItem)));
    for (const o of u.roots) tree.append(...drawOrg(o, 0, seen));
  }
  const list = $("problems");
  list.replaceChildren(...problems.map(problemItem));
  const errors = problems.filter((p) => p.severity === "error").length;
  $("problems-title").textContent = problems.length ? `问题：${errors} 个错误，${problems.length - errors} 个警告或提示` : "没有发现问题";
  $("problems-box").open = errors > 0;
}

function show() {
  if (!model) return;
  const sel = $("form");
  if (!model.forms.some((f) => f.id === formId)) formId = model.forms.length ? model.forms[0].id : null;
  sel.value = formId || "";
  const list = formRecords();
  let i = list.findIndex((r) => r.id === recordId);
  if (i < 0 && list.length) { i = 0; recordId = list[0].id; }
  $("prev").disabled = i <= 0;
  $("next").disabled = i < 0 || i >= list.length - 1;
  drawTree();
  if (i < 0) {
    $("where").textContent = "本表单没有记录";
    $("pdf").removeAttribute("src");
    shown = "";
    return;
  }
  const r = list[i];
  $("where").textContent = `第 ${i + 1} 条，共 ${list.length} 条：${r.name}（${r.id}）`;
  const url = `api/pdf?form=${encodeURIComponent(formId)}&record=${encodeURIComponent(r.id)}&g=${model.generation}`;
  $("open").href = url;
  $("source").href = `file/data/${r.file}`;
  $("source").title = `${model.files[r.file]} 第 ${r.line} 行`;
  const title = model.forms.find((f) => f.id === formId).title;
  const path = built.get(title + "\u0000" + r.id);
  $("built").hidden = !path;
  if (path) $("built").href = "file/out/" + path.split("/").map(encodeURIComponent).join("/");
  if (url !== shown) {
    shown = url;
    $("pdf").src = url;
  }
  const cur = document.querySelector("nav li.current");
  if (cur && cur.scrollIntoViewIfNeeded) cur.scrollIntoViewIfNeeded();
}

function drawBuild(b) {
  const button = $("build");
  button.hidden = !model || !model.build;
  button.disabled = b.running;
  const bar = $("progress");
  bar.hidden = !b.running && b.status < 0;
  bar.max = b.total || 1;
  bar.value = b.done;
  let text = "";
  if (b.running) text = b.total ? `正在生成：${b.done}/${b.total}` : "正在准备生成……";
  else if (b.status === 0) text = "生成完毕";
  else if (b.status > 0) text = `生成结束，有问题（退出状态 ${b.status}）`;
  $("buildstate").textContent = text;
  const log = $("buildlog");
  log.hidden = !b.log;
  log.textContent = b.log;
}

// What the last build made (OUT/manifest.json), for the link to the chosen record's file.
async function loadBuilt() {
  built = new Map();
  if (!model || !model.build) return;
  try {
    const res = await fetch("file/out/manifest.json", { cache: "no-store" });
    if (!res.ok) return;
    for (const f of (await res.json()).files) if (f.record) built.set(f.form + "\u0000" + f.record, f.path);
  } catch (e) { /* no build yet */ }
}

async function load() {
  const res = await fetch("api/state", { cache: "no-store" });
  const s = await res.json();
  model = s.model;
  const sel = $("form");
  sel.replaceChildren(...model.forms.map((f) => el("option", { value: f.id }, f.title + (f.ok ? "" : "（模板有错误）"))));
  await loadBuilt();
  show();
  drawBuild(s.build);
}

$("form").addEventListener("change", (e) => choose(e.target.value, recordId));
$("prev").addEventListener("click", () => step(-1));
$("next").addEventListener("click", () => step(1));
document.addEventListener("keydown", (e) => {
  if (e.target.tagName === "SELECT") return;
  if (e.key === "ArrowLeft") step(-1);
  if (e.key === "ArrowRight") step(1);
});
$("build").addEventListener("click", async () => {
  const res = await fetch("api/build", { method: "POST" });
  if (!res.ok) $("notice").textContent = await res.text();
});

const events = new EventSource("api/events");
events.addEventListener("reload", () => load());
events.addEventListener("build", (e) => {
  const b = JSON.parse(e.data);
  drawBuild(b);
  if (!b.running && b.status >= 0) loadBuilt().then(show);
});
events.addEventListener("error", () => { $("notice").textContent = events.readyState === 2 ? "与 wenshu serve 的连接已断开" : ""; });
events.addEventListener("open", () => { $("notice").textContent = ""; });
load();
