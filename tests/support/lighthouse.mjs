// Lighthouse's accessibility audit of several pages in one Chromium that the caller
// started with --remote-debugging-port: one Node and one browser for all of them.
// Usage: node lighthouse.mjs PORT URL...
// Prints JSON, one entry per URL: {url, score, error, failures: [{id, title, items}]},
// where failures are the audits that did not pass (weighted or not).
import lighthouse from "lighthouse";

const [port, ...urls] = process.argv.slice(2);
const config = {
  extends: "lighthouse:default",
  settings: {
    onlyCategories: ["accessibility"],
    // Only the page's markup is audited: no screenshot, and shorter waits for a
    // quiet network and CPU than a performance audit needs (the pages are local).
    disableFullPageScreenshot: true,
    pauseAfterFcpMs: 250,
    pauseAfterLoadMs: 250,
    networkQuietThresholdMs: 500,
    cpuQuietThresholdMs: 500,
  },
};

const results = [];
for (const url of urls) {
  const { lhr } = await lighthouse(url, { port: Number(port), logLevel: "error" }, config);
  const failures = Object.values(lhr.audits)
    .filter((audit) => audit.score !== null && audit.score < 1
      && ["binary", "numeric"].includes(audit.scoreDisplayMode))
    .map((audit) => ({
      id: audit.id,
      title: audit.title,
      items: (audit.details?.items ?? []).map((item) => item.node?.snippet ?? null),
    }));
  results.push({
    url,
    score: lhr.categories.accessibility.score,
    error: lhr.runtimeError ? lhr.runtimeError.message : null,
    failures,
  });
}
process.stdout.write(JSON.stringify(results));
