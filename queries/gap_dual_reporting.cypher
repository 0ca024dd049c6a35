// name: gap_dual_reporting
// zh: 覆盖规则·双报到:每个建有党组织的驻区单位,其党组织向社区报到(驻区单位未填写的,位于某街道之内即视为驻区单位;所在地也未登记的列为“未填写”)
// en: Coverage rule · dual reporting: every stationed unit with its own org reports to a community through it (a unit with 驻区单位 blank counts as stationed when located inside a street; with no place either it is listed as not recorded)
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (u:Unit)-[:HAS_ORG]->(:PartyOrg)
WHERE u.stationed IS NULL OR u.stationed = true
WITH DISTINCT u
WITH u, size([(u)-[:HAS_ORG]->(:PartyOrg)-[:REPORTS_TO]->(c:Community) | c]) AS reports,
     [(u)-[:LOCATED_IN]->(p) | p.id] AS places,
     u.stationed = true OR size([(u)-[:LOCATED_IN]->()-[:PART_OF*0..5]->(s:Street) | s]) > 0 AS stationed
WITH u, reports, stationed, reduce(m = null, i IN places | CASE WHEN m IS NULL OR i < m THEN i ELSE m END) AS place
RETURN u.id AS id, u.name AS name, place, reports > 0 AS covered,
       CASE WHEN reports > 0 THEN null WHEN stationed THEN 'not_reported' ELSE 'stationed_not_recorded' END AS reason,
       u.party_members AS detail
ORDER BY id;
