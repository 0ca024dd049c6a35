// name: gap_unit_work
// zh: 覆盖规则·单位党的工作覆盖:每个单位有党组织、纳入联合党支部或有党建工作指导员
// en: Coverage rule · unit party work: every unit has an org, is in a joint branch or has a party-work instructor
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (u:Unit)
OPTIONAL MATCH (u)-[r:HAS_ORG|COVERED_BY|GUIDES]-()
WITH u, count(r) AS reached
OPTIONAL MATCH (u)-[:LOCATED_IN]->(p)
WITH u, reached, min(p.id) AS place
RETURN u.id AS id, u.name AS name, place, reached > 0 AS covered,
       CASE WHEN reached = 0 THEN 'unreached' END AS reason, u.party_members AS detail
ORDER BY id;
