// name: gap_org_secretary
// zh: 覆盖规则·班子健全:每个党组织有在任书记(楼栋党小组为组长)
// en: Coverage rule · secretary: every org has a serving secretary (a building group: a group leader)
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (o:PartyOrg)
WITH o, [(o)-[:COVERS]->(x) | x.id] AS covers
WITH o, CASE WHEN size(covers) > 0 THEN covers
             ELSE [(o)<-[:HAS_ORG|COVERED_BY]-(:Unit)-[:LOCATED_IN]->(y) | y.id] END AS places
WITH o, reduce(m = null, i IN places | CASE WHEN m IS NULL OR i < m THEN i ELSE m END) AS place
OPTIONAL MATCH (o)<-[h:HOLDS_POST]-(:Person)
WHERE h.post = CASE o.kind WHEN '楼栋党小组' THEN '组长' ELSE '书记' END
  AND (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR h.until >= $as_of)
WITH o, place, count(h) AS leaders
RETURN o.id AS id, o.name AS name, place, leaders > 0 AS covered,
       CASE WHEN leaders = 0 THEN 'no_secretary' END AS reason, o.kind AS detail
ORDER BY id;
