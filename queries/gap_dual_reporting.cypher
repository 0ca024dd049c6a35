// name: gap_dual_reporting
// zh: 覆盖规则·双报到:每个建有党组织的驻区单位,其党组织向社区报到
// en: Coverage rule · dual reporting: every stationed unit with its own org reports to a community through it
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (u:Unit)-[:HAS_ORG]->(o:PartyOrg)
WHERE u.stationed = true
OPTIONAL MATCH (o)-[:REPORTS_TO]->(c:Community)
WITH u, count(c) AS reports
OPTIONAL MATCH (u)-[:LOCATED_IN]->(p)
WITH u, reports, min(p.id) AS place
RETURN u.id AS id, u.name AS name, place, reports > 0 AS covered,
       CASE WHEN reports = 0 THEN 'not_reported' END AS reason, u.party_members AS detail
ORDER BY id;
