// name: gap_org_superior
// zh: 覆盖规则·隶属关系完整:除区县党委外,每个党组织有上级党组织,或(条条管理的)填写了区域外上级党组织(无孤立组织)
// en: Coverage rule · superior: every org but a county-level committee has a superior org, or (led by its own system) a superior outside the area recorded (no orphans)
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (o:PartyOrg)
WHERE o.kind <> '区县党委'
WITH o, [(o)-[:COVERS]->(x) | x.id] AS covers
WITH o, CASE WHEN size(covers) > 0 THEN covers
             ELSE [(o)<-[:HAS_ORG|COVERED_BY]-(:Unit)-[:LOCATED_IN]->(y) | y.id] END AS places
WITH o, reduce(m = null, i IN places | CASE WHEN m IS NULL OR i < m THEN i ELSE m END) AS place,
     o.external_superior IS NOT NULL OR size([(o)<-[:LEADS]-(s:PartyOrg) | s.id]) > 0 AS led
RETURN o.id AS id, o.name AS name, place, led AS covered, CASE WHEN NOT led THEN 'orphan' END AS reason,
       o.kind AS detail
ORDER BY id;
