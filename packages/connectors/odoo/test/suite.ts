import type { AnyZodObject, ToolSpec } from '@switchboard/kit';
import { Account, Contact, Invoice, Order } from '@switchboard/kit';
import {
  allPages,
  callTool,
  must,
  testContext,
  testSource,
  testUpstream,
  toolError,
} from '@switchboard/kit/testing';
import type { Dataset } from '@switchboard/sandbox';
import { demoDataset, HERO, HERO_EMAILS, isoDate, odooMoveName, resolveAsOf } from '@switchboard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { OdooClient } from '../src/index.js';
import {
  customerResource,
  findCustomersTool,
  getCustomerTool,
  getOrderTool,
  listInvoicesTool,
  listOrdersTool,
  type OdooConfig,
  odoo,
  odooConnector,
  odooProfile,
  orderResource,
  productStockTool,
  readOnly,
  receivablesAgingTool,
} from '../src/index.js';
import { commonPair, Expected, sum } from './expected.js';
import { type Backend, connect, instance, type RunningDatabase } from './harness.js';

type Ctx = ReturnType<typeof testContext<OdooClient, OdooConfig>>;

/** The whole connector suite, run once per backend. */
export function odooSuite(backend: Backend): void {
  describe(`odoo connector on ${backend.name}`, () => {
    const dataset = reopenForeignInvoice(structuredClone(demoDataset()));
    const asOf = resolveAsOf();
    const expected = new Expected(dataset, asOf);
    const heroId = expected.customerId(HERO.everywhere);
    const eur = expected.currencyName(expected.companyCurrencyId);

    let database: RunningDatabase | undefined;
    let client: OdooClient;
    let config: OdooConfig;
    let ctx: Ctx;

    beforeAll(async () => {
      database = await backend.start({ dataset, asOf });
      ({ client, config } = await connect(database.sandbox, { webUrl: 'https://erp.example.com/' }));
      ctx = testContext(client, config, { instance, connector: odoo.spec });
    });

    afterAll(async () => {
      if (client !== undefined) await odooConnector.close?.(client);
      await database?.close();
    });

    /** Calls a tool as the gateway does, in the suite's context unless given another. */
    function call<I extends AnyZodObject, O extends AnyZodObject>(
      tool: ToolSpec<OdooClient, OdooConfig, I, O>,
      raw: z.input<I>,
      context: Ctx = ctx,
    ): Promise<z.output<O>> {
      return callTool(tool, raw, context);
    }

    function failure<I extends AnyZodObject, O extends AnyZodObject>(
      tool: ToolSpec<OdooClient, OdooConfig, I, O>,
      raw: z.input<I>,
      context: Ctx = ctx,
    ) {
      return toolError(call(tool, raw, context));
    }

    /** An upstream with the connector's profile, as the gateway gives a call. */
    const upstream = (signal?: AbortSignal) =>
      testUpstream(odooProfile(config), signal === undefined ? {} : { signal });

    /** Walks every page of a paged tool and returns all items in order. */
    async function walk<T>(
      fetch: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string | undefined }>,
      pageSize: number,
    ): Promise<{ items: T[]; pages: number }> {
      const pages = await allPages(fetch, 500);
      for (const page of pages) {
        // Only the last page may be short.
        expect(page.items.length).toBeLessThanOrEqual(pageSize);
        if (page.nextCursor !== undefined) expect(page.items).toHaveLength(pageSize);
      }
      return { items: pages.flatMap((page) => page.items), pages: pages.length };
    }

    const ids = (items: ReadonlyArray<{ source: { id: string } }>) =>
      items.map((item) => Number(item.source.id));
    const sorted = (values: readonly number[]) => [...values].sort((left, right) => left - right);
    const archivedCustomer = () =>
      must(
        dataset.odoo.partners.find(
          (partner) => partner.isCompany && !partner.active && partner.customerKey !== null,
        ),
        'archived customer',
      );

    // -------------------------------------------------------------------------------------------
    describe('find_customers', () => {
      it('finds active customers by a case-insensitive name substring', async () => {
        const query = 'HELIX';
        const want = expected.customers().filter((partner) => partner.name.toLowerCase().includes('helix'));
        const out = await call(findCustomersTool, { query });
        expect(sorted(ids(out.customers))).toEqual(sorted(want.map((partner) => partner.id)));
        expect(out.total).toBe(want.length);
        expect(out.customers.every((customer) => customer.matchedBy === 'name')).toBe(true);
      });

      it("resolves a contact's email, in any case, to its company", async () => {
        const out = await call(findCustomersTool, { email: HERO_EMAILS.everywhere.toUpperCase() });
        const hero = expected.partner(heroId);
        expect(out.customers).toHaveLength(1);
        const [customer] = out.customers;
        expect(customer).toMatchObject({
          name: hero.name,
          matchedBy: 'email',
          ref: hero.ref,
          active: true,
          domain: 'helix-robotics.com',
          source: {
            system: 'odoo',
            instance: 'odoo',
            id: String(heroId),
            url: `https://erp.example.com/web#id=${heroId}&model=res.partner&view_type=form`,
          },
        });
        expect(customer?.country).toBe(
          dataset.customers.find((candidate) => candidate.key === HERO.everywhere)?.country,
        );
      });

      it('finds by domain through websites and contact emails, given a URL', async () => {
        const domain = 'helix-robotics.com';
        const want = new Set(
          dataset.odoo.partners
            .filter(
              (partner) =>
                partner.active &&
                (partner.website?.toLowerCase().includes(`//www.${domain}`) ||
                  partner.emailNormalized?.endsWith(`@${domain}`)),
            )
            .map((partner) => partner.commercialPartnerId)
            .filter((id) => expected.isCustomer(expected.partner(id))),
        );
        const out = await call(findCustomersTool, { domain: `https://www.${domain}/contact` });
        expect(sorted(ids(out.customers))).toEqual(sorted([...want]));
        expect(ids(out.customers)).toContain(heroId);
        expect(out.customers.every((customer) => customer.matchedBy === 'domain')).toBe(true);
      });

      it('does not match free-mail domains against contact emails', async () => {
        const freeMailCustomer = expected.customerId(HERO.freeMail);
        expect(HERO_EMAILS.freeMail.endsWith('@gmail.com')).toBe(true);
        const out = await call(findCustomersTool, { domain: 'gmail.com' });
        expect(ids(out.customers)).not.toContain(freeMailCustomer);
        // Its contact's exact address still finds it.
        const byEmail = await call(findCustomersTool, { email: HERO_EMAILS.freeMail });
        expect(ids(byEmail.customers)).toEqual([freeMailCustomer]);
      });

      it('finds by exact internal reference', async () => {
        const hero = expected.partner(heroId);
        const out = await call(findCustomersTool, { ref: must(hero.ref, 'hero ref') });
        expect(out.customers.map((customer) => [customer.source.id, customer.matchedBy])).toEqual([
          [String(heroId), 'ref'],
        ]);
      });

      it('returns each customer once, labelled with its strongest criterion, strongest first', async () => {
        const other = must(
          expected.customers().find((partner) => partner.ref !== null && partner.id !== heroId),
          'second customer with a ref',
        );
        const out = await call(findCustomersTool, {
          ref: must(other.ref, 'ref'),
          email: HERO_EMAILS.everywhere,
          query: expected.partner(heroId).name.slice(0, 5),
        });
        expect(out.customers[0]).toMatchObject({ source: { id: String(other.id) }, matchedBy: 'ref' });
        expect(out.customers[1]).toMatchObject({ source: { id: String(heroId) }, matchedBy: 'email' });
        expect(new Set(ids(out.customers)).size).toBe(out.customers.length);
      });

      it('leaves archived customers out', async () => {
        const archived = archivedCustomer();
        const out = await call(findCustomersTool, { query: archived.name });
        expect(ids(out.customers)).not.toContain(archived.id);
      });

      it('pages through every match exactly once', async () => {
        const query = commonPair(expected.customers().map((partner) => partner.name));
        const want = expected.customers().filter((partner) => partner.name.toLowerCase().includes(query));
        expect(want.length).toBeGreaterThan(6);
        const { items, pages } = await walk(async (cursor) => {
          const out = await call(findCustomersTool, { query, limit: 4, cursor });
          expect(out.total).toBe(want.length);
          return { items: out.customers, nextCursor: out.nextCursor };
        }, 4);
        expect(pages).toBe(Math.ceil(want.length / 4));
        expect(new Set(ids(items)).size).toBe(items.length);
        expect(sorted(ids(items))).toEqual(sorted(want.map((partner) => partner.id)));
      });

      it('refuses a call without any criterion, saying what to pass', () => {
        const parsed = findCustomersTool.input.safeParse({});
        expect(parsed.success).toBe(false);
        expect(parsed.error?.issues[0]?.message).toMatch(/query.*email.*domain.*ref/);
        expect(findCustomersTool.input.safeParse({ domain: 'not a domain' }).success).toBe(false);
      });

      it('caps limit at 100', async () => {
        expect(findCustomersTool.input.safeParse({ query: 'ab', limit: 101 }).success).toBe(false);
        expect(findCustomersTool.input.safeParse({ query: 'ab', limit: 0 }).success).toBe(false);
        const query = commonPair(expected.customers().map((partner) => partner.name));
        const out = await call(findCustomersTool, { query, limit: 100 });
        expect(out.customers.length).toBeLessThanOrEqual(100);
      });

      it('treats SQL and LIKE metacharacters in text inputs as plain text', async () => {
        for (const query of ["'; DROP TABLE res_partner; --", "x' OR '1'='1", '%%', '__', '\\%']) {
          const want = expected.customers().filter((partner) => partner.name.toLowerCase().includes(query));
          const out = await call(findCustomersTool, { query });
          expect(out.customers, query).toHaveLength(want.length);
        }
        const byRef = await call(findCustomersTool, { ref: "' OR 1=1 --" });
        expect(byRef.customers).toEqual([]);
        // The table is intact and the connection usable.
        const hero = await call(getCustomerTool, { id: heroId });
        expect(hero.customer.source.id).toBe(String(heroId));
      });

      it('refuses a cursor that is not one, or that belongs to other filters', async () => {
        const garbage = await failure(findCustomersTool, { query: 'helix', cursor: 'not-a-cursor' });
        expect(garbage.code).toBe('invalid_input');
        const query = commonPair(expected.customers().map((partner) => partner.name));
        const first = await call(findCustomersTool, { query, limit: 2 });
        const cursor = must(first.nextCursor, 'second page');
        const other = await failure(findCustomersTool, { query: 'helix', limit: 2, cursor });
        expect(other.code).toBe('invalid_input');
        expect(other.message).toMatch(/same filters/);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('get_customer', () => {
      it("returns the hero customer's receivable, overdue, aging, contacts and last order", async () => {
        const out = await call(getCustomerTool, { id: String(heroId) });
        const aging = expected.aging(heroId);
        expect(out.customer.name).toBe(expected.partner(heroId).name);
        expect(out.resolvedFrom).toBeUndefined();
        expect(out.financials.receivable.currency).toBe(eur);
        expect(out.financials.receivable.amount).toBeCloseTo(aging.total, 2);
        expect(out.financials.overdue.amount).toBeCloseTo(expected.overdue(heroId), 2);
        expect(out.financials.overdue.amount).toBeGreaterThan(0);
        for (const bucket of ['current', 'd1_30', 'd31_60', 'd61_90', 'd90_plus', 'total'] as const) {
          expect(out.financials.aging[bucket], bucket).toBeCloseTo(aging[bucket], 2);
        }
        expect(out.financials.unappliedCredits.amount).toBeCloseTo(expected.openCredits(heroId), 2);
        expect(sorted(ids(out.contacts))).toEqual(
          sorted(expected.contactsOf(heroId).map((partner) => partner.id)),
        );
        expect(out.contacts.every((contact) => Contact.safeParse(contact).success)).toBe(true);
        expect(out.contactsTruncated).toBe(false);
        const last = must(
          expected.orders(heroId).find((order) => order.state !== 'cancel'),
          'hero order',
        );
        expect(out.lastOrder).toMatchObject({ number: last.name, accountId: String(heroId) });
      });

      it('resolves a contact id to its company and says so', async () => {
        const contact = must(
          dataset.odoo.partners.find((partner) => partner.emailNormalized === HERO_EMAILS.everywhere),
          'hero contact',
        );
        const out = await call(getCustomerTool, { id: contact.id });
        expect(out.customer.source.id).toBe(String(heroId));
        expect(out.resolvedFrom).toEqual({ contactId: String(contact.id), contactName: contact.name });
      });

      it('reports invoices in other currencies apart, unconverted', async () => {
        const foreign = must(
          expected
            .customers()
            .find((partner) =>
              expected
                .openInvoices(partner.id)
                .some((invoice) => invoice.currencyId !== expected.companyCurrencyId),
            ),
          'customer with open invoices in another currency',
        );
        const out = await call(getCustomerTool, { id: foreign.id });
        const currencies = [
          ...new Set(
            expected
              .openInvoices(foreign.id)
              .filter((invoice) => invoice.currencyId !== expected.companyCurrencyId)
              .map((invoice) => invoice.currencyId),
          ),
        ];
        expect(out.financials.otherCurrencies.map((balance) => balance.currency).sort()).toEqual(
          currencies.map((id) => expected.currencyName(id)).sort(),
        );
        for (const balance of out.financials.otherCurrencies) {
          const currencyId = must(
            dataset.odoo.currencies.find((currency) => currency.name === balance.currency),
            'currency',
          ).id;
          expect(balance.receivable).toBeCloseTo(expected.aging(foreign.id, currencyId).total, 2);
          expect(balance.overdue).toBeCloseTo(expected.overdue(foreign.id, currencyId), 2);
        }
        expect(out.financials.receivable.amount).toBeCloseTo(expected.aging(foreign.id).total, 2);
      });

      it('returns an archived customer by id, flagged inactive', async () => {
        const archived = archivedCustomer();
        const out = await call(getCustomerTool, { id: archived.id });
        expect(out.customer.active).toBe(false);
      });

      it('answers not_found naming the id and find_customers', async () => {
        const error = await failure(getCustomerTool, { id: 99_999_999 });
        expect(error.code).toBe('not_found');
        expect(error.message).toContain('99999999');
        expect(error.message).toContain('odoo__find_customers');
        expect(getCustomerTool.input.safeParse({ id: 'abc' }).success).toBe(false);
        expect(getCustomerTool.input.safeParse({ id: 2_147_483_648 }).success).toBe(false);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('list_orders', () => {
      it("lists a customer's orders, its contacts' included, newest first", async () => {
        const want = expected.orders(heroId);
        const out = await call(listOrdersTool, { customerId: heroId, limit: 100 });
        expect(out.orders.map((order) => order.number)).toEqual(want.map((order) => order.name));
        expect(out.nextCursor).toBeUndefined();
        const first = must(out.orders[0], 'first order');
        const source = must(want[0], 'first expected order');
        expect(first.total).toEqual({
          amount: source.amountTotal,
          currency: expected.currencyName(source.currencyId),
        });
        expect(first.date).toBe(new Date(expected.orderTime(source)).toISOString().replace(/\.\d{3}Z$/, 'Z'));
      });

      it('includes orders placed by contacts of the customer', async () => {
        const viaContact = must(
          dataset.odoo.saleOrders.find((order) => {
            const partner = expected.partner(order.partnerId);
            return partner.id !== partner.commercialPartnerId;
          }),
          'order placed by a contact',
        );
        const customerId = expected.partner(viaContact.partnerId).commercialPartnerId;
        const out = await call(listOrdersTool, { customerId, limit: 100 });
        expect(out.orders.map((order) => order.number)).toContain(viaContact.name);
      });

      it('filters by state and by order date range', async () => {
        const confirmed = await call(listOrdersTool, { states: ['confirmed'], limit: 100 });
        const wantConfirmed = expected.orders().filter((order) => order.state === 'sale');
        expect(confirmed.orders.every((order) => order.state === 'confirmed')).toBe(true);
        expect(confirmed.orders.map((order) => order.number)).toEqual(
          wantConfirmed.slice(0, 100).map((order) => order.name),
        );

        const from = isoDate(-300, asOf);
        const to = isoDate(-100, asOf);
        const want = expected
          .orders(heroId)
          .filter((order) => order.dateOrder.day >= -300 && order.dateOrder.day <= -100);
        const ranged = await call(listOrdersTool, { customerId: heroId, from, to });
        expect(ranged.orders.map((order) => order.number)).toEqual(want.map((order) => order.name));
        expect(want.length).toBeGreaterThan(0);
      });

      it('pages through every order exactly once, newest first', async () => {
        const want = expected.orders();
        const { items } = await walk(async (cursor) => {
          const out = await call(listOrdersTool, { limit: 37, cursor });
          return { items: out.orders, nextCursor: out.nextCursor };
        }, 37);
        expect(items.map((order) => order.number)).toEqual(want.map((order) => order.name));
      });

      it('rejects a range that ends before it starts, and an unknown customer', async () => {
        expect(listOrdersTool.input.safeParse({ from: '2025-02-01', to: '2025-01-01' }).success).toBe(false);
        const error = await failure(listOrdersTool, { customerId: 99_999_999 });
        expect(error.code).toBe('not_found');
        expect(error.message).toContain('odoo__find_customers');
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('get_order', () => {
      const withSection = must(
        dataset.odoo.saleOrders.find((order) =>
          order.lines.some((line) => line.displayType === 'line_section'),
        ),
        'order with a section line',
      );

      it('returns an order by number with typed lines, product codes and names', async () => {
        const out = await call(getOrderTool, { number: withSection.name });
        expect(out.order).toMatchObject({
          number: withSection.name,
          total: { amount: withSection.amountTotal, currency: expected.currencyName(withSection.currencyId) },
          accountId: String(expected.partner(withSection.partnerId).commercialPartnerId),
        });
        const lines = [...withSection.lines].sort(
          (left, right) => left.sequence - right.sequence || left.id - right.id,
        );
        expect(out.lines.map((line) => line.lineType)).toEqual(
          lines.map((line) =>
            line.displayType === 'line_section'
              ? 'section'
              : line.displayType === 'line_note'
                ? 'note'
                : 'product',
          ),
        );
        for (const [index, line] of lines.entries()) {
          const got = must(out.lines[index], `line ${index}`);
          if (line.productId === null) {
            expect(got.product).toBeUndefined();
            continue;
          }
          const product = must(
            dataset.odoo.products.find((candidate) => candidate.productId === line.productId),
            'product',
          );
          expect(got).toMatchObject({
            product: { id: String(product.productId), code: product.defaultCode, name: product.name },
            quantity: line.quantity,
            subtotal: line.priceSubtotal,
          });
        }
        expect(out.linesTruncated).toBe(false);
      });

      it('answers the same for id, number and lower-case number', async () => {
        const byNumber = await call(getOrderTool, { number: withSection.name });
        expect(await call(getOrderTool, { id: withSection.id })).toEqual(byNumber);
        expect(await call(getOrderTool, { number: withSection.name.toLowerCase() })).toEqual(byNumber);
      });

      it('answers not_found naming the order and list_orders; needs exactly one key', async () => {
        const error = await failure(getOrderTool, { number: "S99999' OR '1'='1" });
        expect(error.code).toBe('not_found');
        expect(error.message).toContain("S99999' OR '1'='1");
        expect(error.message).toContain('odoo__list_orders');
        const byId = await failure(getOrderTool, { id: 99_999_999 });
        expect(byId.message).toContain('99999999');
        expect(getOrderTool.input.safeParse({}).success).toBe(false);
        expect(getOrderTool.input.safeParse({ id: 1, number: 'S00001' }).success).toBe(false);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('list_invoices', () => {
      it("lists the hero's open invoices most overdue first, with days overdue", async () => {
        const want = expected.openInvoices(heroId);
        const out = await call(listInvoicesTool, { customerId: heroId });
        expect(out.invoices.map((invoice) => invoice.number)).toEqual(
          want.map((invoice) => odooMoveName(invoice, asOf)),
        );
        for (const [index, invoice] of want.entries()) {
          const got = must(out.invoices[index], `invoice ${index}`);
          expect(got.daysOverdue).toBe(expected.daysLate(invoice));
          expect(got.status).toBe(expected.daysLate(invoice) > 0 ? 'overdue' : 'open');
          expect(got.residual.amount).toBeCloseTo(invoice.amountResidual, 2);
          expect(got.dueDate).toBe(isoDate(invoice.invoiceDateDue, asOf));
        }
        // The hero's story: an invoice 45 days overdue.
        expect(out.invoices.map((invoice) => invoice.daysOverdue)).toContain(45);
      });

      it('filters overdue and paid invoices', async () => {
        const overdue = await call(listInvoicesTool, { customerId: heroId, status: 'overdue' });
        expect(overdue.invoices.map((invoice) => invoice.source.id)).toEqual(
          expected
            .openInvoices(heroId)
            .filter((invoice) => invoice.invoiceDateDue < 0)
            .map((invoice) => String(invoice.id)),
        );
        const paid = await call(listInvoicesTool, { customerId: heroId, status: 'paid', limit: 100 });
        const wantPaid = expected
          .postedInvoices(heroId)
          .filter((invoice) => invoice.paymentState === 'paid' || invoice.paymentState === 'in_payment')
          .sort((left, right) => right.invoiceDateDue - left.invoiceDateDue || right.id - left.id);
        expect(paid.invoices.map((invoice) => invoice.source.id)).toEqual(
          wantPaid.map((invoice) => String(invoice.id)),
        );
        expect(paid.invoices.every((invoice) => invoice.status === 'paid' && invoice.daysOverdue === 0)).toBe(
          true,
        );
      });

      it('pages through every posted invoice exactly once, and no drafts, cancellations or credit notes', async () => {
        const want = expected
          .postedInvoices()
          .sort((left, right) => right.invoiceDateDue - left.invoiceDateDue || right.id - left.id);
        const { items } = await walk(async (cursor) => {
          const out = await call(listInvoicesTool, { status: 'all', limit: 25, cursor });
          return { items: out.invoices, nextCursor: out.nextCursor };
        }, 25);
        expect(items.map((invoice) => Number(invoice.source.id))).toEqual(want.map((invoice) => invoice.id));
        const reversed = want
          .filter((invoice) => invoice.paymentState === 'reversed')
          .map((invoice) => String(invoice.id));
        expect(
          items.filter((invoice) => invoice.status === 'cancelled').map((invoice) => invoice.source.id),
        ).toEqual(reversed);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('receivables_aging', () => {
      it('totals every customer in the company currency and counts other currencies', async () => {
        const out = await call(receivablesAgingTool, { limit: 5 });
        const aging = expected.aging();
        expect(out.currency).toBe(eur);
        expect(out.asOf).toBe(isoDate(0, asOf));
        for (const bucket of ['current', 'd1_30', 'd31_60', 'd61_90', 'd90_plus', 'total'] as const) {
          expect(out.totals[bucket], bucket).toBeCloseTo(aging[bucket], 2);
        }
        expect(out.otherCurrencyInvoices).toBe(
          expected.openInvoices().filter((invoice) => invoice.currencyId !== expected.companyCurrencyId)
            .length,
        );
      });

      it('pages per-customer rows, most overdue first, each customer once', async () => {
        const { items } = await walk(async (cursor) => {
          const out = await call(receivablesAgingTool, { limit: 4, cursor });
          return { items: out.customers, nextCursor: out.nextCursor };
        }, 4);
        const want = [
          ...new Set(
            expected
              .openInvoices(undefined, expected.companyCurrencyId)
              .map((invoice) => invoice.commercialPartnerId),
          ),
        ];
        expect(sorted(items.map((row) => Number(row.customer.id)))).toEqual(sorted(want));
        for (const [index, row] of items.entries()) {
          const customerId = Number(row.customer.id);
          expect(row.overdue).toBeCloseTo(expected.overdue(customerId), 2);
          expect(row.buckets.total).toBeCloseTo(expected.aging(customerId).total, 2);
          const previous = items[index - 1];
          if (previous !== undefined) expect(previous.overdue).toBeGreaterThanOrEqual(row.overdue);
        }
      });

      it('reports one customer without per-customer rows', async () => {
        const out = await call(receivablesAgingTool, { customerId: heroId });
        expect(out.customers).toEqual([]);
        expect(out.nextCursor).toBeUndefined();
        expect(out.totals.total).toBeCloseTo(expected.aging(heroId).total, 2);
        expect(out.totals.total - out.totals.current).toBeCloseTo(expected.overdue(heroId), 2);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('product_stock', () => {
      it('sums on hand and reserved over internal locations only', async () => {
        const product = must(
          dataset.odoo.products.find(
            (candidate) =>
              candidate.active &&
              dataset.odoo.quants.some(
                (quant) => quant.productId === candidate.productId && quant.locationId === 9,
              ),
          ),
          'product on two internal locations',
        );
        const out = await call(productStockTool, { code: product.defaultCode });
        const want = expected.stock(product.productId);
        expect(out.products[0]).toMatchObject({
          code: product.defaultCode,
          name: product.name,
          tracksStock: true,
          onHand: want.onHand,
          reserved: want.reserved,
          available: want.onHand - want.reserved,
        });
      });

      it('shows fully reserved and out-of-stock products, and services as untracked', async () => {
        const products = dataset.odoo.products.filter((product) => product.active);
        for (const product of products) {
          const out = await call(productStockTool, { code: product.defaultCode });
          const got = must(out.products[0], product.defaultCode);
          const want = expected.stock(product.productId);
          expect(got.source.id).toBe(String(product.productId));
          expect([got.onHand, got.reserved], product.defaultCode).toEqual([want.onHand, want.reserved]);
          expect(got.tracksStock).toBe(product.detailedType === 'product');
        }
        const inactive = must(
          dataset.odoo.products.find((product) => !product.active),
          'discontinued product',
        );
        expect((await call(productStockTool, { code: inactive.defaultCode })).products).toEqual([]);
      });

      it('pages a name search through every match exactly once', async () => {
        const query = commonPair(
          dataset.odoo.products.filter((product) => product.active).map((product) => product.name),
        );
        const want = dataset.odoo.products.filter(
          (product) =>
            product.active &&
            (product.name.toLowerCase().includes(query) || product.defaultCode.toLowerCase().includes(query)),
        );
        const { items } = await walk(async (cursor) => {
          const out = await call(productStockTool, { query, limit: 3, cursor });
          expect(out.total).toBe(want.length);
          return { items: out.products, nextCursor: out.nextCursor };
        }, 3);
        expect(sorted(ids(items))).toEqual(sorted(want.map((product) => product.productId)));
        expect(productStockTool.input.safeParse({ limit: 5 }).success).toBe(false);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('resources', () => {
      it('customers/{id} and orders/{id} return what get_customer and get_order return', async () => {
        const customer = await customerResource.read({ id: String(heroId) }, ctx);
        expect(customer.json).toEqual(await call(getCustomerTool, { id: heroId }));
        const order = must(expected.orders(heroId)[0], 'hero order');
        const byNumber = await orderResource.read({ id: order.name }, ctx);
        const byId = await orderResource.read({ id: String(order.id) }, ctx);
        expect(byNumber.json).toEqual(await call(getOrderTool, { id: order.id }));
        expect(byId.json).toEqual(byNumber.json);
        const missing = await toolError(customerResource.read({ id: '99999999' }, ctx));
        expect(missing.code).toBe('not_found');
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('erp capability', () => {
      const signal = new AbortController().signal;
      const erp = () => must(testSource(odooConnector, client, config, instance).erp, 'erp capability');

      it('finds customers by id, external id, email, domain and name, reporting how', async () => {
        const hero = expected.partner(heroId);
        const cases: Array<[Parameters<ReturnType<typeof erp>['findCustomers']>[0], string]> = [
          [{ id: String(heroId) }, 'id'],
          [{ externalIds: { odoo: String(heroId) } }, 'external_id'],
          [{ externalIds: { zendesk: must(hero.ref, 'ref') } }, 'external_id'],
          [{ email: HERO_EMAILS.everywhere }, 'email'],
          [{ domain: 'helix-robotics.com' }, 'domain'],
          [{ name: hero.name }, 'name'],
          // The strongest method that finds anyone wins.
          [{ email: HERO_EMAILS.everywhere, name: 'no such customer' }, 'email'],
        ];
        for (const [lookup, method] of cases) {
          const matches = await erp().findCustomers(lookup, { signal });
          expect(matches[0]?.matchedBy, JSON.stringify(lookup)).toBe(method);
          expect(matches[0]?.account.source.id).toBe(String(heroId));
          const account = must(matches[0], 'match').account;
          expect(Account.strict().safeParse(account).success).toBe(true);
        }
        expect(await erp().findCustomers({ email: 'nobody@nowhere.example' }, { signal })).toEqual([]);
      });

      it("returns the hero's financials in the common models", async () => {
        const out = await erp().getFinancials(String(heroId), { signal });
        expect(out.overdue.amount).toBeCloseTo(expected.overdue(heroId), 2);
        expect(out.receivable).toEqual({
          amount: expect.closeTo(expected.aging(heroId).total, 2),
          currency: eur,
        });
        expect(out.aging.total).toBeCloseTo(out.receivable.amount, 2);
        expect(out.openInvoices.map((invoice) => invoice.source.id)).toEqual(
          expected.openInvoices(heroId).map((invoice) => String(invoice.id)),
        );
        expect(out.recentOrders.map((order) => order.number)).toEqual(
          expected
            .orders(heroId)
            .filter((order) => order.state !== 'cancel')
            .slice(0, 5)
            .map((order) => order.name),
        );
        expect(out.openInvoices.every((invoice) => Invoice.strict().safeParse(invoice).success)).toBe(true);
        expect(out.recentOrders.every((order) => Order.strict().safeParse(order).success)).toBe(true);
        expect(out.contacts).toHaveLength(expected.contactsOf(heroId).length);
      });

      it('reports a foreign customer in its own currency rather than zero', async () => {
        const foreign = expected
          .customers()
          .find(
            (partner) =>
              expected.openInvoices(partner.id).length > 0 &&
              expected
                .openInvoices(partner.id)
                .every((invoice) => invoice.currencyId !== expected.companyCurrencyId) &&
              new Set(expected.openInvoices(partner.id).map((invoice) => invoice.currencyId)).size === 1,
          );
        const customer = must(foreign, 'customer invoiced only in another currency');
        const currencyId = must(expected.openInvoices(customer.id)[0], 'invoice').currencyId;
        const out = await erp().getFinancials(String(customer.id), { signal });
        expect(out.receivable.currency).toBe(expected.currencyName(currencyId));
        expect(out.receivable.amount).toBeCloseTo(expected.aging(customer.id, currencyId).total, 2);
      });

      it('answers not_found for an unknown customer', async () => {
        const error = await toolError(erp().getFinancials('99999999', { signal }));
        expect(error.code).toBe('not_found');
        expect(error.message).toContain('odoo__find_customers');
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('failures and limits', () => {
      // PGlite ignores statement_timeout; this runs on PostgreSQL, which CI requires.
      it.skipIf(backend.inProcess)(
        'reports a statement over its timeout on the kit timeout path',
        async () => {
          const error = await toolError(
            readOnly(client, upstream(), (sql) => sql.rows('sleep', z.unknown(), 'SELECT pg_sleep(2)'), {
              timeoutMs: 50,
            }),
          );
          expect(error.code).toBe('timeout');
          expect(error.retryable).toBe(true);
          expect(error.message).toBe(
            'Odoo did not answer in time (limit 50 ms per request). Retry, or narrow the request.',
          );
          // The pool is still usable.
          expect((await call(getCustomerTool, { id: heroId })).customer.source.id).toBe(String(heroId));
        },
      );

      it('refuses to run with an already aborted signal', async () => {
        const aborted = AbortSignal.abort(new Error('client went away'));
        const error = await failure(
          getCustomerTool,
          { id: heroId },
          testContext(client, config, { instance, signal: aborted }),
        );
        expect(error.code).toBe('timeout');
      });

      it('gives up promptly while waiting for a pooled connection', async () => {
        let release = () => {};
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        const holders = Array.from({ length: config.poolMax }, () =>
          readOnly(client, upstream(), () => gate),
        );
        const error = await failure(
          getCustomerTool,
          { id: heroId },
          testContext(client, config, { instance, signal: AbortSignal.timeout(100) }),
        );
        expect(error.code).toBe('timeout');
        release();
        await Promise.all(holders);
        expect((await call(getCustomerTool, { id: heroId })).customer.source.id).toBe(String(heroId));
      });

      // In-process PGlite blocks the event loop during a query, so nothing can abort it midway; this
      // runs on PostgreSQL, which CI requires.
      it.skipIf(backend.inProcess)('abandons a running query as soon as the signal aborts', async () => {
        const error = await toolError(
          readOnly(client, upstream(AbortSignal.timeout(100)), (sql) =>
            sql.rows('sleep', z.unknown(), 'SELECT pg_sleep(3)'),
          ),
        );
        expect(error.code).toBe('timeout');
        expect(error.message).toMatch(/before the call's deadline/);
        expect((await call(getCustomerTool, { id: heroId })).customer.source.id).toBe(String(heroId));
      });

      it('runs every query in a read-only transaction', async () => {
        const error = await toolError(
          readOnly(client, upstream(), (sql) =>
            sql.rows('insert', z.unknown(), "INSERT INTO res_currency (name, symbol) VALUES ('XTS', 'x')"),
          ),
        );
        expect(error.code).toBe('internal');
        expect(error.message).not.toMatch(/read-only|INSERT/);
        expect(error.cause).toMatchObject({ code: '25006' });
      });

      it('passes the readiness check, and fails it when aborted', async () => {
        await expect(
          odooConnector.check?.(client, { signal: new AbortController().signal }),
        ).resolves.toBeUndefined();
        const error = await toolError(
          Promise.resolve(odooConnector.check?.(client, { signal: AbortSignal.abort() })),
        );
        expect(error.code).toBe('timeout');
      });
    });

    it('computes nothing from an empty dataset by accident', () => {
      // Guards the expectations above against a dataset that would make them vacuous.
      expect(expected.openInvoices(heroId).length).toBeGreaterThan(1);
      expect(sum(expected.customers().map(() => 1))).toBeGreaterThan(20);
    });
  });
}

/**
 * The demo data invoices foreign customers in their currency but has every such invoice paid. Reopen
 * one (in the copy loaded into the database, so expectations still come from the loaded objects) to
 * exercise the currency handling.
 */
function reopenForeignInvoice(dataset: Dataset): Dataset {
  const invoice = must(
    dataset.odoo.invoices.find(
      (candidate) =>
        candidate.moveType === 'out_invoice' &&
        candidate.state === 'posted' &&
        candidate.currencyId !== dataset.odoo.company.currencyId,
    ),
    'posted invoice in a foreign currency',
  );
  invoice.paymentState = 'not_paid';
  invoice.amountResidual = invoice.amountTotal;
  return dataset;
}
