// name: find_by_name
// zh: 按名称关键字查找任意对象(组织、地理单元、单位等)
// en: Find any entity (organization, area, unit, ...) by a name keyword
// param: q string -- 名称关键字 / name keyword
// param: limit integer -- 返回条数上限 / maximum rows
:param q => '街道'
:param limit => 50

MATCH (n)
WHERE n.name CONTAINS $q AND NOT n:Person AND NOT n:LoadRun  // people are found by pseudonymous id only
RETURN labels(n)[0] AS label, n.id AS id, n.name AS name, n.kind AS kind
ORDER BY size(n.name), name
LIMIT $limit;
