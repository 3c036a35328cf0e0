"""The browser's search runtime (``tongda-search.js``) run under Node on a list of queries.

Imported by name (``tests/search_index`` is on ``sys.path`` in its tests) or as
``tests.search_index.node_search``.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

RUNTIME = Path(__file__).resolve().parents[2] / "search_index/runtime/tongda-search.js"
#: argv: the runtime, the index folder, the fields to answer with (JSON); stdin: the
#: requests, each a query or ``[query, options]`` (options over ``{limit: 10}``).
NODE = r"""
const TS = require(process.argv[2]);
const fields = JSON.parse(process.argv[4]);
const queries = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const FIELDS = {ids: r => r.results.map(x => x.id), scores: r => r.results.map(x => x.score),
                notice: r => r.notice, total: r => r.total, cue: r => r.plan.cue};
(async () => {
  const s = new TS.Searcher({dir: process.argv[3]});
  const out = [];
  for (const item of queries) {
    const [q, opts] = typeof item === "string" ? [item, {}] : item;
    const r = await s.search(q, Object.assign({limit: 10}, opts));
    out.push(Object.fromEntries(fields.map(f => [f, FIELDS[f](r)])));
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"""


def run_node(folder: Path, index_dir: Path, requests: Sequence[Any],
             fields: Sequence[str] = ("ids", "notice", "total")) -> list[dict[str, Any]]:
    """The browser runtime's answers to ``requests`` (``fields`` of each), run under Node;
    the script is written into ``folder``."""
    script = folder / "node-search.js"
    script.write_text(NODE, "utf-8")
    res = subprocess.run(["node", str(script), str(RUNTIME), str(index_dir), json.dumps(list(fields))],
                         input=json.dumps(list(requests)), capture_output=True, text=True, check=True)
    return json.loads(res.stdout)  # type: ignore[no-any-return]
