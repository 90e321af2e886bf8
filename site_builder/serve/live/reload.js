// The preview server adds this script to every page it serves (never to output/).
// It listens to the server's events: after a rebuild it reloads the page; when a build
// fails it shows the problems over the page, in a box of its own (a shadow root, so the
// site's styles do not reach it). Every text is set with textContent: nothing is parsed
// as HTML.
(() => {
  "use strict";
  const script = document.currentScript;
  const here = { instance: script.dataset.instance, generation: Number(script.dataset.generation) };
  let shown = null; // the overlay's host element, while it is on the page
  let shownKey = ""; // the problems it shows
  let hiddenKey = ""; // problems the reader hid, so that the next event does not show them again

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const STYLE = `
    :host { all: initial; }
    .box { position: fixed; z-index: 2147483647; box-sizing: border-box; overflow: auto;
      font: 16px/1.65 "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC",
            "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
      color: #1b1b1b; background: #fff; box-shadow: 0 6px 32px rgba(0, 0, 0, .35); }
    .errors { inset: 4vh 4vw auto 4vw; max-height: 92vh; border-top: 8px solid #b3261e; padding: 20px 28px 24px; }
    .warnings { right: 12px; bottom: 12px; max-width: min(640px, 92vw); max-height: 60vh;
      border-top: 4px solid #9a6700; padding: 6px 10px; }
    .warnings ol { margin-top: 10px; }
    .warnings button { margin: 0; border-color: #9a6700; color: #5c3d00; background: #fff8e6; }
    h2 { margin: 0 0 6px; font-size: 22px; color: #b3261e; }
    p.lead { margin: 0 0 14px; color: #333; }
    ol { margin: 0; padding-left: 1.6em; }
    li { margin: 0 0 14px; }
    .where { font: 15px/1.5 ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK SC", monospace;
      font-weight: 700; color: #0b3d91; word-break: break-all; }
    .label { display: inline-block; min-width: 3em; color: #555; font-weight: 700; }
    .key { font-family: ui-monospace, Menlo, Consolas, monospace; }
    .message { white-space: pre-wrap; word-break: break-word; }
    pre { margin: 6px 0 0; padding: 6px 10px; background: #f5f2ea; border-left: 4px solid #d4c9a8;
      font: 14px/1.5 ui-monospace, Menlo, Consolas, "Noto Sans Mono CJK SC", monospace; white-space: pre-wrap; }
    .more { color: #555; }
    button { font: inherit; font-size: 14px; margin-top: 6px; padding: 4px 14px; cursor: pointer;
      border: 1px solid #888; background: #f4f4f4; border-radius: 4px; color: #1b1b1b; }
  `;

  function problemList(problems, total) {
    const list = element("ol");
    for (const p of problems) {
      const item = element("li", "problem");
      // 文件:行 first, as in the terminal, so that it can be copied into an editor.
      item.append(element("div", "where", `${p.file}:${p.line}`));
      for (const [label, value, className] of [["键", p.key || "（无）", "key"], ["信息", p.message, "message"]]) {
        const row = element("div");
        row.append(element("span", "label", `${label}：`));
        row.append(element("span", className, value));
        item.append(row);
      }
      if (p.source) item.append(element("pre", "", p.source));
      list.append(item);
    }
    if (total > problems.length) list.append(element("li", "more", `另有 ${total - problems.length} 个问题未列出，请在终端查看。`));
    return list;
  }

  function show(state) {
    const failed = !state.ok;
    const problems = failed ? state.errors : state.warnings;
    const key = JSON.stringify([failed, problems]);
    if (!problems.length || key === hiddenKey) return clear();
    // The same problems told again (the server tells its state to every page at each event) leave the
    // overlay as it is: its list opened, its place, what a reader is selecting in it.
    if (shown && shown.isConnected && key === shownKey) return;
    clear();
    const host = element("div");
    host.id = "site-builder-overlay";
    host.setAttribute("role", failed ? "alertdialog" : "status");
    host.setAttribute("aria-label", failed ? "构建失败" : "内容警告");
    const root = host.attachShadow({ mode: "open" });
    root.append(element("style", "", STYLE));
    const box = element("section", `box ${failed ? "errors" : "warnings"}`);
    box.lang = "zh-CN";
    const total = failed ? state.error_count : state.warning_count;
    if (failed) {
      box.append(element("h2", "", `构建失败：${total} 个错误，网站没有更新`));
      box.append(element("p", "lead", state.generation > 0
        ? "下面显示的仍是上一次成功构建的页面。修正以下问题并保存文件后，页面会自动刷新。"
        : "网站还没有成功构建过。修正以下问题并保存文件后，页面会自动刷新。"));
      box.append(problemList(problems, total));
      const close = element("button", "", "暂时隐藏");
      close.addEventListener("click", () => { hiddenKey = key; clear(); });
      box.append(close);
    } else {
      // Warnings (sums that do not add up) do not stop the build: a small button opens them.
      const toggle = element("button", "", `${total} 个警告（数字不相符等）`);
      toggle.setAttribute("aria-expanded", "false");
      const list = problemList(problems, total);
      list.hidden = true;
      toggle.addEventListener("click", () => {
        list.hidden = !list.hidden;
        toggle.setAttribute("aria-expanded", String(!list.hidden));
      });
      box.append(toggle, list);
    }
    root.append(box);
    document.documentElement.append(host);
    shown = host;
    shownKey = key;
  }

  function clear() {
    if (shown) shown.remove();
    shown = null;
    shownKey = "";
  }

  function receive(event) {
    const state = JSON.parse(event.data);
    const stale = state.instance !== here.instance || state.generation !== here.generation;
    if (state.ok && (stale || (shown && shown.getAttribute("role") === "alertdialog"))) {
      location.reload();
      return;
    }
    // This page is the site the server has now: said on the page for tests and tools to wait on.
    document.documentElement.dataset.previewGeneration = String(state.generation);
    show(state);
  }

  // A browser opens at most six connections to one server over HTTP/1.1, and each open
  // stream takes one: hidden tabs let theirs go, and catch up (reload) when shown again.
  let events = null;
  function listen() {
    if (events || document.visibilityState === "hidden") return;
    events = new EventSource(script.dataset.events);
    events.addEventListener("state", receive);
  }
  function pause() {
    if (events) events.close();
    events = null;
  }
  document.addEventListener("visibilitychange", () => (document.visibilityState === "hidden" ? pause() : listen()));
  window.addEventListener("pagehide", pause);
  window.addEventListener("pageshow", listen);
  listen();
})();
