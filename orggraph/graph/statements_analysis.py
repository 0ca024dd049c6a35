"""The statements of the analyses — search, paths, reach, the area view, the gap rules' wrapper — in the one
statement registry (``statements``): every text here is built by a ``registered`` builder from the schema and
validated values, never from a person's input (that travels as ``$parameters``).

Shapes written for ArcadeDB (each with its measurement and its cost on Neo4j: ``docs/arcadedb_workarounds.md``):
a node is found by ``elementId`` with ``UNWIND … MATCH (n) WHERE elementId(n) = e`` (an id lookup without a
label scans every node on ArcadeDB; a seek on both servers by element id); paths that avoid a node are searched
one hop per statement (``expand_edges``), since ArcadeDB filters a shortest path *after* its search.
"""

from __future__ import annotations

import re

from orggraph.graph.statements import registered, static
from orggraph.model.schema import Schema

_FINAL_ORDER = re.compile(
    r"\s+ORDER\s+BY\s+\w+(?:\.\w+)?(?:\s+(?:ASC|DESC))?\s*$", re.IGNORECASE
)  # the last clause only

HIDDEN_LABELS = ("LoadRun",)  # bookkeeping, not part of the domain
AREA_LABELS = ("District", "Street", "Community", "Grid")  # the levels a report starts from
ROW_COLUMNS = ("id", "name", "place", "covered", "reason", "detail")  # what every gap rule returns
GRAPH_HAS_DATA = static("MATCH (n) WHERE NOT n:LoadRun RETURN n.id AS id LIMIT 1")
AREA_TIES = static(
    "UNWIND $eids AS e\n"
    "MATCH (n) WHERE elementId(n) = e\n"
    "MATCH (n)-[r]->(m)\n"
    "RETURN collect([elementId(n), type(r), elementId(m)]) AS ties"
)


def domain_labels(schema: Schema) -> list[str]:
    return [label for label in schema.nodes if label not in HIDDEN_LABELS]


def masked_labels(schema: Schema) -> list[str]:
    """Labels whose ``name`` is sensitive: shown by id instead."""
    return [label for label, spec in schema.nodes.items() if (p := spec.property("name")) and p.sensitive]


def name_expr(schema: Schema, var: str = "n") -> str:
    """Cypher for a node's display name: its id where the name is sensitive (labels from the schema only)."""
    masked = [schema.node(label).label for label in masked_labels(schema)]
    if not masked:
        return f"{var}.name"
    test = " OR ".join(f"{var}:{label}" for label in masked)
    return f"CASE WHEN {test} THEN {var}.id ELSE {var}.name END"


# --- search ---------------------------------------------------------------------------------------------
@registered
def id_lookup(schema: Schema) -> str:
    """Every label's node with id ``$id``: one index seek per label."""
    return "\nUNION ALL\n".join(
        f"MATCH (n:{label} {{id: $id}}) RETURN '{label}' AS label, n.id AS id, {name_expr(schema)} AS name, "
        "n.kind AS kind, 0 AS tier"
        for label in domain_labels(schema)
    )


def searchable_labels(schema: Schema) -> list[str]:
    """The labels a name search reads: every domain label but those whose name is a person's."""
    return [label for label in domain_labels(schema) if label not in masked_labels(schema)]


@registered
def names_of(schema: Schema, label: str) -> str:
    """Every named record of a label (the name index of ``name_index``)."""
    return (
        f"MATCH (n:{schema.node(label).label}) WHERE n.name IS NOT NULL "
        "RETURN n.id AS id, n.name AS name, n.kind AS kind"
    )


# --- paths and reach ------------------------------------------------------------------------------------
def _types(schema: Schema, via: tuple[str, ...]) -> str:
    return ":" + "|".join(schema.relationship(t).type for t in via) if via else ""


def _node_fields(schema: Schema, var: str = "n") -> str:
    return f"[elementId({var}), labels({var})[0], {var}.id, {name_expr(schema, var)}, {var}.kind]"


@registered
def shortest_paths(schema: Schema, src_label: str, dst_label: str, via: tuple[str, ...], hops: int, every: bool) -> str:
    """``shortestPath`` (or ``allShortestPaths`` when ``every``, smallest id sequences first) between two ids;
    ``hops`` already checked by the caller (an int written into the text)."""
    src, dst = schema.node(src_label).label, schema.node(dst_label).label
    function = "allShortestPaths" if every else "shortestPath"
    order = "WITH p ORDER BY [n IN nodes(p) | n.id] LIMIT $cap\n" if every else ""
    return (
        f"MATCH (a:{src} {{id: $src}}) MATCH (b:{dst} {{id: $dst}})\n"
        f"MATCH p = {function}((a)-[{_types(schema, via)}*..{int(hops)}]-(b))\n{order}"
        f"RETURN [n IN nodes(p) | {_node_fields(schema)}] AS nodes,\n"
        "       [r IN relationships(p) | [type(r), elementId(startNode(r))]] AS rels"
    )


@registered
def expand_edges(schema: Schema, via: tuple[str, ...]) -> str:
    """Every tie of the frontier's nodes: [from, to, to.id, to's label, type, stored from→to]."""
    return (
        "UNWIND $frontier AS e MATCH (n) WHERE elementId(n) = e\n"
        f"MATCH (n)-[r{_types(schema, via)}]-(m)\n"
        "RETURN collect([e, elementId(m), m.id, labels(m)[0], type(r), elementId(startNode(r)) = e]) AS found"
    )


@registered
def expand_nodes(schema: Schema, via: tuple[str, ...]) -> str:
    """The frontier's neighbours, distinct, as [element id, label]."""
    return (
        "UNWIND $frontier AS e MATCH (n) WHERE elementId(n) = e\n"
        f"MATCH (n)-[{_types(schema, via)}]-(m)\n"
        "RETURN collect(DISTINCT [elementId(m), labels(m)[0]]) AS found"
    )


@registered
def node_details(schema: Schema) -> str:
    return (
        "UNWIND $ids AS e MATCH (n) WHERE elementId(n) = e\n"
        f"RETURN e AS eid, labels(n)[0] AS label, n.id AS id, {name_expr(schema)} AS name, n.kind AS kind, "
        "n.stationed AS stationed"
    )


@registered
def element_id(schema: Schema, label: str) -> str:
    return f"MATCH (n:{schema.node(label).label} {{id: $id}}) RETURN elementId(n) AS eid"


@registered
def node_neighbours(schema: Schema) -> str:
    """Each given node's ties, at most ``$cap`` per node (by the neighbour's id): one ``UNION ALL`` branch per label,
    its ids in the parameter named after the label (an index seek each; an id lookup without a label scans every
    node on ArcadeDB). A row per node: [neighbour id, label, display name, kind, tie type, tie leaves the node]."""
    return "\nUNION ALL\n".join(
        f"UNWIND ${label} AS i MATCH (n:{label} {{id: i}})-[r]-(m)\n"
        + "WHERE "
        + " AND ".join(f"NOT m:{hidden}" for hidden in HIDDEN_LABELS)
        + "\nWITH n, r, m ORDER BY m.id, type(r)\n"
        f"RETURN n.id AS id, collect([m.id, labels(m)[0], {name_expr(schema, 'm')}, m.kind, type(r), "
        "elementId(startNode(r)) = elementId(n)])[..$cap] AS found"
        for label in (schema.node(name).label for name in domain_labels(schema))
    )


# --- the gap rules --------------------------------------------------------------------------------------
@registered
def rule_rows(query_text: str) -> str:
    """A rule's catalogue query wrapped to return its rows as one collected row: the covered members' places only
    (``covered``: a report counts them by area), every other row whole (``rows``). A whole province's report is
    ~940k covered members among 1.08M rows; their names and details were decoded only to be dropped (~25% of the
    driver's decoding), then their ids (a list of texts decodes faster than a list of maps). The query's own final
    ``ORDER BY`` (for a reader of ``orggraph query``) is dropped here: a sort of the whole population that nothing
    reads (the city's rule statements 0.68 → 0.60 s of server time, serial, warm)."""
    columns = ", ".join(f"{c}: {c}" for c in ROW_COLUMNS)
    query_text = _FINAL_ORDER.sub("", query_text)  # collected, then the report orders the gaps: ~11% server time
    return (
        f"CALL () {{\n{query_text}\n}}\nWITH collect({{{columns}}}) AS rows\n"
        "RETURN [r IN rows WHERE r.covered | r.place] AS covered,\n"
        "       [r IN rows WHERE NOT coalesce(r.covered, false) | r] AS rows"
    )


@registered
def rule_rows_in_area(query_text: str, var: str, area_label: str, starts: tuple[str, ...]) -> str:
    """A rule's query started from one area's node (found by its id index) along the population's ``starts``
    (``coverage_rules.yaml``), binding the query's population variable ``var`` to the members reached: a
    street's rows cost what the street holds, not what the region holds."""
    union = "\n  UNION\n".join(f"  MATCH {pattern} RETURN m" for pattern in starts)
    start = f"MATCH (area:{area_label} {{id: $area}})\nCALL (area) {{\n{union}\n}}\nWITH DISTINCT m AS {var}"
    return rule_rows(f"{start}\n{query_text}")


@registered
def rule_rows_of_members(query_text: str, var: str, population: str) -> str:
    """A rule's query over the members whose ids are in ``$members`` (an id-index lookup each): the whole region
    is read as chunks of members, so no query groups or collects a province at once."""
    start = f"UNWIND $members AS member_id\nMATCH (m:{population} {{id: member_id}})\nWITH m AS {var}"
    return rule_rows(f"{start}\n{query_text}")


@registered
def catalogue_statement(query_text: str) -> str:
    """A catalogue query (``queries/``, parsed there by the lint test) as it is, for an analysis that sends it through
    a rule's reader (the store's, or a what-if's scratch transaction) rather than ``run_query``: the service-circle
    rule's stations."""
    return query_text


AREA_LABEL = static(  # which level an area id names: four id-index lookups
    "\nUNION\n".join(f"MATCH (a:{label} {{id: $id}}) RETURN '{label}' AS label" for label in AREA_LABELS)
)


GEOGRAPHY_LABELS = ("District", "Street", "Community", "Grid", "Compound", "Building", "CommercialZone",
                    "CommercialBuilding")  # fmt: skip  # the places (queries/geography_tree.cypher reads all of them)


def _around(area_label: str) -> str:
    """The places ``x`` of one area's street (the area's own subtree when it is a district) and every place above."""
    return (
        f"MATCH (root:{area_label} {{id: $area}})\n"
        "OPTIONAL MATCH (root)-[:PART_OF*0..4]->(s:Street)\n"
        "WITH coalesce(s, root) AS top\n"
        "CALL (top) {\n  MATCH (top)<-[:PART_OF*0..5]-(x) RETURN x\n  UNION\n"
        "  MATCH (top)-[:PART_OF*1..5]->(x) RETURN x\n}\n"
    )


@registered
def geography_around(area_label: str) -> str:
    """The places around one area (``_around``) with their parents, as the four aligned lists of
    ``geography_tree``: what a report of that area needs to place its rows and suggest actions, without reading
    the region's other streets."""
    places = " OR ".join(f"x:{label}" for label in GEOGRAPHY_LABELS)
    return (
        f"{_around(area_label)}WITH DISTINCT x WHERE {places}\n"
        "OPTIONAL MATCH (x)-[:PART_OF]->(p)\n"
        "RETURN collect(x.id) AS ids, collect(labels(x)[0]) AS labels, collect(coalesce(x.name, '')) AS names,\n"
        "       collect(coalesce(p.id, '')) AS parents"
    )


@registered
def covers_around(area_label: str) -> str:
    """``queries/org_covers.cypher`` for the places around one area only."""
    covers = "MATCH (o:PartyOrg)-[:COVERS]->(x)\nRETURN collect([x.id, o.id, o.name, o.kind]) AS covers"
    return f"{_around(area_label)}{covers}"


@registered
def stationed_around(area_label: str) -> str:
    """``queries/stationed_units.cypher`` for the units located around one area only."""
    return (
        f"{_around(area_label)}MATCH (u:Unit)-[:LOCATED_IN]->(x)\n"
        "WITH DISTINCT u WHERE (u.stationed IS NULL OR u.stationed = true) AND (u)-[:HAS_ORG]->(:PartyOrg)\n"
        "OPTIONAL MATCH (u)-[:LOCATED_IN]->(p)\n"
        "WITH u, min(p.id) AS place\n"
        "RETURN collect([u.id, u.name, place, coalesce(u.party_members, 0)]) AS units"
    )


@registered
def points_in(area_label: str) -> str:
    """``queries/place_points.cypher`` started from one area: the records with coordinates that are places under it
    or are located in one, as its six aligned lists (a street user's map read the province's points to keep its
    street's: 2.0 s on the province)."""
    kinds = "n:Community OR n:Compound OR n:CommercialBuilding OR n:Unit OR n:ServiceStation"
    return (
        f"MATCH (area:{area_label} {{id: $area}})<-[:PART_OF*0..5]-(x)\n"
        "OPTIONAL MATCH (u)-[:LOCATED_IN]->(x)\n"
        "WITH collect(DISTINCT x) + collect(DISTINCT u) AS found\n"
        "UNWIND found AS n\n"
        f"WITH DISTINCT n WHERE ({kinds}) AND n.lon IS NOT NULL AND n.lat IS NOT NULL\n"
        "OPTIONAL MATCH (n)-[:LOCATED_IN]->(p)\n"
        "WITH n, min(p.id) AS located\n"
        "RETURN collect(n.id) AS ids, collect(labels(n)[0]) AS labels, collect(n.lon) AS lons,\n"
        "       collect(n.lat) AS lats, collect(coalesce(located, n.id)) AS places,\n"
        "       collect(coalesce(n.name, n.id)) AS names"
    )


@registered
def member_ids(label: str) -> str:
    """Every id of one label, as one list (to cut a population into chunks)."""
    return f"MATCH (m:{label}) RETURN collect(m.id) AS ids"


def all_statements(schema: Schema, via: tuple[str, ...], max_hops: int) -> dict[str, str]:
    """Every shape these builders make, for representative inputs (the Neo4j parser check): ``via`` some
    relationship types, ``max_hops`` the paths' upper bound. (The gap rules' wrappers: ``coverage``.)"""
    out = {"entity_by_id": id_lookup(schema)}
    out.update({f"names_of:{label}": names_of(schema, label) for label in searchable_labels(schema)})
    out.update({"graph_has_data": GRAPH_HAS_DATA, "area_ties": AREA_TIES, "area_label": AREA_LABEL})
    out.update({f"member_ids:{label}": member_ids(label) for label in ("Unit", "PartyOrg")})
    for label in AREA_LABELS:
        out.update(
            {
                f"{build.__name__}:{label}": build(label)
                for build in (geography_around, covers_around, stationed_around, points_in)
            }
        )
    for every in (False, True):
        name = "all_shortest" if every else "shortest"
        out[f"{name}:PartyOrg->Compound"] = shortest_paths(schema, "PartyOrg", "Compound", (), 8, every)
        out[f"{name}:Unit->PartyOrg:via"] = shortest_paths(schema, "Unit", "PartyOrg", via, max_hops, every)
        out[f"{name}:Compound->Compound:one"] = shortest_paths(schema, "Compound", "Compound", via[:1], 1, every)
    for suffix, types in (("", ()), (":via", via)):
        out["expand_edges" + suffix] = expand_edges(schema, types)
        out["expand_nodes" + suffix] = expand_nodes(schema, types)
    out["node_details"] = node_details(schema)
    out["node_neighbours"] = node_neighbours(schema)
    out.update({f"element_id:{label}": element_id(schema, label) for label in domain_labels(schema)})
    return out
