import { describe, expect, it } from 'vitest';
import { generateDataset } from '../dataset/generate.js';
import { compileQuery } from './engine.js';
import { findObject } from './schema.js';
import { seedStore } from './seed.js';
import { parseSoql, SoqlError } from './soql.js';

/** The SOQL subset: parsed exactly, refused loudly, never answered wrongly. */

const asOf = new Date('2025-06-15T00:00:00Z');
const dataset = generateDataset();
const { store } = seedStore(dataset, asOf, () => new Date('2025-06-15T12:00:00Z'));
const run = (soql: string) => compileQuery(store, soql, '62.0').run();
const failure = (soql: string): SoqlError => {
  try {
    run(soql);
  } catch (error) {
    if (error instanceof SoqlError) return error;
    throw error;
  }
  throw new Error(`accepted: ${soql}`);
};

describe('SOQL parser', () => {
  it('parses fields, relationship paths, nested boolean logic, IN, LIKE, ORDER BY, LIMIT and OFFSET', () => {
    const query = parseSoql(
      "select Id, Account.Name FROM Contact WHERE (Email LIKE '%@x.com' OR NOT Title = null) AND " +
        "AccountId IN ('001000000000000', '001000000000001') ORDER BY Name DESC NULLS FIRST, Id LIMIT 10 OFFSET 5",
    );
    expect(query).toMatchObject({
      object: 'Contact',
      fields: [{ path: ['Id'] }, { path: ['Account', 'Name'] }],
      where: {
        kind: 'and',
        operands: [
          {
            kind: 'or',
            operands: [
              { kind: 'like' },
              { kind: 'not', operand: { kind: 'compare', op: '=', value: { kind: 'null' } } },
            ],
          },
          { kind: 'in', negated: false, values: [{ kind: 'string' }, { kind: 'string' }] },
        ],
      },
      orderBy: [
        { field: { path: ['Name'] }, direction: 'DESC', nulls: 'FIRST' },
        { field: { path: ['Id'] }, direction: 'ASC', nulls: 'FIRST' },
      ],
      limit: 10,
      offset: 5,
    });
  });

  it('decodes string escapes and keeps escaped wildcards literal for LIKE', () => {
    const query = parseSoql("SELECT Id FROM Account WHERE Name LIKE 'O\\'Brien\\\\50\\%\\_%'");
    expect(query.where).toMatchObject({
      kind: 'like',
      value: { value: "O'Brien\\50%_%", pattern: "O'Brien\\\\50\\%\\_%" },
    });
  });

  it.each([
    ['SELECT Id FROM Account GROUP BY Name', /GROUP/],
    ['SELECT COUNT() FROM Account', /Functions/],
    ['SELECT Id, (SELECT Id FROM Contacts) FROM Account', /Subqueries/],
    ['SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact)', /Semi-join/],
    ['SELECT Id FROM Account WHERE Name = :name', /Bind/],
    ["SELECT Id FROM Account WHERE Name = 'a' AND Phone = 'b' OR Website = 'c'", /parentheses/],
    ['SELECT Id FROM Account; SELECT Id FROM Contact', /exactly one query/],
    ['SELECT Id FROM Account WITH SECURITY_ENFORCED', /WITH/],
    ['SELECT Id FROM Account FOR UPDATE', /FOR/],
    ['SELECT Id FROM Account a', /Aliases/],
    ["SELECT Id FROM Account WHERE Name = 'unterminated", /Unterminated/],
    ["SELECT Id FROM Account WHERE Name = 'bad \\q escape'", /escape/],
    ['SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:30', /Bind|unexpected/],
    ['SELECT Id FROM Account LIMIT -1', /LIMIT/],
    ['SELECT FROM Account', /unexpected/],
    ['DELETE FROM Account', /expected SELECT/],
    ["SELECT Id FROM Account WHERE Name INCLUDES ('a')", /INCLUDES/],
  ])('rejects %s with MALFORMED_QUERY', (soql, message) => {
    const error = failure(soql);
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.message).toMatch(message);
  });

  it('rejects unknown objects, fields and relationships, and mistyped values, as Salesforce does', () => {
    expect(failure('SELECT Id FROM Invoice__c').errorCode).toBe('INVALID_TYPE');
    expect(failure('SELECT Id, Secret__c FROM Account').errorCode).toBe('INVALID_FIELD');
    expect(failure('SELECT Owner.Secret FROM Account').errorCode).toBe('INVALID_FIELD');
    expect(failure('SELECT Parent.Name FROM Account').errorCode).toBe('INVALID_FIELD');
    expect(failure("SELECT Id FROM Opportunity WHERE CloseDate > '2025-01-01'").errorCode).toBe(
      'INVALID_FIELD',
    );
    expect(failure("SELECT Id FROM Opportunity WHERE Amount > '5'").errorCode).toBe('INVALID_FIELD');
    expect(failure("SELECT Id FROM Account WHERE Id = 'nope'").errorCode).toBe(
      'INVALID_QUERY_FILTER_OPERATOR',
    );
    expect(failure('SELECT Id FROM Opportunity WHERE IsWon > true').errorCode).toBe(
      'INVALID_QUERY_FILTER_OPERATOR',
    );
    expect(failure('SELECT Id FROM Account OFFSET 2001').errorCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
    expect(failure('SELECT Id, id FROM Account').message).toMatch(/duplicate/);
  });
});

describe('SOQL evaluation', () => {
  const sf = dataset.salesforce;

  it('filters case-insensitively with LIKE, IN, NOT and comparisons, and follows relationships', () => {
    const helix = sf.accounts.find((a) => a.customerKey === 'helix-robotics');
    const rows = run(
      `SELECT Name, Account.Name, Owner.Name FROM Contact WHERE account.name LIKE 'HELIX%' ORDER BY Name`,
    );
    expect(rows.length).toBe(sf.contacts.filter((c) => c.accountId === helix?.id).length);
    expect(rows[0]).toMatchObject({
      attributes: { type: 'Contact' },
      Account: { attributes: { type: 'Account' }, Name: 'Helix Robotics AB' },
      Owner: { Name: 'Elena Petrova' },
    });
    const big = run(
      "SELECT Id FROM Account WHERE NumberOfEmployees >= 1000 AND NOT (Industry IN ('Retail', 'Energy'))",
    );
    expect(big.length).toBe(
      sf.accounts.filter((a) => a.numberOfEmployees >= 1000 && !['Retail', 'Energy'].includes(a.industry))
        .length,
    );
    const notIn = run("SELECT Id FROM Opportunity WHERE StageName NOT IN ('Closed Won', 'Closed Lost')");
    expect(notIn.length).toBe(sf.opportunities.filter((o) => !o.isClosed).length);
  });

  it('compares dates and TODAY against the clock, orders with NULLS placement, and applies LIMIT/OFFSET', () => {
    const future = run(
      'SELECT Id, CloseDate FROM Opportunity WHERE CloseDate > TODAY ORDER BY CloseDate ASC, Id',
    );
    expect(future.length).toBe(sf.opportunities.filter((o) => o.closeDate > 0).length);
    const dates = future.map((row) => String(row.CloseDate));
    expect(dates).toEqual([...dates].sort());
    const literal = run('SELECT Id FROM Opportunity WHERE CloseDate > 2025-06-15');
    expect(literal.length).toBe(future.length);
    const all = run('SELECT Id FROM Account ORDER BY Name');
    const window = run('SELECT Id FROM Account ORDER BY Name LIMIT 3 OFFSET 2');
    expect(window).toEqual(all.slice(2, 5));
    const contact = findObject('Contact');
    if (contact === undefined) throw new Error('no Contact');
    store.insert(contact, { LastName: 'Untitled', Title: null });
    expect(run('SELECT Title FROM Contact ORDER BY Title LIMIT 1')[0]?.Title).toBeNull();
    expect(run('SELECT Title FROM Contact ORDER BY Title DESC').at(-1)?.Title).toBeNull();
    expect(run('SELECT Title FROM Contact ORDER BY Title ASC NULLS LAST').at(-1)?.Title).toBeNull();
    expect(failure('SELECT Id FROM Account ORDER BY Description').errorCode).toBe('INVALID_FIELD');
  });

  it('matches ids in 15- and 18-character form and keyset comparisons on Id', () => {
    const id = sf.accounts[0]?.id ?? '';
    expect(run(`SELECT Id FROM Account WHERE Id = '${id.slice(0, 15)}'`)).toHaveLength(1);
    const after = run(`SELECT Id FROM Account WHERE Id > '${id}' ORDER BY Id`);
    expect(after.map((row) => row.Id)).not.toContain(id);
    expect(after.length).toBe(sf.accounts.filter((a) => a.id > id).length);
  });

  it('treats a null field as different from any value, and matches = null', () => {
    expect(run("SELECT Id FROM Account WHERE Description != 'x'").length).toBe(sf.accounts.length);
    expect(run('SELECT Id FROM Account WHERE Description = null').length).toBe(sf.accounts.length);
    expect(run("SELECT Id FROM Account WHERE Description = 'x'").length).toBe(0);
  });
});
