// MicroPython in Node, bare, for tests (never shipped).
//
//   node src/tebiki/browser/micropython_engine.mjs exec < code.py
//       run Python source on a bare MicroPython from node_modules and print what
//       it prints (the tests use it to see what this MicroPython has).
//
// The engine itself runs on MicroPython in Node from a built runtime folder,
// exactly as the browser's worker boots it: node_engine.mjs run RUNTIME_DIR.

import fs from "node:fs";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";

async function exec() {
  const lines = [];
  const mp = await loadMicroPython({ stdout: (line) => lines.push(line) });
  try {
    mp.runPython(fs.readFileSync(0, "utf8"));
  } catch (err) {
    process.stderr.write(String(err.message ?? err) + "\n");
    process.exit(1);
  }
  process.stdout.write(lines.map((line) => line + "\n").join(""));
}

const [command, ...args] = process.argv.slice(2);
if (command === "exec" && args.length === 0) await exec();
else {
  process.stderr.write("usage: micropython_engine.mjs exec < code.py\n");
  process.exit(2);
}
