// name: org_subordinates
// zh: 某党组织领导的下级党组织(最多5级)
// en: Party organizations led by an organization, down to 5 levels
// param: org_id string -- 党组织编号 / party org id
MATCH path = (top:PartyOrg {id: $org_id})-[:LEADS*1..5]->(sub:PartyOrg)
RETURN sub.id AS id, sub.name AS name, sub.kind AS kind, length(path) AS level,
       [n IN nodes(path)[1..-1] | n.name] AS via
ORDER BY level, name;
