// Runs queries through a built site's real Pagefind index and its own search-core.js, in
// Node, the way the search page runs them in a browser.
//
//   node tests/search_harness.mjs <site dir> < request.json
//
// request: {"queries": [{"q": "八项规定", "filters": {"年度": ["2020"]}}], "sections": ["sangong", …]}
// answer (stdout, JSON): [{"q", "total", "seconds", "pages": [{"url", "title", "filters", "matches"}]}]
import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const site = path.resolve(process.argv[2]);
const ORIGIN = "http://search.invalid";

// As in a browser page of the site: <html lang="zh-CN">, files fetched over HTTP.
globalThis.document = { currentScript: null, querySelector: () => ({ getAttribute: () => "zh-CN" }) };
globalThis.fetch = async (input) => {
  const url = new URL(String(input), ORIGIN);
  const file = path.join(site, decodeURIComponent(url.pathname));
  if (!file.startsWith(site)) throw new Error(`outside the site: ${url}`);
  const buf = await readFile(file);
  return {
    ok: true,
    status: 200,
    arrayBuffer: async () => buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
    json: async () => JSON.parse(buf.toString("utf8")),
  };
};

const pagefind = await import(pathToFileURL(path.join(site, "pagefind", "pagefind.js")).href);
const core = await import(pathToFileURL(path.join(site, "static", "search-core.js")).href);
await pagefind.options({ basePath: `${ORIGIN}/pagefind/`, baseUrl: "/" });
await core.mergeShards(pagefind, `${ORIGIN}/pagefind/`, { baseUrl: "/" });

const request = JSON.parse(readFileSync(0, "utf8"));
const answers = [];
for (const { q, filters } of request.queries) {
  const started = performance.now();
  const found = await core.search(pagefind, q, filters || {}, { sections: request.sections });
  const pages = [];
  for (const page of found.pages) pages.push(await page.load());
  answers.push({ q, total: found.total, seconds: (performance.now() - started) / 1000, filters: found.filters, pages });
}
if (request.segment) answers.push({ segmented: request.segment.map((t) => core.segment(t)) });
process.stdout.write(JSON.stringify(answers));
