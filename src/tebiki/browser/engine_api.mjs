// The engine both boot modules hand back (boot.mjs on Pyodide, micropython_boot.mjs
// on MicroPython), over tebiki.core.bridge once a runtime has imported it: the
// trees fetched as steps need them, the calls the worker and node_engine.mjs make.
//
// `bridge` is the runtime's proxy of the Python module (JavaScript strings in and
// out; null and undefined both reach Python as None); `trees` holds the trees'
// texts already being fetched (id -> promise), `labels` the promise of labels.json.
export async function engineOver(bridge, { manifest, resolve, readText, trees, labels }) {
  bridge.set_labels(await labels);
  bridge.set_guides(JSON.stringify(manifest.guides ?? []));

  const linked = new Map(); // tree id -> the trees its outcomes continue to
  async function tree(id) {
    if (!(id in manifest.trees)) throw new Error(`no tree ${id}`);
    if (!trees.has(id)) trees.set(id, readText(resolve(manifest.trees[id])));
    const text = await trees.get(id);
    if (text !== null) {
      linked.set(id, Object.keys(JSON.parse(text).linked_trees ?? {}));
      bridge.add_tree(text);
      trees.set(id, Promise.resolve(null)); // handed to Python: drop the text
    }
  }
  // A state renders with its tree and the trees its outcomes continue to (a
  // continue link lands on a state of those, found by walking them); other trees
  // are fetched only when a step goes there.
  async function treesFor(id) {
    await tree(id);
    await Promise.all(linked.get(id).filter((other) => other in manifest.trees).map(tree));
  }

  return {
    everyTree: () => Promise.all(Object.keys(manifest.trees).map(tree)),
    treesFor,
    async step(treeId, answers, now = null) {
      await tree(treeId);
      return bridge.step(treeId, JSON.stringify(answers), now ?? undefined);
    },
    // `request`: {tree, lang, now, answers | options}, see tebiki.core.bridge.render.
    async render(request) {
      await treesFor(request.tree);
      return bridge.render(JSON.stringify(request));
    },
    modules() {
      return JSON.parse(bridge.modules());
    },
  };
}
