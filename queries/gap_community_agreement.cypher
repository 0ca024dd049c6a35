// name: gap_community_agreement
// zh: 覆盖规则·社区共驻共建:每个社区至少有一份与驻区单位党组织签订、在截至日期有效的共建协议
// en: Coverage rule · co-building: every community has at least one agreement with a stationed unit's org that is current on the as-of date
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (c:Community)
OPTIONAL MATCH (c)<-[:COVERS]-(:PartyOrg)<-[:SIGNED_BY]-(a:Agreement)-[:SIGNED_BY]->(:PartyOrg)<-[:HAS_ORG]-(u:Unit)
WHERE u.stationed = true
WITH c, collect(DISTINCT a) AS agreements
WITH c, size(agreements) AS signed,
     size([a IN agreements WHERE a.signed <= $as_of AND (a.expires IS NULL OR a.expires >= $as_of)
                                 AND NOT coalesce(a.status, '履行中') IN ['已到期', '已终止']]) AS current,
     size([a IN agreements WHERE a.expires < $as_of OR a.status = '已到期']) AS expired
RETURN c.id AS id, c.name AS name, c.id AS place, current > 0 AS covered,
       CASE WHEN current > 0 THEN null WHEN signed = 0 THEN 'no_agreement'
            WHEN expired = signed THEN 'agreements_lapsed' ELSE 'agreement_not_current' END AS reason,
       signed AS detail
ORDER BY id;
