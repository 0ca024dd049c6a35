// name: gap_part_time_term
// zh: 覆盖规则·兼职委员任期:有兼职委员的党组织,到截至日期无兼职委员任期届满未调整;有兼职委员未填写任期届满日期的列为“未填写”
// en: Coverage rule · part-time members: no part-time committee member's term has run out by the as-of date; part-time members with no term end recorded are listed as not recorded
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (o:PartyOrg)<-[h:HOLDS_POST]-(:Person)
WHERE h.post = '兼职委员'
WITH o, sum(CASE WHEN h.until < $as_of THEN 1 ELSE 0 END) AS lapsed,
     sum(CASE WHEN h.until IS NULL THEN 1 ELSE 0 END) AS open
WITH o, lapsed, open, [(o)-[:COVERS]->(x) | x.id] AS covers
WITH o, lapsed, open, CASE WHEN size(covers) > 0 THEN covers
             ELSE [(o)<-[:HAS_ORG|COVERED_BY]-(:Unit)-[:LOCATED_IN]->(y) | y.id] END AS places
WITH o, lapsed, open, reduce(m = null, i IN places | CASE WHEN m IS NULL OR i < m THEN i ELSE m END) AS place
RETURN o.id AS id, o.name AS name, place, lapsed + open = 0 AS covered,
       CASE WHEN lapsed > 0 THEN 'terms_lapsed' WHEN open > 0 THEN 'term_end_not_recorded' END AS reason,
       CASE WHEN lapsed > 0 THEN lapsed ELSE open END AS detail
ORDER BY id;
