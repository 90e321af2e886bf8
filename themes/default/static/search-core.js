// The search logic, without the page: how a query reaches Pagefind and how its answers
// become results. The search page (search.js) and the search-quality test both use it, so
// the test measures exactly what a reader gets.
//
// The index holds every Chinese character as a word of its own (site_builder/search.py
// explains why, site_builder/segment.py does it). A query is turned into the same words and searched as an exact phrase:
// 八项规定 → "八 项 规 定", which Pagefind finds only where the four are consecutive.

// Marks a space or a block boundary of the original text; never shown.
export const BOUNDARY = "\ue000";
// The same class as WORD_CLASS in site_builder/segment.py.
export const WORD_CLASS =
  "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff" +
  "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u{20000}-\u{3134f}";
// A run of words with the punctuation attached to its last word.
const WORD_RUN = new RegExp(`([${WORD_CLASS}]+)(\\p{P}*)`, "gu");
const WORD = new RegExp(`[${WORD_CLASS}]`, "u");
const PUNCTUATION_ALL = /\p{P}/gu;
const WORD_SPLIT = /[\r\n\s]+/g; // how Pagefind splits its stored text into words
const HEADING = /^(h[1-6]|dt)$/i;
const CONTEXT_BEFORE = 16; // words (a Chinese character is a word) shown before a match
const CONTEXT_AFTER = 40;

/**
 * Merges the other shards of the index into `pagefind`: a large site is indexed in shards
 * (site_builder/search.py), which `shards.json` in the first bundle lists. `bundle` is the
 * URL of the first bundle's folder (ending in "/"); `options` are given to each shard.
 */
export async function mergeShards(pagefind, bundle, options = {}) {
  const response = await fetch(new URL("shards.json", bundle));
  if (!response.ok) return;
  // A path, not a whole URL: Pagefind derives the result links of each index from it, as for the first.
  for (const shard of await response.json()) await pagefind.mergeIndex(new URL(shard, bundle).pathname, options);
}

/** Text as the index holds it: each Chinese character a word; spaces become BOUNDARY. */
export function segment(text) {
  const spaced = text.replace(/[\s\ufeff]+/g, ` ${BOUNDARY} `);
  return spaced.replace(WORD_RUN, (run, words, punctuation, offset, whole) => {
    // After the run and its punctuation, a space unless one follows, or a run that brings its own
    // (厅：2017 → 厅： 2017: Pagefind strips punctuation, and 厅2017 would not be found as 厅).
    const next = whole.slice(offset + run.length, offset + run.length + 1);
    const tail = !next || next === " " || (punctuation && WORD.test(next)) ? "" : " ";
    return " " + [...words].join(" ") + punctuation + tail;
  });
}

/**
 * The reader's input as Pagefind queries: one exact phrase per space-separated part.
 * Quotes the reader typed are dropped (every part is an exact phrase anyway), so that
 * “三公”经费 finds 三公经费 as printed with or without them; a part left with nothing
 * but punctuation is ignored.
 */
export function queryParts(input) {
  const parts = [];
  for (const raw of (input || "").replace(/["'“”‘’「」『』]/g, "").split(/[\s\ufeff]+/u)) {
    if (!raw || !raw.replace(PUNCTUATION_ALL, "")) continue;
    const words = segment(raw).trim().split(/ +/);
    const tokens = words.map(normalize).filter((w) => w);
    parts.push({ text: raw, phrase: `"${words.join(" ")}"`, tokens });
  }
  return parts;
}

/** A word as Pagefind compares it: lower case, without punctuation. */
export function normalize(word) {
  return word.toLocaleLowerCase().replace(PUNCTUATION_ALL, "");
}

const escapeHtml = (s) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * Words of the index back to readable text (HTML): the spaces the indexer added go,
 * the original ones (BOUNDARY) come back as one space; words whose index is in `marked`
 * are wrapped in <mark> (without the punctuation attached to them), consecutive ones in
 * a single <mark>.
 */
export function renderWords(words, from = 0, to = words.length, marked = new Set()) {
  const pieces = []; // [text, marked], with " " for an original space
  for (let i = from; i < to; i++) {
    const word = words[i];
    if (word === BOUNDARY) {
      if (pieces.length && pieces[pieces.length - 1][0] !== " ") pieces.push([" ", false]);
    } else if (word && marked.has(i)) {
      const [, lead, core, trail] = word.match(/^(\p{P}*)(.*?)(\p{P}*)$/su);
      if (lead) pieces.push([lead, false]);
      pieces.push([core || word, true]);
      if (trail && core) pieces.push([trail, false]);
    } else if (word) {
      pieces.push([word, false]);
    }
  }
  while (pieces.length && pieces[pieces.length - 1][0] === " ") pieces.pop();
  let out = "";
  let open = false;
  for (const [text, mark] of pieces) {
    if (open && !mark) {
      out += "</mark>";
      open = false;
    }
    if (mark && !open) {
      out += "<mark>";
      open = true;
    }
    out += escapeHtml(text);
  }
  return open ? out + "</mark>" : out;
}

/** Indexed text (a title, a heading) as plain readable text. */
export function readable(text) {
  const html = renderWords((text || "").split(WORD_SPLIT));
  return html.replace(/&quot;/g, '"').replace(/&gt;/g, ">").replace(/&lt;/g, "<").replace(/&amp;/g, "&");
}

/** Where each part's phrase occurs in a page's words: [start, length] pairs, in order. */
export function findOccurrences(words, parts) {
  const normal = words.map((w) => (w === BOUNDARY ? BOUNDARY : normalize(w)));
  const found = [];
  for (const part of parts) {
    const tokens = part.tokens;
    if (!tokens.length) continue;
    for (let i = 0; i < normal.length; i++) {
      if (normal[i] !== tokens[0]) continue;
      // Words that are only punctuation hold a place in the index, as in the page.
      let j = 1;
      while (j < tokens.length && normal[i + j] === tokens[j]) j++;
      if (j === tokens.length) found.push([i, tokens.length]);
    }
  }
  return found.sort((a, b) => a[0] - b[0]);
}

/**
 * Search: the reader's `input` with Pagefind `filters` ({key: [values]}).
 * Returns {parts, total, filters, totalFilters, pages: [{id, score, load()}]}, where
 * `load()` fetches a page's text and returns its result (see `pageResult`).
 * `options.first` ({key: [values]}): pages with one of these filter values come first,
 * each group in Pagefind's order (the search page puts department-years first).
 */
export async function search(pagefind, input, filters = {}, options = {}) {
  const parts = queryParts(input);
  const pfFilters = {};
  for (const [key, values] of Object.entries(filters)) {
    if (values && values.length) pfFilters[key] = { any: [...values] };
  }
  const first = async (hits, term) => {
    const [key, values] = Object.entries(options.first || {})[0] || [];
    if (!key || pfFilters[key] || hits.length < 2) return hits;
    const preferred = await pagefind.search(term, { filters: { ...pfFilters, [key]: { any: values } } });
    const ids = new Set(preferred.results.map((r) => r.id));
    return [...hits.filter((h) => ids.has(h.result.id)), ...hits.filter((h) => !ids.has(h.result.id))];
  };
  if (!parts.length) {
    if (!Object.keys(pfFilters).length) return { parts, total: 0, pages: [], filters: {}, totalFilters: {} };
    const all = await pagefind.search(null, { filters: pfFilters });
    const hits = all.results.map((r) => ({ result: r, words: [], score: 0 }));
    return wrap(parts, all, await first(hits, null), options);
  }
  const answers = [];
  for (const part of parts) answers.push(await pagefind.search(part.phrase, { filters: pfFilters }));
  // Every part must occur on the page (AND); the first answer keeps Pagefind's ranking.
  let hits = answers[0].results.map((r) => ({ result: r, words: [...r.words], score: r.score }));
  for (const answer of answers.slice(1)) {
    const byId = new Map(answer.results.map((r) => [r.id, r]));
    hits = hits.filter((h) => byId.has(h.result.id));
    for (const h of hits) {
      const other = byId.get(h.result.id);
      h.words.push(...other.words);
      h.score += other.score;
    }
  }
  if (answers.length > 1) hits.sort((a, b) => b.score - a.score);
  return wrap(parts, answers[0], await first(hits, parts[0].phrase), options);
}

function wrap(parts, answer, hits, options) {
  return {
    parts,
    total: hits.length,
    filters: answer.filters || {},
    totalFilters: answer.totalFilters || {},
    pages: hits.map((h) => ({ id: h.result.id, score: h.score, load: async () => pageResult(await h.result.data(), parts, h.words, options) })),
  };
}

/**
 * One page's result: its link, title, filters, and the places it matches, each with a
 * link to the heading above it (url#id), that heading, the section it is in, and an
 * excerpt with the match marked.
 * `options.sections`: ids of the sections a match can be placed in (栏目).
 */
export function pageResult(data, parts, pagefindWords = [], options = {}) {
  const words = data.content.split(WORD_SPLIT);
  let occurrences = findOccurrences(words, parts);
  if (!occurrences.length) occurrences = [...new Set(pagefindWords)].sort((a, b) => a - b).map((w) => [w, 1]);
  const anchors = (data.anchors || []).slice().sort((a, b) => a.location - b.location);
  const headings = anchors.filter((a) => HEADING.test(a.element) && a.id && readable(a.text));
  const sectionIds = options.sections ? new Set(options.sections) : null;
  const sections = anchors.filter((a) => a.element === "section" && a.id && (!sectionIds || sectionIds.has(a.id)));
  const base = data.url.split("#")[0];
  const title = readable(data.meta && data.meta.title) || base;
  const places = new Map();
  for (const [start, length] of occurrences) {
    const heading = last(headings, start);
    const key = heading ? heading.id : "";
    if (!places.has(key)) {
      const next = heading ? headings[headings.indexOf(heading) + 1] : headings[0];
      const section = last(sections, start);
      places.set(key, {
        url: heading ? `${base}#${encodeURIComponent(heading.id)}` : base,
        title: heading ? readable(heading.text) : title,
        section: section ? section.id : null,
        from: heading ? heading.location : 0,
        to: next ? next.location : words.length,
        occurrences: [],
      });
    }
    places.get(key).occurrences.push([start, length]);
  }
  const matches = [...places.values()].map((p) => ({
    url: p.url,
    title: p.title,
    section: p.section,
    count: p.occurrences.length,
    excerpt: excerpt(words, p),
  }));
  return { url: data.url, title, filters: data.filters || {}, meta: data.meta || {}, matches };
}

function last(anchors, location) {
  let found = null;
  for (const a of anchors) {
    if (a.location <= location) found = a;
    else break;
  }
  return found;
}

function excerpt(words, place) {
  const [start, length] = place.occurrences[0];
  const from = Math.max(place.from, start - CONTEXT_BEFORE);
  const to = Math.min(place.to, start + length + CONTEXT_AFTER);
  const marked = new Set();
  for (const [s, n] of place.occurrences) for (let i = s; i < s + n; i++) marked.add(i);
  let html = renderWords(words, from, to, marked);
  if (from > place.from && html) html = "…" + html;
  if (to < place.to && html) html += "…";
  return html;
}
