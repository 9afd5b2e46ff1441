// node --test: the options table (src/shared/options.ts) is the one declaration of the attributes;
// custom-elements.json, the JSX types and the reference page's attribute table must say the same.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import ts from 'typescript';
import { defaultText, loadOptions } from '../../scripts/options-table.mjs';
import {
  REFERENCE,
  TABLES_END,
  TABLES_START,
  elementDeclaration,
} from '../../scripts/manifest.mjs';

const options = await loadOptions();
const fromTable = options.map((o) => [o.attribute, defaultText(o.default)]);
/** Attributes that are state, not options: documented by the element's JSDoc. */
const STATE = new Set(['status']);

test('the table has one row per attribute and per property, each documented', () => {
  const attributes = options.map((o) => o.attribute);
  const properties = options.map((o) => o.property);
  assert.equal(new Set(attributes).size, attributes.length);
  assert.equal(new Set(properties).size, properties.length);
  for (const o of options) {
    assert.ok(o.doc.trim(), `${o.attribute} has no documentation`);
    assert.match(o.restarts, /^(model|prediction|attribution|view|none)$/, o.attribute);
    // The default is valid by the row's own rule.
    assert.notEqual(o.check(o.default, 'https://example.com/'), undefined, o.attribute);
  }
});

test('custom-elements.json lists the same attributes with the same defaults', () => {
  const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8'));
  const element = elementDeclaration(manifest);
  const listed = element.attributes
    .filter((a) => !STATE.has(a.name))
    .map((a) => [a.name, a.default]);
  assert.deepEqual(listed, fromTable);
  for (const o of options) {
    const member = element.members.find((m) => m.name === o.property);
    assert.equal(member?.attribute, o.attribute, `${o.property} is a documented field`);
  }
});

test("the reference page's attribute table lists the same attributes with the same defaults", () => {
  const readme = readFileSync(REFERENCE, 'utf8');
  const tables = readme.slice(readme.indexOf(TABLES_START), readme.indexOf(TABLES_END));
  const attributes = tables.slice(tables.indexOf('### Attributes'), tables.indexOf('### Prop'));
  const rows = attributes
    .split('\n')
    .filter((line) => /^\| `/.test(line))
    .map((line) => line.split(' | ').map((cell) => cell.replace(/^\|? ?`|`$/g, '')));
  const listed = rows.filter(([name]) => !STATE.has(name)).map((row) => [row[0], row[3]]);
  assert.deepEqual(listed, fromTable);
});

test('the JSX types (IgExplainerJsxAttributes) list the same attributes', () => {
  const program = ts.createProgram(['src/ig-explainer.ts'], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    experimentalDecorators: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile('src/ig-explainer.ts');
  const declaration = source.statements.find(
    (s) => ts.isInterfaceDeclaration(s) && s.name.text === 'IgExplainerJsxAttributes',
  );
  assert.ok(declaration, 'src/ig-explainer.ts declares IgExplainerJsxAttributes');
  const type = checker.getTypeAtLocation(declaration);
  // The global attributes frameworks pass through are declared on the interface itself.
  const own = new Set(declaration.members.map((m) => m.name.getText(source)));
  const names = checker
    .getPropertiesOfType(type)
    .map((p) => p.name)
    .filter((name) => !own.has(name));
  assert.deepEqual(names.sort(), options.map((o) => o.attribute).sort());
});
