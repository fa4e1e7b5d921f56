"""Where every state of a wizard lives: the one layout of states and URLs.

A tree's wizard is a folder, `wizard/<tree>/` beside `guide/<tree>/` in each
language's part of the site (the guide's folder also holds the tree's whole
flow as a picture, `guide/<tree>/flow.svg`, and a page showing it full size,
`guide/<tree>/flow/`); each state (the answers so far, in the order the
questions were asked) is a folder below it, one segment per answer:
`wizard/pin-reset/signature/holder/`. The embed pages use the same layout
under `embed/`. Static pages, embed pages, the browser bridge and the tests
all ask this module, so the layout is said once.

Standard library only: the browser runs it too (see tebiki.core).
"""

from . import engine

WIZARD = "wizard"  # the wizard states' folder in each language's part of the site
EMBED = "embed"  # the same states, for a frame on another site
GUIDE = "guide"  # a tree's whole guide: guide/<tree>/
RUNTIME = "_tebiki"  # the in-browser runtime, once for the whole site
FLOW = "flow.svg"  # a tree's whole flow as a picture, in its guide's folder
FLOW_PAGE = "flow"  # the page that shows that picture full size, a folder beside it


def states(tree: dict) -> list:
    """Every reachable state of a tree: each prefix of each path that ends at an
    outcome, as [(question, option), ...], the start (no answers) first."""
    seen: set = set()
    found: list = []
    for path in engine.iter_paths(tree):
        if path["end"] != "outcome":
            continue
        answers = path["answers"]
        for n in range(len(answers) + 1):
            key = tuple(o for _q, o in answers[:n])
            if key not in seen:
                seen.add(key)
                found.append(answers[:n])
    return found


def state_path(tree_id: str, options: list) -> str:
    """A state's folder below the wizard's (or the embed pages') folder: 'tree/a/b/'."""
    return tree_id + "/" + "".join(o + "/" for o in options)


def state_url(root: str, tree_id: str, options: list) -> str:
    """The URL of the state reached by choosing `options` in order; `root` is the URL
    of the folder that holds every tree's states, ending in '/'."""
    return root + state_path(tree_id, options)


def up_from_state(options: list) -> str:
    """From a state's page back to the folder that holds every tree's states."""
    return "../" * (len(options) + 1)


def guide_url(states_root: str, tree_id: str) -> str:
    """A tree's guide page, from the folder of the states (wizard/ or embed/)."""
    return states_root + "../" + GUIDE + "/" + tree_id + "/"


def flow_path(tree_id: str) -> str:
    """A tree's flow picture, from the root of its language: 'guide/<tree>/flow.svg'."""
    return GUIDE + "/" + tree_id + "/" + FLOW


def flow_page_path(tree_id: str) -> str:
    """The page showing a tree's flow picture full size, from the root of its language:
    'guide/<tree>/flow/'."""
    return GUIDE + "/" + tree_id + "/" + FLOW_PAGE + "/"


def answers_for(tree: dict, options: list) -> dict:
    """The answers a state URL stands for: its option ids taken in order from the start.

    Options a question does not offer end the walk there, as a static page
    for that URL would not exist.
    """
    answers: dict = {}
    kind, node = engine.resolve(tree, tree["start"], answers)
    for option in options:
        if kind != "question":
            break
        offered = {o["id"]: o for o in engine.offered_options(tree["questions"][node])}
        if option not in offered or node in answers:
            break
        answers[node] = option
        kind, node = engine.resolve(tree, offered[option]["next"], answers)
    return answers
