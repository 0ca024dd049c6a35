// name: gap_unit_org
// zh: 覆盖规则·单位党组织应建尽建:正式党员3人以上的单位建有本单位党组织,1-2人的纳入联合党支部或建有党组织;正式党员数未填写的,建有本单位党组织即满足,否则列为“未填写”(填0人的不在此列)
// en: Coverage rule · unit orgs: units with 3+ full members have their own org; with 1-2 they are in a joint branch (or have one); with the count blank, an own org satisfies the rule and anything else is listed as not recorded (units recorded with 0 are not judged)
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (u:Unit)
WHERE u.party_members IS NULL OR u.party_members >= 1
WITH u, size([(u)-[:HAS_ORG]->(o:PartyOrg) | o.id]) AS own, size([(u)-[:COVERED_BY]->(j:PartyOrg) | j.id]) AS joint,
     [(u)-[:LOCATED_IN]->(p) | p.id] AS places
WITH u, own, joint, reduce(m = null, i IN places | CASE WHEN m IS NULL OR i < m THEN i ELSE m END) AS place
WITH u, place, own, joint,
     CASE WHEN u.party_members >= 3 OR u.party_members IS NULL THEN own > 0 ELSE own + joint > 0 END AS covered
RETURN u.id AS id, u.name AS name, place, covered,
       CASE WHEN covered THEN null
            WHEN u.party_members IS NULL AND joint > 0 THEN 'members_not_recorded_joint'
            WHEN u.party_members IS NULL THEN 'members_not_recorded'
            WHEN u.party_members >= 3 AND joint > 0 THEN 'own_org_required_joint'
            WHEN u.party_members >= 3 THEN 'own_org_required'
            ELSE 'joint_branch_required' END AS reason,
       u.party_members AS detail
ORDER BY id;
