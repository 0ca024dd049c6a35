#!/usr/bin/env node
// What Neo4j's own parser sees in a statement, for the tests of orggraph's read-only check
// (orggraph/cypher_text.py must agree with it, without Node, at run time).
//
// stdin : JSON array of {"id": "<string>", "text": "<cypher>"}
// stdout: JSON array of {"id", "statements": n, "errors": n, "rules": [grammar rules used],
//         "procedures": [called procedure names], "functions": [called function names]}
import { CypherLanguageService } from '@neo4j-cypher/language-support';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function rulesOf(statement) {
  const rules = new Set();
  const walk = (ctx) => {
    if (!ctx) return;
    if (ctx.ruleIndex !== undefined) rules.add(statement.parser.ruleNames[ctx.ruleIndex]);
    for (const child of ctx.children ?? []) walk(child);
  };
  walk(statement.ctx);
  return rules;
}

function classify(service, { id, text }) {
  const parsed = service.parse(text).statementsParsing.filter((s) => s.tokens.some((t) => t.type !== -1 && t.channel === 0));
  const rules = new Set();
  const procedures = [];
  const functions = [];
  let errors = 0;
  for (const statement of parsed) {
    rulesOf(statement).forEach((r) => rules.add(r));
    procedures.push(...statement.collectedProcedures.map((p) => p.name));
    functions.push(...statement.collectedFunctions.map((f) => f.name));
    errors += statement.syntaxErrors.length;
  }
  return { id, statements: parsed.length, errors, rules: [...rules].sort(), procedures, functions };
}

const items = JSON.parse(await readStdin());
const service = new CypherLanguageService();
process.stdout.write(JSON.stringify(items.map((item) => classify(service, item))));
