// The embed page's side of the embed loader (embed-v1.js): tells the page
// around this frame how tall the frame must be to show the whole wizard, so
// the loader can fit the frame to it.
//
// The message is {type: "tebiki:height", height: <CSS pixels>} and nothing
// else: never an answer, an address or a text. It goes to any parent ("*"),
// so the height itself must not tell the host page what the visitor answered:
// each state has a height of its own (884, 487, 596, 493 px in one walk), and
// a host that received them could tell which outcome the visitor reached.
// So the height is rounded up to a multiple of STEP and never goes down while
// the visitor walks this tree in this tab (kept in sessionStorage, for steps
// that load a new page when the in-browser engine is not running): the host
// learns only when the tallest page so far needed another STEP, and nothing
// when the visitor goes back or starts again. Without a parent (the page
// opened on its own) nothing is sent.

if (window.parent !== window) {
  const STEP = 200;
  const key = (() => {
    // the tree's folder under embed/: one height per tree, whatever the answers
    const region = document.getElementById("tebiki-wizard");
    const root = new URL((region && region.dataset.root) || "./", location.href).pathname;
    return "tebiki:embed-height:" + location.pathname.slice(root.length).split("/")[0];
  })();
  const stored = () => {
    try {
      return Number(sessionStorage.getItem(key)) || 0;
    } catch (e) {
      return 0; // storage refused (a sandbox, a privacy setting): this page's heights only
    }
  };
  let sent = 0;
  const report = () => {
    // The document's own height (not the frame's: that would never shrink).
    const needed = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (needed <= 0) return;
    const height = Math.max(Math.ceil(needed / STEP) * STEP, sent, stored());
    if (height === sent) return;
    sent = height;
    try {
      sessionStorage.setItem(key, String(height));
    } catch (e) {
      // as above
    }
    window.parent.postMessage({ type: "tebiki:height", height }, "*");
  };
  if (window.ResizeObserver) new ResizeObserver(report).observe(document.documentElement);
  window.addEventListener("load", report);
  report();
}
