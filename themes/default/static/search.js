// The search page: reads the query and filters from the address (?q=…&年度=2020), asks
// Pagefind through search-core.js, and lists the pages found with links to the matching
// sections. Everything it loads comes from this site; every link is derived from where
// this file is served, so the site works under any sub-path.
import * as core from "./search-core.js";

const FILTER_ORDER = ["页面类型", "地区", "部门", "年度", "类型"];
const VALUE_ORDER = { 页面类型: ["部门年度", "部门", "年度比较", "名词解释", "关于"], 类型: ["预算", "决算"] };
const BATCH = 10; // pages shown at a time
const MATCHES_SHOWN = 3; // places listed per page

const form = document.querySelector("[data-search-form]");
if (form) start(form);

async function start(form) {
  const input = form.querySelector("input[name=q]");
  const status = document.querySelector("[data-search-status]");
  const list = document.querySelector("[data-search-results]");
  const more = document.querySelector("[data-search-more]");
  const filterBox = form.querySelector("[data-search-filters]");
  const chosen = form.querySelector("[data-search-chosen]");
  // The filters are open beside the results on a wide screen, folded above them on a narrow one.
  if (matchMedia("(min-width: 52rem)").matches) filterBox.open = true;
  const sectionInputs = [...form.querySelectorAll("input[name=栏目]")];
  const sectionNames = new Map(sectionInputs.filter((i) => i.value).map((i) => [i.value, i.parentElement.textContent.trim()]));
  const say = (text) => { status.textContent = text; };

  let pagefind;
  try {
    pagefind = await import(new URL("../pagefind/pagefind.js", import.meta.url).href);
    await pagefind.options({ excerptLength: 30 });
    await core.mergeShards(pagefind, new URL("../pagefind/", import.meta.url), { excerptLength: 30 });
  } catch (err) {
    say("搜索索引未能加载。请通过网站服务器访问本页（直接打开本地文件时不能搜索）。");
    return;
  }

  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  const section = params.get("栏目") || "";
  for (const i of sectionInputs) i.checked = i.value === section;
  const all = await pagefind.filters();
  const countSpans = buildFilters(filterBox, sectionInputs[0].closest("fieldset"), all, params);

  let run = 0;
  let shown = null; // {pages, next, section}

  // After a search a reader asked for (submitted, or arrived with ?q=), the keyboard goes to the results,
  // not through every filter control before them.
  const resultsTitle = document.getElementById("results-title");
  async function update({ push = false, focus = false } = {}) {
    const mine = ++run;
    const q = input.value.trim();
    const filters = chosenFilters(form);
    const section = (form.querySelector("input[name=栏目]:checked") || {}).value || "";
    writeAddress(q, filters, section, push);
    const picked = Object.values(filters).flat().length + (section ? 1 : 0);
    chosen.textContent = picked ? `（已选 ${picked} 项）` : "";
    if (!q && !Object.keys(filters).length) {
      list.replaceChildren();
      more.hidden = true;
      say("请输入要搜索的词，或选择筛选条件。");
      return;
    }
    say("正在搜索…");
    const found = await core.search(pagefind, q, filters, { sections: [...sectionNames.keys()], first: { 页面类型: ["部门年度"] } });
    if (mine !== run) return; // a newer search has started
    updateCounts(countSpans, found.filters);
    list.replaceChildren();
    shown = { pages: found.pages, next: 0, section, count: 0, q, filtered: Object.keys(filters).length > 0, run: mine };
    await showMore();
    if (mine !== run) return;
    say(summary(shown));
    if (focus && resultsTitle) resultsTitle.focus();
  }

  async function showMore() {
    const state = shown;
    const fragment = document.createDocumentFragment();
    let added = 0;
    while (state.next < state.pages.length && added < BATCH) {
      const result = await state.pages[state.next++].load();
      if (state.run !== run) return;
      const matches = state.section ? result.matches.filter((m) => m.section === state.section) : result.matches;
      if (state.section && !matches.length) continue;
      fragment.append(renderResult(result, matches, state.q, sectionNames));
      added++;
      state.count++;
    }
    list.append(fragment);
    more.hidden = state.next >= state.pages.length;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    update({ push: true, focus: true });
  });
  input.addEventListener("input", debounce(() => update(), 350));
  form.addEventListener("change", (event) => {
    if (event.target.matches("input[type=checkbox], input[type=radio]")) update();
  });
  form.querySelector("[data-search-clear]").addEventListener("click", () => {
    for (const box of form.querySelectorAll("input[type=checkbox]")) box.checked = false;
    sectionInputs[0].checked = true;
    update();
  });
  more.addEventListener("click", async () => {
    const first = list.children.length;
    await showMore();
    say(summary(shown));
    const link = list.children[first] && list.children[first].querySelector("a");
    if (link) link.focus(); // keyboard users continue where the new results begin
  });
  window.addEventListener("popstate", () => location.reload());
  update({ focus: Boolean(input.value.trim()) });
}

/** The filter fieldsets (before the 栏目 one), with every value of the index; returns the count spans. */
function buildFilters(box, before, all, params) {
  const spans = new Map();
  const keys = Object.keys(all).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, "zh"));
  for (const key of keys) {
    const values = Object.keys(all[key]).sort(valueOrder(key));
    if (!values.length) continue;
    const chosen = new Set(params.getAll(key));
    const fieldset = element("fieldset", { class: "search-filter" });
    fieldset.append(element("legend", {}, key));
    for (const value of values) {
      const box = element("input", { type: "checkbox", name: key, value });
      box.checked = chosen.has(value);
      const count = element("span", { class: "search-count" }, `（${all[key][value]}）`);
      spans.set(`${key}\u0000${value}`, count);
      // 地区 holds every level of a region ("河北省", "河北省 秦皇岛市", …): show the last, indented.
      const levels = key === "地区" ? value.split(" ") : [value];
      const above = levels.slice(0, -1).join(" ");
      const label = element("label", {}, box, " ", above ? element("span", { class: "visually-hidden" }, above + " ") : "",
        `${levels[levels.length - 1]} `, count);
      if (above) label.style.paddingInlineStart = `${levels.length - 1}em`;
      fieldset.append(label);
    }
    box.insertBefore(fieldset, before);
  }
  return spans;
}

function valueOrder(key) {
  if (key === "年度") return (a, b) => b.localeCompare(a);
  const known = VALUE_ORDER[key] || [];
  const at = (v) => (known.includes(v) ? known.indexOf(v) : known.length);
  return (a, b) => at(a) - at(b) || a.localeCompare(b, "zh");
}

function rank(key) {
  const i = FILTER_ORDER.indexOf(key);
  return i < 0 ? FILTER_ORDER.length : i;
}

function updateCounts(spans, counts) {
  for (const [id, span] of spans) {
    const [key, value] = id.split("\u0000");
    const n = counts && counts[key] ? counts[key][value] || 0 : 0;
    span.textContent = `（${n}）`;
  }
}

function chosenFilters(form) {
  const filters = {};
  for (const box of form.querySelectorAll("input[type=checkbox]:checked")) {
    (filters[box.name] = filters[box.name] || []).push(box.value);
  }
  return filters;
}

function writeAddress(q, filters, section, push) {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  for (const [key, values] of Object.entries(filters)) for (const v of values) params.append(key, v);
  if (section) params.set("栏目", section);
  const query = params.toString();
  const address = location.pathname + (query ? `?${query}` : "");
  if (address !== location.pathname + location.search) history[push ? "pushState" : "replaceState"](null, "", address);
}

function summary(shown) {
  const what = shown.q ? `包含“${shown.q}”` : "符合所选条件";
  const narrowed = shown.filtered && shown.q ? "（已按所选条件筛选）" : "";
  if (!shown.pages.length) return `没有找到${what}的页面${narrowed}。`;
  if (shown.section) {
    const more = shown.next < shown.pages.length;
    if (!shown.count && !more) return `没有找到${what}、且匹配位于所选栏目的页面${narrowed}。`;
    return `已列出 ${shown.count} 个${what}、且匹配位于所选栏目的页面${narrowed}${more ? "，可显示更多" : ""}。`;
  }
  return `找到 ${shown.pages.length} 个${what}的页面${narrowed}，已列出 ${shown.count} 个。`;
}

function renderResult(result, matches, q, sectionNames) {
  const item = element("li", { class: "search-result" });
  const facts = [];
  const f = result.filters;
  const type = f["页面类型"] && f["页面类型"][0];
  const region = f["地区"] && f["地区"].slice().sort((a, b) => b.length - a.length)[0];
  if (region) facts.push(region);
  if (f["年度"] && f["年度"].length) facts.push(f["年度"].join("、"));
  if (f["类型"] && f["类型"].length) facts.push(f["类型"].join("、"));
  const head = element("p", { class: "search-result-facts" });
  if (type) head.append(element("span", { class: "badge search-type" }, type), " ");
  head.append(facts.join(" · "));
  const title = element("h3", { class: "search-result-title" }, element("a", { href: result.url }, result.title));
  item.append(head, title);
  if (q && matches.length) {
    const places = element("ul", { class: "search-matches" });
    for (const m of matches.slice(0, MATCHES_SHOWN)) {
      const label = m.section && sectionNames.has(m.section) && sectionNames.get(m.section) !== m.title
        ? `${sectionNames.get(m.section)} › ${m.title}` : m.title;
      const link = element("a", { href: m.url, class: "search-match-link" }, label);
      const excerpt = element("p", { class: "search-excerpt" });
      excerpt.innerHTML = m.excerpt; // escaped text and <mark> only (search-core.js renderWords)
      const count = m.count > 1 ? element("span", { class: "muted" }, `（${m.count} 处）`) : "";
      places.append(element("li", {}, link, count, excerpt));
    }
    if (matches.length > MATCHES_SHOWN) {
      places.append(element("li", { class: "muted" }, `另有 ${matches.length - MATCHES_SHOWN} 处匹配，见本页。`));
    }
    item.append(places);
  }
  return item;
}

function element(name, attributes = {}, ...children) {
  const node = document.createElement(name);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
