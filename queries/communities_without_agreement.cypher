// name: communities_without_agreement
// zh: 截至日期没有与驻区单位党组织签订的有效共建协议的社区(驻区单位未填写的按覆盖规则认定),及其已签协议数和最近一份协议的到期日
// en: Communities with no agreement with a stationed unit's org current on the as-of date (a blank 驻区单位 judged as the coverage rule does), with how many agreements they signed and the last expiry
// param: as_of date -- 截至日期 / as-of date
:param as_of => date()

MATCH (s:Street)<-[:PART_OF]-(c:Community)
OPTIONAL MATCH (c)<-[:COVERS]-(o:PartyOrg)<-[:SIGNED_BY]-(a:Agreement)
OPTIONAL MATCH (a)-[:SIGNED_BY]->(p:PartyOrg)<-[:HAS_ORG]-(u:Unit)
WHERE p <> o
WITH s, c, a, collect(CASE WHEN u IS NULL THEN false
                           ELSE coalesce(u.stationed, s.id IN [(u)-[:LOCATED_IN]->()-[:PART_OF*0..5]->(x:Street) | x.id])
                      END) AS partners
WITH s, c, collect({agreement: a, stationed: true IN partners,
                    current: a.signed <= $as_of AND (a.expires IS NULL OR a.expires >= $as_of)
                             AND NOT coalesce(a.status, '履行中') IN ['已到期', '已终止']}) AS signed
WITH s, c, [x IN signed WHERE x.agreement IS NOT NULL] AS signed
WHERE none(x IN signed WHERE x.current AND x.stationed)
RETURN s.name AS street, c.id AS id, c.name AS community, size(signed) AS ever_signed,
       reduce(last = null, x IN signed | CASE WHEN last IS NULL OR x.agreement.expires > last
                                              THEN x.agreement.expires ELSE last END) AS last_expiry
ORDER BY street, id;
