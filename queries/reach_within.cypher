// name: reach_within
// zh: 三跳之内(不分方向)可联系到某对象(如小区)的单位、党组织和资源,由近及远;单位注明是否驻区
// en: Units, party orgs and resources within 3 hops (either direction) of an entity such as a compound, nearest first; units say whether they are stationed
// param: id string -- 对象编号 / entity id
:param id => 'K01'

// A breadth-first search written out hop by hop: each layer is the neighbours of the one before that
// are not in the two layers before (a path pattern [*1..3] would list every path, and a community has
// hundreds of neighbours). For another depth, add or remove one three-line step. `orggraph` runs the
// same search one hop per statement, at any depth from 1 to 6.
MATCH (s) WHERE s.id = $id
WITH collect(s) AS d0
UNWIND d0 AS x
OPTIONAL MATCH (x)--(m) WHERE NOT m IN d0
WITH d0, collect(DISTINCT m) AS d1
UNWIND CASE WHEN d1 = [] THEN [null] ELSE d1 END AS x
OPTIONAL MATCH (x)--(m) WHERE NOT m IN d0 AND NOT m IN d1
WITH d1, collect(DISTINCT m) AS d2
UNWIND CASE WHEN d2 = [] THEN [null] ELSE d2 END AS x
OPTIONAL MATCH (x)--(m) WHERE NOT m IN d1 AND NOT m IN d2
WITH d1, d2, collect(DISTINCT m) AS d3
UNWIND [[1, d1], [2, d2], [3, d3]] AS layer
UNWIND layer[1] AS n
WITH layer[0] AS distance, n
WHERE n:Unit OR n:PartyOrg OR n:Resource
RETURN distance, labels(n)[0] AS label, n.id AS id, n.name AS name, n.kind AS kind, n.stationed AS stationed
ORDER BY distance, label, id;
