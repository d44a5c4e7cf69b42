// node bench/peers/peers.js JOB.json
// One timed Typst run for `make bench-peers` (bench/peers.py), in one Node process:
//   JOB = { "module": path of @myriaddreamin/typst-ts-node-compiler,
//           "fonts": [font files], "workspace": folder holding notice.typ,
//           "docs": [{ "source": Typst source, "out": PDF path }] }
// Every document is compiled to PDF and written to its path, one after the other, with one
// compiler (its fonts loaded once, its caches kept between documents, as a service would).
// Prints one line of JSON: startup_ms (process start to a compiler with its fonts; the first
// document's own compile is not in it), compile_ms (every document, compiling + writing),
// docs, pages, bytes. Exit status 1 with Typst's diagnostics when a document fails.
"use strict";
const fs = require("fs");
const { performance } = require("perf_hooks");

const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const { NodeCompiler } = require(job.module);
const compiler = NodeCompiler.create({
  workspace: job.workspace,
  fontArgs: [{ fontBlobs: job.fonts.map((f) => fs.readFileSync(f)) }],
});
const ready = performance.now(); // ms since this process started (perf_hooks' time origin)

let pages = 0, bytes = 0;
for (const d of job.docs) {
  const res = compiler.compile({ mainFileContent: d.source });
  const doc = res.result;
  if (!doc || res.hasError()) {
    res.printDiagnostics();
    process.stderr.write(`peers.js: Typst could not compile the document for ${d.out}\n`);
    process.exit(1);
  }
  const pdf = compiler.pdf(doc);
  fs.writeFileSync(d.out, pdf);
  pages += doc.numOfPages;
  bytes += pdf.length;
}
const done = performance.now();
process.stdout.write(JSON.stringify({ startup_ms: ready, compile_ms: done - ready, docs: job.docs.length, pages, bytes }) + "\n");
