"""The `tebiki` command: new, check, serve, build, paths, answer, graph, handbook, host,
compile.

Exit status: 0 when clean, 1 when the content has errors, 2 for usage errors
(a refused --out, a build already running into it), 3 when a build failed.
Bad input never ends in a traceback: every problem is `file:line: message`,
and anything unforeseen is one line (`-v` shows the details).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from tebiki.core import engine
from tebiki.load.compile import dumps, write_bundle
from tebiki.load.content import Bundle, compile_content, load_content
from tebiki.load.validate import REVIEW_AGE_MONTHS
from tebiki.render.text import TextRenderer
from tebiki.site.output import Output, OutputError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tebiki", description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"),
                        help="the site's mkdocs.yml: its languages and tebiki's options "
                        "(default: mkdocs.yml here)")
    parser.add_argument("--content", type=Path,
                        help="folder with the trees and records (default: the tebiki "
                        "plugin's `content:` in mkdocs.yml, decision_trees)")
    # -v after any command: the details of a failure (a traceback, MkDocs' log)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true",
                        help="say more; show the details of a failure")
    sub = _Subparsers(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"),
                      common)

    check = sub.add_parser("check", help="validate every tree and record; list every problem")
    check.add_argument("--review-age-months", type=_months, default=None,
                       metavar="N", help="warn about 'reviewed:' dates older than N months "
                       "(default: the tebiki plugin's `review_age_months`, "
                       f"{REVIEW_AGE_MONTHS} if it has none)")
    check.add_argument("--today", type=_day, metavar="YYYY-MM-DD",
                       help="measure review ages from this day (default: today)")

    paths = sub.add_parser("paths", help="every path from the start to an outcome")
    paths.add_argument("tree", help="tree id, or 'all'")
    paths.add_argument("--lang", required=True, help="a language of the site (mkdocs.yml)")
    paths.add_argument("--json", action="store_true", help="print JSON")

    answer = sub.add_parser("answer", help="the next question or the outcome for some answers")
    answer.add_argument("tree")
    answer.add_argument("answers", nargs="*", metavar="QUESTION=OPTION")
    answer.add_argument("--lang", required=True, help="a language of the site")
    answer.add_argument("--now", help="local time, like 2026-11-28T09:30 (for opening hours)")
    answer.add_argument("--json", action="store_true", help="print the engine's JSON")

    build = sub.add_parser("build", help="check, then build the site into --out (swapped in "
                           "only when everything worked)")
    build.add_argument("--out", type=Path, default=Path("site"))
    build.add_argument("--no-search", action="store_true", help="skip the search index")
    build.add_argument("--no-handbook", action="store_true",
                       help="skip the printable handbooks (PDF) and the links to them")

    book = sub.add_parser("handbook", help="print the handbook (A4 PDF) of each language "
                          "into --out (needs Chromium)")
    book.add_argument("--out", type=Path, default=Path("build/handbook"))
    book.add_argument("--lang", action="append",
                      help="only this language (may be given again; default: every one)")

    graph = sub.add_parser("graph", help="a tree's whole flow as a picture (SVG): questions "
                           "and outcomes as boxes, answers as arrows")
    graph.add_argument("tree")
    graph.add_argument("--lang", required=True, help="a language of the site")
    graph.add_argument("--out", type=Path, help="write the SVG here (default: print it)")
    graph.add_argument("--dot", action="store_true", help="print the Graphviz source instead")

    host = sub.add_parser("host", help="serve a built site as a good static host would "
                          "(compressed files, cache headers)")
    host.add_argument("site", type=Path, nargs="?", default=Path("site"))
    host.add_argument("--bind", default="127.0.0.1")
    host.add_argument("--port", type=_port, default=8000)

    new = sub.add_parser("new", help="write a small working site to start from: two "
                         "languages, an example tree, its records, a guide page")
    new.add_argument("dir", type=Path)

    serve = sub.add_parser("serve", help="preview the site at http://127.0.0.1:8000/, "
                           "rebuilt on every save; content errors show on the page")
    serve.add_argument("--bind", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8000)

    comp = sub.add_parser("compile", help="write the JSON bundle for the site and the browser")
    comp.add_argument("--out", type=Path, default=Path("build/compiled"))
    return parser


# A review age past a hundred years is no review age (and a date that far back fails).
MAX_REVIEW_MONTHS = 1200


def _months(value: str) -> int:
    if not value.isascii() or not value.isdigit():
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of months (like 12)")
    if not 1 <= int(value) <= MAX_REVIEW_MONTHS:
        raise argparse.ArgumentTypeError(f"'{value[:20]}' months: give 1 to {MAX_REVIEW_MONTHS} "
                                         "(like 12)")
    return int(value)


def _port(value: str) -> int:
    if not value.isascii() or not value.isdigit() or not 0 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"'{value[:20]}' is not a port: give 1 to 65535 (like "
                                         "8000), or 0 for any free one")
    return int(value)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date written YYYY-MM-DD") from None


class _Subparsers:
    """add_parser with the options every command shares."""

    def __init__(self, action, common: argparse.ArgumentParser) -> None:
        self.action = action
        self.common = common

    def add_parser(self, name: str, **kwargs) -> argparse.ArgumentParser:
        return self.action.add_parser(name, parents=[self.common], **kwargs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    # `answer TREE --lang en Q=O` puts the answers after an option: take them too.
    if args.command == "answer" and not any(e.startswith("-") for e in extra):
        args.answers += extra
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return _run(args)
    except (UsageError, OutputError) as exc:
        print(f"tebiki: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `tebiki paths ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("tebiki: stopped (nothing was replaced)", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # the last safety net: one line, never a traceback
        return _failed(args, exc)


def _failed(args: argparse.Namespace, exc: Exception) -> int:
    from tebiki.build import one_line

    if args.verbose:
        traceback.print_exc()
    hint = "" if args.verbose else f" (run `tebiki {args.command} -v` for the details)"
    print(f"tebiki {args.command} failed: {one_line(exc)}{hint}", file=sys.stderr)
    return EXIT_FAILED


def _site(args: argparse.Namespace):
    """The site's configuration (mkdocs.yml), its content folder as given."""
    from dataclasses import replace

    from tebiki.site.config import ConfigError, load

    try:
        site = load(args.config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc
    if args.content is not None:
        site = replace(site, content=args.content.resolve())
    langs = getattr(args, "lang", None) or []
    for lang in [langs] if isinstance(langs, str) else langs:
        if lang not in site.codes:
            raise UsageError(f"--lang {lang}: the site's languages are "
                             f"{', '.join(site.codes)} (mkdocs.yml)")
    return site


def _load(args: argparse.Namespace) -> Bundle | None:
    site = _site(args)
    content = load_content(site.content, languages=site.languages, holidays=site.holidays)
    for problem in content.problems:
        print(problem.format(), file=sys.stderr)
    if content.errors:
        print(f"{len(content.errors)} error(s): fix them, then run tebiki check again",
              file=sys.stderr)
        return None
    return compile_content(content)


def _run(args: argparse.Namespace) -> int:
    if args.command == "check":
        site = _site(args)
        content = load_content(site.content, languages=site.languages, today=args.today,
                               review_age_months=args.review_age_months
                               if args.review_age_months is not None
                               else site.review_age_months, holidays=site.holidays)
        for problem in content.problems:
            print(problem.format(), file=sys.stderr)
        paths = sum(r.paths for r in content.reports.values())
        errors = len(content.errors)
        warnings = len(content.problems) - errors
        print(f"{len(content.trees)} trees, {paths} paths checked: "
              f"{errors} error(s), {warnings} warning(s)")
        return EXIT_CONTENT if errors else EXIT_OK
    if args.command == "build":
        from tebiki.build import build_site  # MkDocs is only needed here

        return build_site(args.config, args.out, content=args.content,
                          search=not args.no_search, handbook=not args.no_handbook,
                          verbose=args.verbose)
    if args.command == "host":
        return _host(args)
    if args.command == "new":
        return _new(args)
    if args.command == "serve":
        return _serve(args)
    if args.command == "handbook":
        return _handbook(args)
    if args.command == "compile":
        # The output folder is judged and locked before any work.
        site = _site(args)
        with Output(args.out, site.content, site.root) as target:
            return _run_with_content(args, target)
    return _run_with_content(args, None)


def _run_with_content(args: argparse.Namespace, target: Output | None) -> int:
    bundle = _load(args)
    if bundle is None:
        return EXIT_CONTENT
    if args.command == "paths":
        return _paths(bundle, args)
    if args.command == "answer":
        return _answer(bundle, args)
    if args.command == "graph":
        return _graph(bundle, args)
    if args.command == "compile":
        _compile(bundle, target)
        print(f"wrote {len(bundle.trees)} trees to {target.path}")
        return EXIT_OK
    raise UsageError(f"unknown command {args.command}")  # pragma: no cover


def _tree(bundle: Bundle, tree_id: str) -> dict:
    if tree_id not in bundle.trees:
        raise UsageError(f"no tree '{tree_id}'; the trees are: {', '.join(sorted(bundle.trees))}")
    return bundle.trees[tree_id]


def path_listing(bundle: Bundle, tree_id: str, lang: str) -> dict:
    """Every path of a tree with its texts in one language (the `paths --json` data)."""
    tree = _tree(bundle, tree_id)
    text = TextRenderer(bundle.labels, lang)
    paths = []
    for path in engine.iter_paths(tree):
        answers = dict(path["answers"])
        view = engine.next_step(tree, answers)
        paths.append({
            "answers": [{"question": a["question"], "question_text": text.t(a["text"]),
                         "option": a["option"], "option_label": text.t(a["label"])}
                        for a in view["answers"]],
            "outcome": {"id": view["id"], "title": text.t(view["title"]),
                        "text": "\n".join(text.outcome(view))},
        })
    return {"tree": tree_id, "lang": lang, "title": text.t(tree["title"]), "paths": paths}


def format_paths(listing: dict) -> str:
    lines = [f"# {listing['tree']}: {listing['title']} ({len(listing['paths'])} paths)"]
    for n, path in enumerate(listing["paths"], 1):
        lines.append("")
        lines.append(f"## {n}. {' > '.join(a['option'] for a in path['answers'])} "
                     f"=> {path['outcome']['id']}")
        for a in path["answers"]:
            lines.append(f"{a['question']}: {a['question_text']}")
            lines.append(f"  -> {a['option']}: {a['option_label']}")
        lines.append(f"=> {path['outcome']['id']}")
        lines.extend("   " + line if line else "" for line in path["outcome"]["text"].split("\n"))
    return "\n".join(lines) + "\n"


def _paths(bundle: Bundle, args: argparse.Namespace) -> int:
    ids = sorted(bundle.trees) if args.tree == "all" else [args.tree]
    listings = [path_listing(bundle, tid, args.lang) for tid in ids]
    if args.json:
        data = listings if args.tree == "all" else listings[0]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write("\n".join(format_paths(listing) for listing in listings))
    return EXIT_OK


def _answer(bundle: Bundle, args: argparse.Namespace) -> int:
    tree = _tree(bundle, args.tree)
    answers: dict[str, str] = {}
    for item in args.answers:
        qid, sep, oid = item.partition("=")
        if not sep or not qid or not oid:
            raise UsageError(f"'{item}' is not QUESTION=OPTION")
        if qid not in tree["questions"]:
            raise UsageError(f"tree '{args.tree}' has no question '{qid}'; its questions: "
                             f"{', '.join(tree['questions'])}")
        options = [o["id"] for o in tree["questions"][qid]["options"]]
        if oid not in options:
            raise UsageError(f"question '{qid}' has no option '{oid}'; its options: "
                             f"{', '.join(options)}")
        answers[qid] = oid
    try:
        result = engine.next_step(tree, answers, args.now)
    except ValueError as exc:
        raise UsageError(f"--now: {exc}; write it like 2026-11-28T09:30") from exc
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    text = TextRenderer(bundle.labels, args.lang)
    if result["unused"]:
        print(f"(not used on this path: {', '.join(result['unused'])})", file=sys.stderr)
    if result["type"] == "question":
        print(f"{result['id']}: {text.t(result['text'])}")
        for option in result["options"]:
            print(f"  {result['id']}={option['id']}  {text.t(option['label'])}")
    else:
        print(f"=> {result['id']}")
        print("\n".join(text.outcome(result)))
    return EXIT_OK


def _graph(bundle: Bundle, args: argparse.Namespace) -> int:
    from tebiki.render import graph

    tree = _tree(bundle, args.tree)
    if args.dot:
        sys.stdout.write(graph.dot_source(tree, bundle.labels, args.lang))
        return EXIT_OK
    try:
        svg = graph.tree_svg(tree, bundle.labels, args.lang)
    except graph.GraphError as exc:
        print(f"tebiki: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.out is None:
        sys.stdout.write(svg)
    else:
        write_own_file(args.out, GRAPH_MARK + svg, ".svg", "the picture (SVG)", GRAPH_MARK,
                       _site(args).content)
        print(f"wrote {args.out}")
    return EXIT_OK


# The first line of a picture `tebiki graph --out` wrote (an XML comment: no "--" in it);
# graph may replace such a file,
# and no other (a typo such as --out which-pin.yaml once replaced the tree).
GRAPH_MARK = "<!-- made by tebiki graph, which may replace this file -->\n"


def write_own_file(out: Path, text: str, suffix: str, what: str, mark: str,
                   content: Path | None) -> None:
    """Write `text` to `out`, a new file or one that starts with `mark` (written by this
    command before), named *`suffix`, outside the content folder; readable by everyone
    (644) whatever the umask, and whole or not at all (a temporary file renamed)."""
    from tebiki.site.output import protected_folders

    if not out.name.lower().endswith(suffix):
        raise UsageError(f"--out {out}: {what} is written to a file whose name ends in "
                         f"{suffix} (like --out flow{suffix}); nothing was written")
    resolved = Path(os.path.realpath(out.parent)) / out.name
    for folder, kind in protected_folders(content)[:1]:
        if folder in resolved.parents:
            raise UsageError(f"--out {out}: that is inside {kind} ({folder}); write it "
                             "elsewhere; nothing was written")
    if os.path.lexists(out) and (out.is_symlink() or not out.is_file()
                                 or not _starts_with(out, mark)):
        raise UsageError(f"refusing to replace {out}: it was not written by this command "
                         f"(a file it writes starts with {mark.strip()}); give a new file "
                         "name, or move that file away yourself; nothing was written")
    temp = out.with_name(f".{out.name}.tebiki-{os.getpid()}")
    try:
        temp.write_text(text, encoding="utf-8")
        os.chmod(temp, 0o644)
        os.replace(temp, out)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from exc


def _starts_with(path: Path, mark: str) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(mark.encode())) == mark.encode()
    except OSError:
        return False


def _new(args: argparse.Namespace) -> int:
    from tebiki.site.scaffold import ScaffoldError, new_site

    try:
        written = new_site(args.dir)
    except (ScaffoldError, OSError) as exc:
        raise UsageError(str(exc)) from exc
    print(f"wrote a new site into {args.dir} ({len(written)} files). Next:\n"
          f"  cd {args.dir}\n  npm install     # the in-browser wizard's runtime (once)\n"
          "  tebiki serve    # preview it, rebuilt as you edit\n"
          "  tebiki build    # the whole site into site/")
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from tebiki.site.serve import serve

    _site(args)  # a clear message for a missing or broken mkdocs.yml
    serve(args.config, bind=args.bind, port=args.port)
    return EXIT_OK


def _handbook(args: argparse.Namespace) -> int:
    """`tebiki handbook`: check the content, print the PDFs, say what was made. The
    output folder follows build's rules (tebiki.site.output): judged and locked before
    any work, the PDFs made beside it and swapped in whole, readable by everyone."""
    import time

    from tebiki.build import check_content, given_epoch, left_alone, source_date_epoch
    from tebiki.handbook.compose import HandbookError
    from tebiki.handbook.printer import make_handbooks
    from tebiki.site.config import ConfigError

    site = _site(args)
    try:
        given_epoch()
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc
    with Output(args.out, site.content, site.root) as target:
        epoch = source_date_epoch(site)
        bundle = check_content(site, epoch)
        if bundle is None:
            return EXIT_CONTENT
        started = time.perf_counter()
        staging = target.staging()
        try:
            made = make_handbooks(bundle, site, staging, epoch=epoch,
                                  languages=args.lang)
        except (HandbookError, OSError) as exc:
            details = getattr(exc, "details", "")
            if args.verbose and details:
                print(details, file=sys.stderr)
            hint = " (run with -v for Chromium's log)" if details and not args.verbose else ""
            print(f"handbook failed: {exc}{hint}\n({left_alone(target)})", file=sys.stderr)
            return EXIT_FAILED
        target.publish(staging)
    for printed in made.values():
        print(f"{target.path / printed.name}: {printed.pages} pages, "
              f"{printed.size / 1024:.0f} KB, {printed.seconds:.1f} s")
    print(f"made {len(made)} handbook(s) in {time.perf_counter() - started:.1f} s")
    return EXIT_OK


def _host(args: argparse.Namespace) -> int:
    from tebiki.site.host import server

    if not (args.site / "index.html").is_file():
        raise UsageError(f"{args.site} holds no built site (no index.html): run tebiki build")
    try:
        httpd = server(args.site, args.bind, args.port)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.bind}:{args.port}: {exc.strerror}") from exc
    print(f"serving {args.site} at http://{args.bind}:{httpd.server_port}/ (Ctrl+C to stop)")
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return EXIT_OK


def _compile(bundle: Bundle, target: Output) -> None:
    """Write the bundle beside the output, then swap it in: a failure leaves it as it was."""
    staging = target.staging()
    write_bundle(bundle.trees, bundle.records, bundle.labels, staging)
    target.publish(staging)


__all__ = ["dumps", "format_paths", "main", "path_listing"]
