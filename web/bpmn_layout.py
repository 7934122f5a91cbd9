"""A readable diagram (BPMN DI) for a process model whose file has none, or only a degenerate one.

The models carry generated diagram interchange, but a layout that puts every element in one
column (or none at all) cannot be read on a case page. This draws the process the usual way:
one horizontal band per lane (the role doing the work), the flow from left to right in layers
(longest path from the start, loops drawn back below), boundary events on their task's lower edge,
and embedded sub-processes and call activities as collapsed shapes. The process semantics in the
XML are untouched; only the `bpmndi` part is replaced.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
NAMESPACES = {
    "bpmn": BPMN,
    "bpmndi": BPMNDI,
    "dc": DC,
    "di": DI,
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
for _prefix, _uri in NAMESPACES.items():
    ET.register_namespace(_prefix, _uri)

NODE_SIZES = {
    "startEvent": (36, 36),
    "endEvent": (36, 36),
    "intermediateThrowEvent": (36, 36),
    "intermediateCatchEvent": (36, 36),
    "boundaryEvent": (36, 36),
    "exclusiveGateway": (50, 50),
    "parallelGateway": (50, 50),
    "inclusiveGateway": (50, 50),
    "eventBasedGateway": (50, 50),
}
TASK_SIZE = (100, 80)
NOT_NODES = {
    "sequenceFlow",
    "laneSet",
    "documentation",
    "extensionElements",
    "dataObject",
    "association",
    "textAnnotation",
}
COLUMN = 150  # horizontal distance between layers
ROW = 120  # height of one row inside a lane
LANE_LABEL = 30  # the participant's and lanes' label strip on the left
MARGIN = 40


@dataclass
class _Node:
    id: str
    kind: str
    width: int
    height: int
    lane: str | None = None
    layer: int = 0
    row: int = 0
    x: float = 0
    y: float = 0


def needs_layout(xml: str) -> bool:
    """True when the file has no diagram, or one that is a single column of shapes."""
    root = ET.fromstring(xml)
    bounds = root.findall(".//dc:Bounds", NAMESPACES)
    if len(bounds) < 3:
        return True
    xs = [float(b.get("x", 0)) + float(b.get("width", 0)) for b in bounds]
    ys = [float(b.get("y", 0)) + float(b.get("height", 0)) for b in bounds]
    width, height = (
        max(xs) - min(float(b.get("x", 0)) for b in bounds),
        max(ys) - min(float(b.get("y", 0)) for b in bounds),
    )
    return len(bounds) > 10 and width < height / 4


@functools.cache
def readable_diagram(path: Path, mtime: float) -> str:
    """The model's XML with a readable diagram (the file's own one when it is usable)."""
    xml = path.read_text(encoding="utf-8")
    return layout(xml) if needs_layout(xml) else xml


def diagram_for(path: Path) -> str:
    return readable_diagram(path, path.stat().st_mtime)


def layout(xml: str) -> str:
    root = ET.fromstring(xml)
    for old in root.findall("bpmndi:BPMNDiagram", NAMESPACES):
        root.remove(old)
    collaboration = root.find("bpmn:collaboration", NAMESPACES)
    for process in root.findall("bpmn:process", NAMESPACES):
        participant = None
        if collaboration is not None:
            for p in collaboration.findall("bpmn:participant", NAMESPACES):
                if p.get("processRef") == process.get("id"):
                    participant = p
        root.append(_diagram(process, participant, collaboration))
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _diagram(process: ET.Element, participant: ET.Element | None, collaboration: ET.Element | None) -> ET.Element:
    nodes: dict[str, _Node] = {}
    boundaries: dict[str, list[_Node]] = {}
    attached: dict[str, str] = {}
    for child in process:
        kind = _local(child.tag)
        ident = child.get("id")
        if kind in NOT_NODES or ident is None:
            continue
        width, height = NODE_SIZES.get(kind, TASK_SIZE)
        node = _Node(ident, kind, width, height)
        if kind == "boundaryEvent":
            host = child.get("attachedToRef") or ""
            attached[ident] = host
            boundaries.setdefault(host, []).append(node)
        else:
            nodes[ident] = node
    flows = [
        (f.get("id") or "", f.get("sourceRef") or "", f.get("targetRef") or "")
        for f in process.findall("bpmn:sequenceFlow", NAMESPACES)
    ]
    lanes: list[tuple[str, str]] = []
    lane_set = process.find("bpmn:laneSet", NAMESPACES)
    if lane_set is not None:
        for lane in lane_set.findall("bpmn:lane", NAMESPACES):
            lanes.append((lane.get("id") or "", lane.get("name") or ""))
            for ref in lane.findall("bpmn:flowNodeRef", NAMESPACES):
                if ref.text and ref.text.strip() in nodes:
                    nodes[ref.text.strip()].lane = lane.get("id")
    _assign_layers(nodes, flows, attached)
    lane_ids = [lane_id for lane_id, _ in lanes] or [None]
    lane_rows = _assign_rows(nodes, lane_ids)
    # Coordinates: lanes as horizontal bands, layers as columns.
    left = MARGIN + (LANE_LABEL if lanes else 0) + (LANE_LABEL if participant is not None else 0)
    lane_top: dict[str | None, float] = {}
    top = float(MARGIN)
    for lane_id in lane_ids:
        lane_top[lane_id] = top
        top += max(lane_rows.get(lane_id, 1), 1) * ROW
    bottom = top
    for node in nodes.values():
        cx = left + node.layer * COLUMN + TASK_SIZE[0] / 2 + 20
        cy = lane_top.get(node.lane, lane_top[lane_ids[0]]) + node.row * ROW + ROW / 2
        node.x, node.y = cx - node.width / 2, cy - node.height / 2
    for host, events in boundaries.items():
        owner = nodes.get(host)
        for index, event in enumerate(events):
            if owner is None:
                event.x, event.y = left, bottom
                continue
            event.x = owner.x + owner.width - event.width / 2 - 10 - index * 40
            event.y = owner.y + owner.height - event.height / 2
            event.layer = owner.layer
    right = max((n.x + n.width for n in nodes.values()), default=left + 200) + MARGIN
    loop_y = bottom + 20

    diagram = ET.Element(f"{{{BPMNDI}}}BPMNDiagram", {"id": f"diagram_{process.get('id')}"})
    plane_element = participant is not None and collaboration is not None
    plane = ET.SubElement(
        diagram,
        f"{{{BPMNDI}}}BPMNPlane",
        {
            "id": f"plane_{process.get('id')}",
            "bpmnElement": (collaboration.get("id") or "")
            if plane_element and collaboration is not None
            else process.get("id") or "",
        },
    )
    if participant is not None and collaboration is not None:
        _shape(
            plane, participant.get("id") or "", MARGIN, MARGIN, right - MARGIN, bottom - MARGIN + 50, horizontal=True
        )
        for lane_id, _name in lanes:
            lane_bottom = lane_top[lane_id] + max(lane_rows.get(lane_id, 1), 1) * ROW
            height = lane_bottom - lane_top[lane_id] + (50 if lane_id == lane_ids[-1] else 0)
            _shape(plane, lane_id, MARGIN + LANE_LABEL, lane_top[lane_id], right - MARGIN - LANE_LABEL, height, True)
    for node in nodes.values():
        _shape(
            plane,
            node.id,
            node.x,
            node.y,
            node.width,
            node.height,
            expanded=False if node.kind == "subProcess" else None,
        )
    for events in boundaries.values():
        for event in events:
            _shape(plane, event.id, event.x, event.y, event.width, event.height)
    every = {**nodes, **{e.id: e for events in boundaries.values() for e in events}}
    for ident, source_id, target_id in flows:
        source, target = every.get(source_id), every.get(target_id)
        if source is None or target is None:
            continue
        edge = ET.SubElement(plane, f"{{{BPMNDI}}}BPMNEdge", {"id": f"{ident}_di", "bpmnElement": ident})
        for x, y in _waypoints(source, target, source_id in attached, loop_y):
            ET.SubElement(edge, f"{{{DI}}}waypoint", {"x": str(round(x)), "y": str(round(y))})
    return diagram


def _shape(
    plane: ET.Element,
    ident: str,
    x: float,
    y: float,
    width: float,
    height: float,
    horizontal: bool | None = None,
    expanded: bool | None = None,
) -> None:
    attrs = {"id": f"{ident}_di", "bpmnElement": ident}
    if horizontal:
        attrs["isHorizontal"] = "true"
    if expanded is False:
        attrs["isExpanded"] = "false"
    shape = ET.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", attrs)
    ET.SubElement(
        shape,
        f"{{{DC}}}Bounds",
        {"x": str(round(x)), "y": str(round(y)), "width": str(round(width)), "height": str(round(height))},
    )


def _assign_layers(nodes: dict[str, _Node], flows: list[tuple[str, str, str]], attached: dict[str, str]) -> None:
    """Longest path from the start events over the flows, ignoring the edges that close a loop."""
    outgoing: dict[str, list[str]] = {}
    for _ident, source, target in flows:
        source = attached.get(source, source)  # a boundary event's flow leaves its task
        if source in nodes and target in nodes:
            outgoing.setdefault(source, []).append(target)
    incoming = {target for targets in outgoing.values() for target in targets}
    starts = [n for n in nodes if n not in incoming] or list(nodes)[:1]
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}
    order: list[str] = []

    def visit(start: str) -> None:
        stack = [(start, iter(outgoing.get(start, [])))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            for child in children:
                if state.get(child) == 1:
                    back.add((node, child))
                elif child not in state:
                    state[child] = 1
                    stack.append((child, iter(outgoing.get(child, []))))
                    break
            else:
                state[node] = 2
                order.append(node)
                stack.pop()

    for start in starts:
        if start not in state:
            visit(start)
    for node in nodes:
        if node not in state:
            visit(node)
    for node in reversed(order):  # topological order of the graph without its back edges
        for child in outgoing.get(node, []):
            if (node, child) not in back:
                nodes[child].layer = max(nodes[child].layer, nodes[node].layer + 1)


def _assign_rows(nodes: dict[str, _Node], lane_ids: list[str | None]) -> dict[str | None, int]:
    """Stacks the nodes that share a lane and a layer; returns the rows each lane needs."""
    taken: dict[tuple[str | None, int], int] = {}
    rows: dict[str | None, int] = {}
    for node in nodes.values():
        lane = node.lane if node.lane in lane_ids else lane_ids[0]
        node.lane = lane
        node.row = taken.get((lane, node.layer), 0)
        taken[(lane, node.layer)] = node.row + 1
        rows[lane] = max(rows.get(lane, 1), node.row + 1)
    return rows


def _waypoints(source: _Node, target: _Node, from_boundary: bool, loop_y: float) -> list[tuple[float, float]]:
    scx, scy = source.x + source.width / 2, source.y + source.height / 2
    tcx, tcy = target.x + target.width / 2, target.y + target.height / 2
    if from_boundary:
        start = (scx, source.y + source.height)
        if target.x > scx:
            return [start, (scx, tcy), (target.x, tcy)]
        return [start, (scx, loop_y), (tcx, loop_y), (tcx, target.y + target.height)]
    if target.x <= source.x:  # a loop back: under the whole diagram
        return [
            (scx, source.y + source.height),
            (scx, loop_y),
            (tcx, loop_y),
            (tcx, target.y + target.height),
        ]
    start = (source.x + source.width, scy)
    end = (target.x, tcy)
    if abs(scy - tcy) < 1:
        return [start, end]
    middle = target.x - 25
    return [start, (middle, scy), (middle, tcy), end]
