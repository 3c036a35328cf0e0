// Runs json-logic-js on the cases given on stdin ([{rule, data}]) and prints the results.
"use strict";
const path = require("path");
const jsonLogic = require(path.resolve(__dirname, "..", "..", "..", "node_modules", "json-logic-js"));
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (c) => { input += c; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map((c) => {
    try { return { value: jsonLogic.apply(c.rule, c.data) }; } catch (e) { return { error: String(e) }; }
  });
  process.stdout.write(JSON.stringify(out));
});
