#!/usr/bin/env node
// Offline Cypher checker built on Neo4j's own parser and semantic analysis
// (@neo4j-cypher/language-support, lintCypherQuery).
//
// stdin : JSON array of {"id": "<string>", "text": "<cypher>"}
// stdout: JSON array of {"id", "errors": [{message, line, column}], "warnings": [...]}
//         line and column are 1-based.
// exit  : 0 no statement has errors, 1 at least one has, 2 bad input.
import { lintCypherQuery, isNotParamError } from '@neo4j-cypher/language-support';

// Severity values of vscode-languageserver-types' DiagnosticSeverity.
const SEVERITY_ERROR = 1;

// Neutral schema: with no labels/relationshipTypes/propertyKeys/functions/procedures
// the library skips its "not present in the database" checks. It always reports
// "Parameter $x is not defined." for parameters absent from dbSchema.parameters;
// those are dropped below with the library's own isNotParamError filter.
// Statements are analysed as CYPHER 5 (the library's default, and Neo4j 5's language).
const DB_SCHEMA = Object.freeze({ defaultLanguage: 'CYPHER 5' });

// Console commands (":param ...", ":use ...") are not Cypher: the caller strips
// them, so here they are syntax errors.
const LINT_OPTIONS = Object.freeze({ consoleCommandsEnabled: false });

function fail(message) {
  process.stderr.write(`cypher-lint: ${message}\n`);
  process.exit(2);
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function parseInput(raw) {
  let data;
  try {
    data = JSON.parse(raw);
  } catch (e) {
    fail(`stdin is not valid JSON: ${e.message}`);
  }
  if (!Array.isArray(data)) fail('stdin must be a JSON array of {"id", "text"} objects');
  data.forEach((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      fail(`item ${i} is not an object`);
    }
    if (typeof item.id !== 'string') fail(`item ${i}: "id" must be a string`);
    if (typeof item.text !== 'string') fail(`item ${i} (${item.id}): "text" must be a string`);
  });
  return data;
}

function toEntry(diagnostic) {
  const start = diagnostic.range?.start ?? { line: 0, character: 0 };
  return {
    message: diagnostic.message,
    line: start.line + 1,
    column: start.character + 1,
  };
}

function lintOne({ id, text }) {
  const errors = [];
  const warnings = [];
  let diagnostics;
  try {
    ({ diagnostics } = lintCypherQuery(text, DB_SCHEMA, LINT_OPTIONS));
  } catch (e) {
    errors.push({ message: `linter crashed on this statement: ${e?.message ?? e}`, line: 1, column: 1 });
    return { id, errors, warnings };
  }
  for (const d of diagnostics) {
    if (!isNotParamError(d)) continue; // "Parameter $x is not defined." (no schema given)
    (d.severity === SEVERITY_ERROR ? errors : warnings).push(toEntry(d));
  }
  return { id, errors, warnings };
}

const items = parseInput(await readStdin());
const results = items.map(lintOne);
process.stdout.write(JSON.stringify(results, null, 2) + '\n');
process.exitCode = results.some((r) => r.errors.length > 0) ? 1 : 0;
