// Progressive enhancement of a static wizard page.
//
// A wizard page works as it is: one state, plain links to the next states.
// This script (a module: <script type="module" src=".../_tebiki/wizard-<hash>.js">)
// starts the engine in a module Web Worker. Until it is ready, and if it never
// becomes ready (blocked, missing, slow), nothing changes and the links work.
// Once ready, answers are handled in the page: the worker renders the new
// state with the same Python renderer as the static pages, the URL becomes
// that state's permalink, focus moves to the heading, the title changes and a
// status region announces the step. Every word shown comes from that render:
// this file holds no user-facing text.
//
// Privacy: nothing is sent anywhere (the worker only fetches the site's own
// fixed files), no cookies, no localStorage; checklist ticks stay in this
// tab's sessionStorage, each under the outcome and the answers that led to it,
// and "start again" clears the tree's.
//
// Cost: with Save-Data on, or on a connection the browser rates 2G or 3G, the
// engine is not fetched at all; elsewhere it starts once the page is idle.
//
// The ids, classes and attributes this script finds in the markup come from
// contract.mjs, which the build writes from tebiki/core/contract.py, the
// module the Python renderer takes them from too.

import * as C from "./contract.mjs";

const READY_TIMEOUT_MS = 8000; // give up on the engine after this (stay static)
const STEP_TIMEOUT_MS = 5000; // a step slower than this follows the link instead

const TICK_BOXES = `input.${C.CHECK_CLASS}[type=checkbox]`;

const region = document.getElementById(C.REGION_ID);
if (region) {
  // What needs only JavaScript (the print button) shows by CSS, so the region
  // itself stays exactly the static page's.
  document.documentElement.classList.add(C.JS_CLASS);
  keepTicks(region);
  if (window.Worker && window.history?.pushState) {
    if (affordable()) whenIdle(() => enhance(region));
    else document.documentElement.setAttribute(C.STATUS_ATTR, "static");
  }
}

// A reader who asked the browser to save data, or whose connection the browser
// rates as 2G or 3G, gets the static page only: the engine's download would cost
// them money or minutes, and every link works without it.
function affordable() {
  const connection = navigator.connection;
  if (!connection) return true;
  if (connection.saveData) return false;
  return !/(^|-)(2g|3g)$/.test(connection.effectiveType ?? "");
}

// The engine starts when the page has been drawn and the browser is idle: it
// never competes with the first paint.
function whenIdle(task) {
  const later = () => (window.requestIdleCallback
    ? requestIdleCallback(task, { timeout: 2000 })
    : setTimeout(task, 50));
  if (document.readyState === "complete") later();
  else addEventListener("load", later, { once: true });
}

// --- checklist ticks: this tab only --------------------------------------------------------

// A tick belongs to one outcome page: its key is the tree, the answers that led
// there (option ids, the same in every language) and the box's id. The same
// document on another outcome, or on this outcome for someone else (other
// answers), is ticked on its own.
function statePath(root) {
  const answers = parseAnswers(root.getAttribute(C.DATA_ANSWERS));
  return [root.getAttribute(C.DATA_TREE), ...Object.values(answers)].join("/") + "/";
}

function tickKey(root, box) {
  return C.CHECK_KEY + statePath(root) + box.id;
}

function keepTicks(root) {
  restoreTicks(root);
  root.addEventListener("click", (event) => {
    // "Print my plan": the outcome with this tab's ticks, through the print stylesheet.
    if (event.target.closest?.(`[${C.PRINT_ATTR}]`)) window.print();
    // Start again: this tree's ticks go with its answers (engine or plain link alike).
    if (event.target.closest?.(`.${C.RESTART_CLASS} a`)) clearTicks(root.getAttribute(C.DATA_TREE));
  });
  // Paper shows every fold (what each document is, the sources): the print stylesheet
  // opens them where the browser knows ::details-content; here, everywhere else too.
  let opened = [];
  addEventListener("beforeprint", () => {
    opened = [...document.querySelectorAll(`#${C.REGION_ID} details:not([open])`)];
    for (const fold of opened) fold.open = true;
  });
  addEventListener("afterprint", () => {
    for (const fold of opened) fold.open = false;
    opened = [];
  });
  root.addEventListener("change", (event) => {
    const box = event.target;
    if (!box.matches?.(TICK_BOXES) || !box.id) return;
    try {
      if (box.checked) sessionStorage.setItem(tickKey(root, box), "1");
      else sessionStorage.removeItem(tickKey(root, box));
    } catch {
      // storage off: the tick still works on this page
    }
  });
}

function restoreTicks(root) {
  for (const box of root.querySelectorAll(TICK_BOXES)) {
    try {
      box.checked = box.id !== "" && sessionStorage.getItem(tickKey(root, box)) === "1";
    } catch {
      return;
    }
  }
}

function clearTicks(tree) {
  try {
    const prefix = C.CHECK_KEY + tree + "/";
    for (const key of Object.keys(sessionStorage)) {
      if (key.startsWith(prefix)) sessionStorage.removeItem(key);
    }
  } catch {
    // storage off: nothing was kept
  }
}

// --- the engine --------------------------------------------------------------------------

function enhance(region) {
  const lang = region.getAttribute(C.DATA_LANG);
  // An embed page (a frame on another site) renders its outward links to open in a new tab.
  const embed = region.getAttribute(C.DATA_EMBED) === "true";
  const startURL = new URL(location.href);
  const wizardRoot = new URL(region.getAttribute(C.DATA_ROOT), startURL);
  let worker;
  try {
    worker = new Worker(new URL("worker.mjs", import.meta.url), { type: "module" });
  } catch {
    return; // workers refused (CSP, old browser): stay static
  }
  let state = "booting"; // -> "ready" | "gone"
  let timeZone = null;
  // What the state was drawn from: the tree, the answers (with those the path no
  // longer takes, kept for when it comes back to them) and, after Back or Change,
  // `earlier`: every answer given so far, the one asked again included.
  let current = {
    tree: region.getAttribute(C.DATA_TREE),
    answers: parseAnswers(region.getAttribute(C.DATA_ANSWERS)),
  };
  let latest = 0; // the newest navigation; older results are dropped
  let calls = 0;
  const pending = new Map();

  const giveUp = () => {
    if (state === "gone") return;
    state = "gone";
    clearTimeout(bootTimer);
    worker.terminate();
    for (const { reject } of pending.values()) reject(new Error("engine gone"));
    pending.clear();
    document.documentElement.setAttribute(C.STATUS_ATTR, "static");
  };
  const bootTimer = setTimeout(giveUp, READY_TIMEOUT_MS);

  worker.addEventListener("error", giveUp);
  worker.addEventListener("messageerror", giveUp);
  worker.addEventListener("message", (event) => {
    const msg = event.data;
    if (msg.type === "ready" && state === "booting") {
      clearTimeout(bootTimer);
      state = "ready";
      timeZone = msg.timeZone;
      start();
    } else if (msg.type === "failed") {
      giveUp();
    } else if (msg.type === "rendered" && pending.has(msg.id)) {
      const { resolve, reject, timer } = pending.get(msg.id);
      clearTimeout(timer);
      pending.delete(msg.id);
      if (msg.ok) resolve(JSON.parse(msg.value));
      else reject(new Error(msg.error));
    }
  });
  worker.postMessage({ type: "init", tree: current.tree });

  function render(request) {
    return new Promise((resolve, reject) => {
      if (state !== "ready") {
        reject(new Error("engine not ready"));
        return;
      }
      const id = ++calls;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error("step timed out"));
      }, STEP_TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      worker.postMessage({ type: "render", id, request: { ...request, lang, now: clock(timeZone), embed } });
    });
  }

  // ---- once ready ----

  let titleSuffix = "";
  let alternates = [];
  let status = null;

  function start() {
    const heading = document.getElementById(C.HEADING_ID);
    const headingText = heading ? heading.textContent.trim() : "";
    if (headingText && document.title.startsWith(headingText)) {
      titleSuffix = document.title.slice(headingText.length);
    }
    alternates = pinChrome(region, startURL, wizardRoot);
    status = document.createElement("p");
    status.setAttribute("role", "status");
    status.className = C.HIDDEN_CLASS;
    region.after(status);
    history.replaceState({ ...history.state, tebiki: current }, "", location.href);
    document.addEventListener("click", onClick);
    window.addEventListener("popstate", onPopState);
    document.documentElement.setAttribute(C.STATUS_ATTR, "ready");
    performance.mark?.(C.MARK_READY);
    // Redraw this state with the visitor's clock (open-now notes), in place.
    const token = ++latest;
    render(current)
      .then((result) => token === latest && show(result, { quiet: true }))
      .catch(() => {});
  }

  function onClick(event) {
    if (state !== "ready" || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest?.("a[href]");
    if (!link || !region.contains(link) || link.hasAttribute("download")) return;
    if (link.target && link.target !== "_self") return;
    const url = new URL(link.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(wizardRoot.pathname)) return;
    if (url.pathname === location.pathname && url.hash) return; // an anchor on this page
    event.preventDefault();
    const token = ++latest;
    const request = requestFor(link, url);
    render(request)
      .then((result) => {
        if (token !== latest) return;
        current = { tree: result.tree, answers: result.answers };
        if (request.earlier) current.earlier = request.earlier;
        history.pushState({ ...history.state, tebiki: current }, "",
          new URL(result.url, wizardRoot).href);
        show(result, { quiet: false });
      })
      .catch(() => {
        if (token === latest) location.assign(link.href);
      });
  }

  // What a link asks for. Answers the path no longer takes are kept, so an
  // earlier answer can be changed without losing the later ones that still apply;
  // the renderer then names the ones it kept (`answered`), and a question asked
  // again marks the answer given before (`earlier`).
  function requestFor(link, url) {
    const known = { ...current.earlier, ...current.answers };
    if (link.hasAttribute(C.DATA_OPTION) && region.getAttribute(C.DATA_STATE) === "question") {
      const question = region.getAttribute(C.DATA_NODE);
      const answers = { ...known, [question]: link.getAttribute(C.DATA_OPTION) };
      return { tree: current.tree, answers, answered: question };
    }
    // Change asks its question again, Back the last one asked: without its answer,
    // which the question then marks as the one given before.
    const path = Object.keys(parseAnswers(region.getAttribute(C.DATA_ANSWERS)));
    const again = link.hasAttribute(C.DATA_QUESTION) ? link.getAttribute(C.DATA_QUESTION)
      : link.classList.contains(C.BACK_CLASS) ? path[path.length - 1] : undefined;
    if (again !== undefined) {
      const answers = { ...known };
      delete answers[again];
      return { tree: current.tree, answers, earlier: known };
    }
    // Start again, another tree: the state the URL names.
    const [tree, ...options] = url.pathname.slice(wizardRoot.pathname.length)
      .split("/").filter(Boolean).map(decodeURIComponent);
    return { tree, options };
  }

  function onPopState(event) {
    const saved = event.state?.tebiki;
    if (!saved || state !== "ready") return;
    const token = ++latest;
    render(saved)
      .then((result) => {
        if (token !== latest) return;
        current = saved;
        show(result, { quiet: false });
      })
      .catch(() => {
        if (token === latest) location.reload();
      });
  }

  function show(result, { quiet }) {
    const template = document.createElement("template");
    template.innerHTML = result.html;
    const fresh = template.content.firstElementChild;
    if (quiet && fresh.innerHTML === region.innerHTML) return;
    const focused = quiet ? focusIndex(region) : -1;
    for (const name of region.getAttributeNames()) {
      if (!fresh.hasAttribute(name)) region.removeAttribute(name);
    }
    for (const { name, value } of fresh.attributes) region.setAttribute(name, value);
    region.replaceChildren(...fresh.childNodes);
    performance.mark?.(C.MARK_STEP);
    restoreTicks(region);
    document.title = result.title + titleSuffix;
    // The page may show the state's title elsewhere too (a header bar, say).
    for (const element of document.querySelectorAll(`[${C.TITLE_ATTR}]`)) {
      element.textContent = result.title;
    }
    for (const { element, attribute, root } of alternates) {
      element.setAttribute(attribute, new URL(result.url, root).href);
    }
    if (quiet) {
      if (focused >= 0) focusables(region)[focused]?.focus();
      return;
    }
    // The notice naming the earlier answers a change kept sits above the heading:
    // focus the heading without scrolling, and show the page from its top, so the
    // Back link and the notice are not under the site's header or its top button.
    const kept = region.querySelector(`.${C.KEPT_CLASS}`);
    document.getElementById(C.HEADING_ID)?.focus(kept ? { preventScroll: true } : undefined);
    if (kept) window.scrollTo(0, 0);
    // Emptied first, so the same title twice is still announced; with it, the
    // notice (the renderer's words).
    status.textContent = "";
    setTimeout(() => {
      status.textContent = kept ? `${result.title}\n${kept.innerText.trim()}` : result.title;
    }, 50);
  }
}

// --- helpers -----------------------------------------------------------------------------

function parseAnswers(text) {
  try {
    const answers = JSON.parse(text || "{}");
    return answers && typeof answers === "object" && !Array.isArray(answers) ? answers : {};
  } catch {
    return {};
  }
}

function focusables(root) {
  return [...root.querySelectorAll("a[href], input, button, [tabindex]")];
}

function focusIndex(root) {
  return root.contains(document.activeElement) ? focusables(root).indexOf(document.activeElement) : -1;
}

// The page around the wizard keeps working when the URL changes under it:
// its relative links are made absolute (resolved against the page they were
// written for), and links to this state in other languages are returned so
// they can follow the state. Only links into the same state's folder count.
function pinChrome(region, pageURL, wizardRoot) {
  const statePath = pageURL.pathname.slice(wizardRoot.pathname.length);
  const alternates = [];
  // Not stylesheets: they are loaded, and a new href would load them again. Not the
  // icon either: it is a data URL, the same at any address.
  for (const [selector, attribute] of [
    ["a[href], area[href], link[href][hreflang]", "href"],
    ["form[action]", "action"]]) {
    for (const element of document.querySelectorAll(selector)) {
      if (region.contains(element)) continue;
      const value = element.getAttribute(attribute);
      if (value === null || value.startsWith("#")) continue;
      const url = new URL(value, pageURL);
      element.setAttribute(attribute, url.href);
      if (element.hasAttribute("hreflang") && url.origin === pageURL.origin
        && statePath && url.pathname.endsWith(statePath)) {
        const root = new URL(url.pathname.slice(0, -statePath.length), url);
        alternates.push({ element, attribute, root });
      }
    }
  }
  return alternates;
}

// The visitor's clock as wall-clock time where the places are (the manifest's
// zone, e.g. Asia/Tokyo), like 2026-11-28T09:30; local time if the zone is unknown.
const formats = new Map(); // the first one costs ~10 ms (time zone data): made once

function clock(timeZone) {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  try {
    if (timeZone) {
      if (!formats.has(timeZone)) {
        formats.set(timeZone, new Intl.DateTimeFormat("en-US", {
          timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
          hour: "2-digit", minute: "2-digit",
        }));
      }
      const parts = {};
      for (const part of formats.get(timeZone).formatToParts(now)) parts[part.type] = part.value;
      return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
    }
  } catch {
    // unknown zone: local time below
  }
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}`;
}
