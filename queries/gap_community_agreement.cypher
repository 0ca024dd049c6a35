// name: gap_community_agreement
// zh: 覆盖规则·社区共驻共建:每个社区至少有一份与驻区单位党组织签订、在截至日期有效的共建协议(驻区单位未填写的,建有党组织且位于本街道即视为驻区单位)
// en: Coverage rule · co-building: every community has at least one agreement with a stationed unit's org current on the as-of date (a unit with 驻区单位 blank counts as stationed when it has an org and is located in the community's street)
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

// Each agreement a community's org signed, with what its other signatories are: 'yes' a stationed unit's org
// (recorded so, or blank and located in the community's street), 'no' a unit recorded as not stationed or no
// unit's org at all, 'unknown' a unit whose 驻区单位 is blank and is not located in the street.
MATCH (c:Community)
OPTIONAL MATCH (c)<-[:COVERS]-(o:PartyOrg)<-[:SIGNED_BY]-(a:Agreement)
OPTIONAL MATCH (a)-[:SIGNED_BY]->(p:PartyOrg)<-[:HAS_ORG]-(u:Unit)
WHERE p <> o
WITH c, a, CASE
       WHEN u IS NULL OR u.stationed = false THEN 'no'
       WHEN u.stationed THEN 'yes'
       WHEN head([(c)-[:PART_OF]->(s:Street) | s.id]) IN [(u)-[:LOCATED_IN]->()-[:PART_OF*0..5]->(x:Street) | x.id]
         THEN 'yes'
       ELSE 'unknown' END AS partner
WITH c, a, collect(partner) AS partners
WITH c, a, CASE WHEN 'yes' IN partners THEN 'yes' WHEN 'unknown' IN partners THEN 'unknown' ELSE 'no' END AS partner,
     CASE
       WHEN a IS NULL THEN 'none'
       WHEN a.signed <= $as_of AND (a.expires IS NULL OR a.expires >= $as_of)
            AND NOT coalesce(a.status, '履行中') IN ['已到期', '已终止'] THEN 'current'
       WHEN a.expires < $as_of OR a.status = '已到期' THEN 'expired'
       ELSE 'other' END AS state
WITH c, collect(state + ':' + partner) AS seen, sum(CASE WHEN state = 'none' THEN 0 ELSE 1 END) AS signed
WITH c, signed, CASE
       WHEN 'current:yes' IN seen THEN null
       WHEN 'current:unknown' IN seen THEN 'stationed_not_recorded'
       WHEN 'current:no' IN seen THEN 'partner_not_stationed'
       WHEN signed = 0 THEN 'no_agreement'
       WHEN size([x IN seen WHERE x STARTS WITH 'expired:']) = signed THEN 'agreements_lapsed'
       ELSE 'agreement_not_current' END AS reason
RETURN c.id AS id, c.name AS name, c.id AS place, reason IS NULL AS covered, reason, signed AS detail
ORDER BY id;
