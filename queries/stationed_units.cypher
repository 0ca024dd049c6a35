// name: stationed_units
// zh: 建有党组织的驻区单位及其所在地(一行,列表形式),用于为无共建协议的社区推荐可共建单位
// en: Stationed units with their own org and where they are (one row of lists), to suggest partners for communities without agreements
MATCH (u:Unit)-[:HAS_ORG]->(:PartyOrg)
WHERE u.stationed = true
OPTIONAL MATCH (u)-[:LOCATED_IN]->(p)
WITH u, min(p.id) AS place
RETURN collect([u.id, u.name, place, coalesce(u.party_members, 0)]) AS units;
