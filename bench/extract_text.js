// mutool run bench/extract_text.js OUTDIR FIRST_INDEX PDF...
// Writes OUTDIR/<FIRST_INDEX + i>.txt: the characters of PDF i as drawn, one line per text line,
// so the floor program is fed exactly the text wenshu set (one process for thousands of files:
// a pdftotext per file would cost more than the benchmark itself).
var out = scriptArgs[0];
var first = parseInt(scriptArgs[1], 10);
for (var i = 2; i < scriptArgs.length; i++) {
  var doc = new Document(scriptArgs[i]);
  var t = [];
  for (var p = 0; p < doc.countPages(); p++) {
    doc.loadPage(p).toStructuredText().walk({
      onChar: function (c) { t.push(c); },
      endLine: function () { t.push("\n"); }
    });
  }
  var b = new Buffer();
  b.write(t.join(""));
  b.save(out + "/" + (first + i - 2) + ".txt");
}
