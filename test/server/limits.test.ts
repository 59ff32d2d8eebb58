import { buildSchema, getIntrospectionQuery, parse, validate } from 'graphql';
import { limitRules, measureDocument, MAX_DEPTH } from '../../src/server/limits';

const measure = (query: string) => [...measureDocument(parse(query)).values()];

describe('operation measures', () => {
  it('counts depth as nesting of fields', () => {
    expect(measure('{ a }')[0]?.depth).toBe(1);
    expect(measure('{ a { b { c } } d }')[0]?.depth).toBe(3);
  });

  it('follows fragments and inline fragments for depth', () => {
    const [op] = measure('{ a { ...F } } fragment F on T { b { ... on T { c { d } } } }');
    expect(op?.depth).toBe(4);
  });

  it('counts aliases and directives in every spread of a fragment', () => {
    const [op] = measure('query Q($v: Int @d) @d { ...F ...F x: a @d } fragment F on T @d { y: b @d z: c }');
    // operation 1 + variable 1 + field x 1 + twice (fragment 1 + field y 1)
    expect(op?.directives).toBe(7);
    // x + twice (y + z)
    expect(op?.aliases).toBe(5);
  });

  it('measures each operation of a document separately', () => {
    const ops = measure('query A { a { b } } query B { x: a }');
    expect(ops).toEqual([
      { depth: 2, aliases: 0, directives: 0 },
      { depth: 1, aliases: 1, directives: 0 },
    ]);
  });

  it('survives fragment cycles and unknown fragments', () => {
    const [op] = measure('{ ...A ...Missing } fragment A on T { a { ...B } } fragment B on T { b { ...A } }');
    expect(op?.depth).toBeGreaterThanOrEqual(2);
  });

  it('counts exponentially spread fragments without expanding them', () => {
    const levels = 40;
    const fragments = Array.from(
      { length: levels },
      (_v, i) => `fragment F${i} on T { ${i === levels - 1 ? 'x: a' : `...F${i + 1} ...F${i + 1}`} }`,
    ).join('\n');
    const [op] = measure(`{ ...F0 } ${fragments}`);
    expect(op?.aliases).toBe(2 ** (levels - 1));
  });
});

describe('limit rules', () => {
  const schema = buildSchema('type Query { a: Int, n: N } type N { n: N, a: Int }');
  const errors = (query: string) => validate(schema, parse(query), limitRules).map((e) => e.message);

  it('pass a query within the limits', () => {
    expect(errors(`{ a x: a @skip(if: false) n { n { a } } }`)).toEqual([]);
  });

  it(`refuse depth over ${MAX_DEPTH}`, () => {
    const query = `{ ${'n { '.repeat(15)}a${' }'.repeat(15)} }`;
    expect(errors(query)).toEqual(['Query is too deep: depth 16 exceeds the maximum of 15.']);
  });

  it('refuse more than 50 aliases, and 50 is fine', () => {
    const aliases = (count: number) =>
      `{ ${Array.from({ length: count }, (_v, i) => `a${i}: a`).join(' ')} }`;
    expect(errors(aliases(50))).toEqual([]);
    expect(errors(aliases(51))).toEqual(['Too many aliases: 51 exceeds the maximum of 50.']);
  });

  it('refuse more than 50 directives', () => {
    expect(errors(`{ ${'a @skip(if: false) '.repeat(51)}}`)).toEqual([
      'Too many directives: 51 exceeds the maximum of 50.',
    ]);
  });

  it('let the standard introspection query through', () => {
    const full = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    expect(errors(full)).toEqual([]);
  });
});
