// tebiki embed loader, version 1: turns each
//   <div data-tebiki-embed data-src="https://GUIDE/embed/<tree>/" data-title="...">
// on the host page into an iframe of that embed page (titled with data-title,
// width 100%) and keeps the frame as tall as its content. The embed page posts
// {type: "tebiki:height", height: N} to its parent whenever its height changes;
// only messages from that frame's window and origin, with a sane number, count.
// Nothing else crosses: no answers, no addresses, no words (this file has none).
//
// Published with a Subresource Integrity hash: once released, these bytes never
// change (the build drops the // lines, so comments may). A new contract is
// embed-v2.js, beside this one.
(function () {
  "use strict";
  var frames = [];
  function start() {
    var hosts = document.querySelectorAll("[data-tebiki-embed]");
    for (var i = 0; i < hosts.length; i++) {
      var host = hosts[i];
      if (host.getAttribute("data-tebiki-embed") === "done") continue;
      var url;
      try {
        url = new URL(host.getAttribute("data-src"), document.baseURI);
      } catch (e) {
        continue;
      }
      if (url.protocol !== "https:" && url.protocol !== "http:") continue;
      host.setAttribute("data-tebiki-embed", "done");
      var frame = document.createElement("iframe");
      frame.src = url.href;
      frame.title = host.getAttribute("data-title") || host.textContent.trim();
      frame.width = "100%";
      frame.height = host.getAttribute("data-height") || "600";
      frame.loading = "lazy";
      frame.style.border = "0";
      frame.style.display = "block";
      frames.push({ frame: frame, origin: url.origin });
      host.textContent = "";
      host.appendChild(frame);
    }
  }
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "tebiki:height") return;
    var height = data.height;
    if (typeof height !== "number" || !(height >= 50 && height <= 50000)) return;
    for (var i = 0; i < frames.length; i++) {
      var f = frames[i];
      if (event.source === f.frame.contentWindow && event.origin === f.origin) {
        f.frame.height = String(Math.ceil(height));
      }
    }
  });
  start();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
})();
