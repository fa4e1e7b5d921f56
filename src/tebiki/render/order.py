"""The order a reader meets a tree's questions in: the guide pages number them so,
and the flow picture gives each box the same number."""

from __future__ import annotations


def questions_in_order(tree: dict) -> list:
    """Questions in the order a reader meets them: breadth first from the start."""
    order: list = []
    queue = [tree["start"]]
    seen: set = set()
    while queue:
        node = queue.pop(0)
        if node in seen:
            continue
        seen.add(node)
        if node in tree["questions"]:
            order.append(node)
            queue.extend(o["next"] for o in tree["questions"][node]["options"])
        elif node in tree["routes"]:
            queue.extend(e["goto"] for e in tree["routes"][node])
    order.extend(q for q in tree["questions"] if q not in order)
    return [(q, tree["questions"][q]) for q in order]
