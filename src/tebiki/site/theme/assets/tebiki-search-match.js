// Which wizards a search is about: the query against each tree's title and
// `keywords:` (pagefind/tebiki-trees.<lang>.json, written by tebiki.site.search).
// The same for the pages' sections that have search words in their front
// matter (pagefind/tebiki-pages.<lang>.json: the heading and its words).
//
// No word segmenter: browsers split Japanese differently from each other and
// from Pagefind's index, so texts are compared as units that need none:
// two-character pieces of Japanese (忘れた -> 忘れ, れた) and whole words of
// other scripts ("forgot" also matches "forgotten", "pin" matches "pins").
// A unit that many trees share (暗証, "pin") counts for little, one that no
// tree has (a word about something else) for much, so "暗証番号 安全" offers
// no wizard while 「暗証番号 忘れた」 offers the forgot-PIN one.

const JAPANESE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々]/u;
const RUNS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々]+|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々]+/gu;

// A tree is offered when its best phrase (or, a little discounted, all of its
// phrases together) holds this share of the query's weight, and is at most
// NEAR below the best tree; never more than MAX trees. A page's section comes
// before the wizards only when it scores more than NEAR above the best of them.
const THRESHOLD = 0.55;
export const NEAR = 0.15;
const MAX = 2;
const UNION_DISCOUNT = 0.9;
// How much a phrase said whole counts beside how much of the query it holds.
const PRECISION = 0.25;
// More trees than this above the threshold: the query is too general to offer any.
const SPECIFIC = 3;
// A unit no tree has counts as if two trees had it: typed without spaces,
// 「暗証番号初期化」 holds 号初, which is in no phrase and says little.
const UNKNOWN_DF = 2;
// A query needs a unit at least as rare as one that this many trees share.
const COMMON_DF = 3;

export function units(text) {
  const out = [];
  const normal = text.normalize("NFKC").toLowerCase();
  for (const chunk of normal.split(/[^\p{L}\p{N}ー々]+/u)) {
    for (const run of chunk.match(RUNS) || []) {
      if (!JAPANESE.test(run)) {
        out.push(run);
      } else if (run.length === 1) {
        out.push(run);
      } else {
        for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
      }
    }
  }
  return out;
}

function related(a, b) {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (JAPANESE.test(short)) return short.length === 1 && long.includes(short);
  return long === short + "s" || (short.length >= 4 && long.startsWith(short));
}

class Phrase {
  constructor(texts) {
    this.units = new Set(texts.flatMap(units));
  }
  has(unit) {
    if (this.units.has(unit)) return true;
    for (const mine of this.units) if (related(unit, mine)) return true;
    return false;
  }
  // The share of this phrase the query says: a keyword said whole ("lost card")
  // beats a longer one that only contains the query ("lost card abroad").
  precision(asked) {
    let said = 0;
    for (const mine of this.units) if (asked.some((unit) => related(unit, mine))) said++;
    return this.units.size ? said / this.units.size : 0;
  }
}

// The trees (or sections: {title, keywords}) as the matcher needs them (done once per page).
export function prepare(trees) {
  return trees.map((tree) => {
    const phrases = [tree.title, ...tree.keywords].map((text) => new Phrase([text]));
    return { tree, phrases, all: new Phrase([tree.title, ...tree.keywords]) };
  });
}

// The trees a query is about, best first: [{tree, score}]. Each word of the
// query counts by how rare its units are among the trees (the mean over its
// units, so a long word such as マイナンバーカード, eight units, counts once);
// a phrase scores the weighted share of the query's words it holds.
// `among` is what rarity is counted in: the sections are few, so their words
// are weighed among the trees and sections together (暗証番号 is in many trees,
// so 「暗証番号 安全」 is no section's query).
export function matchTrees(query, prepared, among = prepared) {
  const words = query.split(/\s+/).map(units).filter((w) => w.length);
  const asked = [...new Set(words.flat())];
  if (!asked.length || !prepared.length) return [];
  const n = among.length;
  const weight = new Map(asked.map((unit) => {
    const df = among.filter((p) => p.all.has(unit)).length;
    return [unit, Math.log((n + 1) / ((df || UNKNOWN_DF) + 0.5))];
  }));
  const sum = (list, f) => list.reduce((total, item) => total + f(item), 0);
  const importance = words.map((w) => sum(w, (u) => weight.get(u)) / w.length);
  const total = sum(importance, (i) => i);
  // Only units that many trees share ("暗証番号", "pin"): no wizard is meant.
  if (Math.max(...weight.values()) < Math.log((n + 1) / (COMMON_DF + 0.5))) return [];
  const held = (phrase) => sum(words.map((w, i) => [w, i]), ([w, i]) =>
    importance[i] * sum(w, (u) => (phrase.has(u) ? weight.get(u) : 0)) / sum(w, (u) => weight.get(u))
  ) / total;
  const said = (phrase) => held(phrase) * (1 - PRECISION + PRECISION * phrase.precision(asked));
  const scored = prepared
    .map((p) => ({
      tree: p.tree,
      score: Math.max(...p.phrases.map(said), UNION_DISCOUNT * held(p.all)),
    }))
    .filter((s) => s.score >= THRESHOLD)
    .sort((a, b) => b.score - a.score);
  // A query that many trees answer ("暗証番号", "card") is no wizard's: the pages list them.
  if (!scored.length || scored.length > SPECIFIC) return [];
  return scored.filter((s) => s.score >= scored[0].score - NEAR).slice(0, MAX);
}
