// The search page: the wizards a query is about first, then the pages Pagefind
// finds, each with the sections the words were found in.
//
// - The wizards: the query against each tree's title and `keywords:` (see
//   tebiki-search-match.js), from pagefind/tebiki-trees.<lang>.json. A wizard's
//   result links to its first question, shows the tree's summary, and lists
//   the matching sections of its guide (or links to the whole guide).
// - The sections a page's front matter gives search words (the words residents
//   type that the page does not say), from pagefind/tebiki-pages.<lang>.json,
//   matched the same way: the page comes next, its title link at that section.
// - The pages: Pagefind (WebAssembly, same origin), which picks the index of
//   the page's <html lang>. A result links to the section it was found in (a
//   heading with an id), not to the top of a long guide, and names up to two
//   more; a guide's result also offers its wizard.
//
// The wizards first, then the sections found by their search words (a section
// that fits the query clearly better than any wizard, 「何回間違えるとロック」,
// before them), then the rest of Pagefind's pages; no page is listed twice.
//
// Words come from data-* attributes the page renders from the labels. Results
// are built with textContent; Pagefind's excerpts are its own escaped text with
// <mark> around the words found, and are rebuilt from text nodes and <mark>
// elements, so nothing in an excerpt can become markup.

import { NEAR, matchTrees, prepare } from "./tebiki-search-match.js";

const box = document.getElementById("tebiki-search");
const form = box.querySelector("form");
const input = box.querySelector("input[type=search]");
const status = document.getElementById("tebiki-search-status");
const list = document.getElementById("tebiki-search-results");
const words = box.dataset;
const lang = document.documentElement.lang;
const bundle = new URL(box.dataset.bundle, document.baseURI);
const siteRoot = new URL("../", bundle); // pagefind/ is at the site's root

const PAGES = 10; // page results shown
const SECTIONS = 3; // sections named per result

form.hidden = false; // without JavaScript the page says search needs it, and shows no form

function say(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
}

// A JSON file of the search bundle; without it (a file that did not load) the
// rest of the search still works.
async function entries(name) {
  try {
    const response = await fetch(new URL(name, bundle));
    if (!response.ok) throw new Error(`${response.status} ${response.url}`);
    return await response.json();
  } catch (error) {
    console.error(error);
    return [];
  }
}

let pagefind = null;
async function engine() {
  if (!pagefind) {
    const module = await import(new URL("pagefind.js", bundle).href);
    // Result URLs start at the site's root, wherever the site is published.
    await module.options({ excerptLength: 24, baseUrl: siteRoot.pathname });
    pagefind = module;
  }
  return pagefind;
}

// The wizards' entries.
let trees = null;
async function wizards() {
  if (!trees) {
    trees = prepare((await entries(`tebiki-trees.${lang}.json`)).map((tree) => ({
      ...tree,
      wizard: new URL(tree.wizard, siteRoot).pathname,
      guide: tree.guide ? new URL(tree.guide, siteRoot).pathname : null,
    })));
  }
  return trees;
}

// The pages' sections that have search words: {title (the heading), keywords,
// page (its title), path (the page's), href (the section's)}.
let worded = null;
async function wordedSections() {
  if (!worded) {
    worded = prepare((await entries(`tebiki-pages.${lang}.json`)).map((section) => {
      const page = new URL(section.url, siteRoot).pathname;
      return { ...section, path: page, href: `${page}#${section.anchor}` };
    }));
  }
  return worded;
}

// One-letter words (a, I, and the kana Japanese queries are split into: た, を)
// match the start of thousands of words in the index, and rank pages by how
// many such words they hold: Pagefind gets the query without them.
function forPagefind(query) {
  if (typeof Intl.Segmenter !== "function") return query;
  const segmenter = new Intl.Segmenter(lang, { granularity: "word" });
  const kept = [];
  for (const { segment, isWordLike } of segmenter.segment(query)) {
    if (isWordLike && !/^[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Latin}]$/u.test(segment)) {
      kept.push(segment);
    }
  }
  return kept.length ? kept.join(" ") : query;
}

async function pages(query) {
  const search = await (await engine()).search(forPagefind(query));
  return Promise.all(search.results.slice(0, PAGES + 2).map((r) => r.data()));
}

// Pagefind's excerpt is the page's text with < and > escaped and <mark> around
// the words found: rebuilt as text nodes and <mark> elements.
function highlighted(excerpt) {
  const out = document.createDocumentFragment();
  for (const piece of excerpt.split(/(<mark>.*?<\/mark>)/s)) {
    const marked = piece.startsWith("<mark>");
    const text = (marked ? piece.slice(6, -7) : piece).replace(/&lt;/g, "<").replace(/&gt;/g, ">");
    if (!text) continue;
    out.append(marked ? element("mark", "", text) : text);
  }
  return out;
}

// How many different words an excerpt shows found: a section holding all the
// words of the query beats one that repeats one of them.
function wordsFound(excerpt) {
  return new Set([...(excerpt || "").matchAll(/<mark>(.*?)<\/mark>/gs)].map((m) => m[1].toLowerCase())).size;
}

function element(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (typeof content === "string") node.textContent = content;
  else if (content) node.append(content);
  return node;
}

function link(href, text, className) {
  const a = element("a", className, text);
  a.href = href;
  return a;
}

function path(url) {
  return new URL(url, location.href).pathname;
}

// The sections of a page result, best first (the most different words found,
// then the most weighted hits: a heading weighs more than text); its first
// heading (the page's title) stands for the page itself.
function sections(result) {
  const subs = (result.sub_results || []).map((sub, i) => ({
    title: sub.title,
    url: i === 0 || !sub.anchor || sub.anchor.element === "h1" ? result.url : sub.url,
    excerpt: sub.excerpt,
    words: wordsFound(sub.excerpt),
    hits: (sub.weighted_locations || []).reduce((sum, loc) => sum + loc.balanced_score, 0),
  }));
  const seen = new Set();
  return subs
    .sort((a, b) => b.words - a.words || b.hits - a.hits)
    .filter((sub) => !seen.has(sub.url) && seen.add(sub.url));
}

function sectionList(found) {
  const ul = element("ul", "tebiki-search__sections");
  for (const section of found) {
    const li = element("li");
    li.append(link(section.url, section.title));
    if (section.excerpt) li.append(element("p", "tebiki-search__excerpt", highlighted(section.excerpt)));
    ul.append(li);
  }
  return ul;
}

function wizardResult(tree, guideResult) {
  const item = element("li", "tebiki-search__result tebiki-search__result--wizard");
  item.append(link(tree.wizard, tree.title, "tebiki-search__title"));
  item.append(element("p", "tebiki-search__kind", words.startWizard));
  item.append(element("p", "tebiki-search__excerpt", tree.summary));
  if (guideResult) {
    const found = sections(guideResult).filter((s) => s.url !== guideResult.url).slice(0, SECTIONS);
    if (found.length) {
      item.append(element("p", "tebiki-search__in-guide", words.searchInGuide));
      item.append(sectionList(found));
    }
  }
  if (tree.guide) {
    item.append(element("p", "tebiki-search__more", link(tree.guide, words.readGuide)));
  }
  return item;
}

// `lead`: the section found by its search words, which comes first.
function pageResult(result, tree, lead) {
  const item = element("li", "tebiki-search__result");
  let found = sections(result);
  if (lead) {
    const same = found.find((s) => s.url === lead.href);
    found = [{ url: lead.href, title: lead.title, excerpt: same && same.excerpt },
             ...found.filter((s) => s !== same)];
  }
  const [best, ...more] = found;
  const page = result.meta.title || result.url;
  if (best && best.url !== result.url) {
    item.append(link(best.url, best.title, "tebiki-search__title"));
    item.append(element("p", "tebiki-search__page", page));
  } else {
    item.append(link(result.url, page, "tebiki-search__title"));
  }
  item.append(element("p", "tebiki-search__excerpt",
                      highlighted((best && best.excerpt) || result.excerpt)));
  const others = more.filter((s) => s.url !== result.url).slice(0, SECTIONS - 1);
  if (others.length) item.append(sectionList(others));
  if (tree) {
    item.append(element("p", "tebiki-search__more", link(tree.wizard, words.startWizard)));
  }
  return item;
}

// A section found by its search words on a page Pagefind did not find (the
// query's words are not on it).
function sectionResult(section, tree) {
  const item = element("li", "tebiki-search__result");
  item.append(link(section.href, section.title, "tebiki-search__title"));
  item.append(element("p", "tebiki-search__page", section.page));
  if (tree) {
    item.append(element("p", "tebiki-search__more", link(tree.wizard, words.startWizard)));
  }
  return item;
}

let latest = 0;
async function run(query) {
  const ticket = ++latest;
  list.replaceChildren();
  list.hidden = true;
  if (!query) {
    status.textContent = "";
    return;
  }
  status.textContent = words.searchLoading;
  let offered, leads, found;
  try {
    const [prepared, preparedSections, results] =
      await Promise.all([wizards(), wordedSections(), pages(query)]);
    const wizardsFound = matchTrees(query, prepared);
    offered = wizardsFound.map((m) => m.tree);
    const best = wizardsFound.length ? wizardsFound[0].score : 0;
    leads = matchTrees(query, preparedSections, [...prepared, ...preparedSections])
      .map((m) => ({ section: m.tree, first: m.score > best + NEAR }));
    found = results;
  } catch (error) {
    if (ticket === latest) status.textContent = words.searchFailed;
    console.error(error);
    return;
  }
  if (ticket !== latest) return;
  const byGuide = new Map((trees || []).filter((p) => p.tree.guide).map((p) => [p.tree.guide, p.tree]));
  const shown = new Set(offered.map((tree) => tree.guide));
  const sectionItems = (wanted) => leads.filter((lead) => lead.first === wanted).flatMap(({ section }) => {
    if (shown.has(section.path)) return [];
    shown.add(section.path);
    const result = found.find((r) => path(r.url) === section.path);
    const tree = byGuide.get(section.path);
    return [result ? pageResult(result, tree, section) : sectionResult(section, tree)];
  });
  const ahead = sectionItems(true);
  const items = [
    ...ahead,
    ...offered.map((tree) => wizardResult(tree, found.find((r) => path(r.url) === tree.guide))),
    ...sectionItems(false),
  ];
  const listed = items.length;
  for (const result of found) {
    if (items.length >= PAGES + listed) break;
    if (shown.has(path(result.url))) continue;
    items.push(pageResult(result, byGuide.get(path(result.url))));
  }
  if (!items.length) {
    status.textContent = say(words.searchNone, { query });
    return;
  }
  list.append(...items);
  list.hidden = false;
  status.textContent = say(words.searchResults, { query, n: items.length });
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = input.value.trim();
  const url = new URL(location.href);
  if (query) url.searchParams.set("q", query);
  else url.searchParams.delete("q");
  history.replaceState(null, "", url);
  run(query);
});

const initial = new URL(location.href).searchParams.get("q");
if (initial) {
  input.value = initial;
  run(initial.trim());
}
