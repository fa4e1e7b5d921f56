// The embed page's side of the embed loader (embed-v1.js): tells the page
// around this frame how tall the wizard is, whenever that changes (a step, a
// narrower frame, a larger font), so the loader can fit the frame to it.
//
// The message is {type: "tebiki:height", height: <CSS pixels>} and nothing
// else: never an answer, an address or a text. It goes to any parent ("*")
// because the height is all it says. Without a parent (the page opened on
// its own) nothing is sent.

if (window.parent !== window) {
  let last = 0;
  const report = () => {
    // The document's own height (not the frame's: that would never shrink).
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height > 0 && height !== last) {
      last = height;
      window.parent.postMessage({ type: "tebiki:height", height }, "*");
    }
  };
  if (window.ResizeObserver) new ResizeObserver(report).observe(document.documentElement);
  window.addEventListener("load", report);
  report();
}
