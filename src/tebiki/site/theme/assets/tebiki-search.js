// The search page: Pagefind (WebAssembly, same origin) over the built site.
// Pagefind picks the index of the page's <html lang>, so the Japanese page
// searches Japanese pages and the English page English ones. Words come from
// data-* attributes the page renders from the labels; results are built with
// textContent except Pagefind's excerpt, which is its own escaped HTML.

const box = document.getElementById("tebiki-search");
const form = box.querySelector("form");
const input = box.querySelector("input[type=search]");
const status = document.getElementById("tebiki-search-status");
const list = document.getElementById("tebiki-search-results");

function say(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
}

let pagefind = null;
async function engine() {
  if (!pagefind) {
    pagefind = await import(new URL("pagefind.js", new URL(box.dataset.bundle, document.baseURI)).href);
    await pagefind.options({ excerptLength: 40 });
  }
  return pagefind;
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
  status.textContent = box.dataset.searchLoading;
  let found;
  try {
    const search = await (await engine()).search(query);
    found = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
  } catch (error) {
    status.textContent = box.dataset.searchFailed;
    console.error(error);
    return;
  }
  if (ticket !== latest) return;
  if (!found.length) {
    status.textContent = say(box.dataset.searchNone, { query });
    return;
  }
  for (const result of found) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = result.url;
    link.textContent = result.meta.title || result.url;
    const excerpt = document.createElement("p");
    excerpt.innerHTML = result.excerpt;
    item.append(link, excerpt);
    list.append(item);
  }
  list.hidden = false;
  status.textContent = say(box.dataset.searchResults, { query, n: found.length });
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
