// name: stationed_units
// zh: 建有党组织的驻区单位及其所在地(一行,列表形式;驻区单位未填写而有所在地的也列入),用于为无共建协议的社区推荐可共建单位
// en: Stationed units with their own org and where they are (one row of lists; a unit with 驻区单位 blank but a recorded place is listed too), to suggest partners for communities without agreements
MATCH (u:Unit)-[:HAS_ORG]->(:PartyOrg)
WHERE u.stationed IS NULL OR u.stationed = true
OPTIONAL MATCH (u)-[:LOCATED_IN]->(p)
WITH u, min(p.id) AS place
WHERE u.stationed = true OR place IS NOT NULL
RETURN collect([u.id, u.name, place, coalesce(u.party_members, 0)]) AS units;
