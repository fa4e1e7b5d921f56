"""The names the wizard's markup and its page script share.

`tebiki.core.render` writes them into the HTML; the page script reads them
from `contract.mjs`, which the build writes from this module (see
tebiki.site.runtime), so both sides use the very same names and a rename is
one change. Standard library only: the browser runs it too.
"""

REGION_ID = "tebiki-wizard"  # the element that holds the wizard state
HEADING_ID = "tebiki-heading"  # the state's heading: focus moves here after a step
HINT_ID = "tebiki-hint"
CHECK_CLASS = "tebiki-check"  # a checklist tick box (kept in this tab's sessionStorage)
BACK_CLASS = "tebiki-back"  # the link back to the state before
OPTION_CLASS = "tebiki-option"  # an answer to the question (with data-option)
ANSWER_ID = "tebiki-answer-"  # + option id: an answer's id; Back and Change links end in
# `#tebiki-answer-<option>`, so the page they lead to marks the answer given before
KEPT_CLASS = "tebiki-kept"  # the notice naming earlier answers a changed answer kept
RESTART_CLASS = "tebiki-restart"  # around the "start again" link (it clears this tree's ticks)
HIDDEN_CLASS = "tebiki-visually-hidden"  # text for screen readers only
JS_CLASS = "tebiki-js"  # on <html> once the page script runs
PRINT_ATTR = "data-tebiki-print"  # the "print my plan" button
TITLE_ATTR = "data-tebiki-title"  # elements outside the region that show the state's title
STATUS_ATTR = "data-tebiki"  # on <html>: "ready" (the engine answers) or "static"
# data attributes of the region, and of its links (the page script reads them)
DATA_TREE = "data-tree"
DATA_LANG = "data-lang"
DATA_STATE = "data-state"  # question | outcome
DATA_NODE = "data-node"
DATA_ROOT = "data-root"  # the folder of every tree's states, relative to the page
DATA_ANSWERS = "data-answers"  # JSON: question to option, in path order
DATA_EMBED = "data-embed"  # "true" on a page for a frame on another site
DATA_OPTION = "data-option"  # on an answer's link: its option id
DATA_QUESTION = "data-question"  # on a Change link: the question it asks again
# performance marks the benchmark reads
MARK_READY = "tebiki-ready"
MARK_STEP = "tebiki-step"
# sessionStorage key of a tick: this prefix, the state's path (tree/option/.../: the
# answers that led to the outcome, in no language), then the box's id
CHECK_KEY = "tebiki-check:"

