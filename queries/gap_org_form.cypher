// name: gap_org_form
// zh: 覆盖规则·组织设置形式:支部不超过50人、总支不超过100人,7人以上支部设支部委员会,联合党支部不超过5家单位(党员数或是否设委员会未填写、无法核对的列为“未填写”)
// en: Coverage rule · org form: a branch at most 50 members, a general branch at most 100, a branch of 7+ has a committee, a joint branch spans at most 5 units (a member count or committee flag that is blank where the check needs it is listed as not recorded)
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (o:PartyOrg)
WHERE o.kind ENDS WITH '党支部' OR o.kind ENDS WITH '党总支'
WITH o, [(o)-[:COVERS]->(x) | x.id] AS covers
WITH o, CASE WHEN size(covers) > 0 THEN covers
             ELSE [(o)<-[:HAS_ORG|COVERED_BY]-(:Unit)-[:LOCATED_IN]->(y) | y.id] END AS places
WITH o, reduce(m = null, i IN places | CASE WHEN m IS NULL OR i < m THEN i ELSE m END) AS place,
     size([(o)<-[:COVERED_BY]-(u:Unit) | u]) AS units, o.kind ENDS WITH '党支部' AS branch
WITH o, place, units,
     CASE
       WHEN branch AND o.members > 100 THEN 'branch_over_100'
       WHEN branch AND o.members > 50 THEN 'branch_over_50'
       WHEN NOT branch AND o.members > 100 THEN 'general_branch_over_100'
       WHEN branch AND o.members >= 7 AND o.has_committee = false THEN 'no_committee'
       WHEN o.kind = '联合党支部' AND units > 5 THEN 'joint_over_5'
       WHEN o.members IS NULL THEN 'members_not_recorded'
       WHEN branch AND o.members >= 7 AND o.has_committee IS NULL THEN 'committee_not_recorded'
     END AS reason
RETURN o.id AS id, o.name AS name, place, reason IS NULL AS covered, reason,
       CASE WHEN reason = 'joint_over_5' THEN units ELSE o.members END AS detail
ORDER BY id;
