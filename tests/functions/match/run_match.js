// Reads {ruleset, jobs: [{subject, profile}]} as JSON on stdin and prints the browser
// matcher's output for each job, one JSON array: the Node side of the parity tests.
"use strict";
const path = require("path");
const root = path.resolve(__dirname, "..", "..", "..");
const jsonLogic = require(path.join(root, "node_modules", "json-logic-js"));
const core = require(path.join(root, "themes", "tongda", "components", "calculator", "match-core.js"))(jsonLogic);
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const { ruleset, jobs } = JSON.parse(input);
  const out = jobs.map((job) => core.match(ruleset, job.subject, job.profile, job.only || null));
  process.stdout.write(JSON.stringify(out));
});
