// name: gap_org_renewal
// zh: 覆盖规则·按期换届:村(社区)党组织5年一届、其他3年一届(有任期年限的以其为准),到截至日期未超期;本届任期开始日期未填写的列为“未填写”(楼栋党小组不换届,不在此列)
// en: Coverage rule · renewal: terms of 5 years for village/community orgs and 3 otherwise (or the recorded term length) have not run out by the as-of date (the term ends the day before start + years); an org with no term start recorded is listed as not recorded (building groups hold no elections and are not judged)
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (o:PartyOrg)
WHERE o.kind <> '楼栋党小组'
WITH o, coalesce(o.term_years,
       CASE WHEN o.kind IN ['区县党委', '街道党工委', '街道大工委', '社区党委', '社区党总支', '社区党支部', '社区大党委', '社区联合党委']
            THEN 5 ELSE 3 END) AS years
WITH o, o.term_start + duration({years: years}) AS due
WITH o, due, [(o)-[:COVERS]->(x) | x.id] AS covers
WITH o, due, CASE WHEN size(covers) > 0 THEN covers
             ELSE [(o)<-[:HAS_ORG|COVERED_BY]-(:Unit)-[:LOCATED_IN]->(y) | y.id] END AS places
WITH o, due, reduce(m = null, i IN places | CASE WHEN m IS NULL OR i < m THEN i ELSE m END) AS place
RETURN o.id AS id, o.name AS name, place, coalesce(due > $as_of, false) AS covered,
       CASE WHEN due IS NULL THEN 'term_not_recorded' WHEN due <= $as_of THEN 'term_overdue' END AS reason,
       toString(due) AS detail
ORDER BY id;
