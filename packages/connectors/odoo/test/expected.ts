import type { AgingBuckets } from '@switchboard/kit';
import { must } from '@switchboard/kit/testing';
import type {
  Dataset,
  HeroKey,
  OdooInvoice,
  OdooPartner,
  OdooProduct,
  OdooSaleOrder,
} from '@switchboard/sandbox';
import { instantToDate } from '@switchboard/sandbox';

/**
 * What the connector should answer, computed in TypeScript from the dataset objects that were
 * loaded into the database (never hard-coded), with the connector's documented definitions.
 */
export class Expected {
  constructor(
    readonly dataset: Dataset,
    readonly asOf: Date,
  ) {}

  get odoo() {
    return this.dataset.odoo;
  }

  get companyCurrencyId(): number {
    return this.odoo.company.currencyId;
  }

  currencyName(id: number): string {
    return must(
      this.odoo.currencies.find((currency) => currency.id === id),
      `currency ${id}`,
    ).name;
  }

  partner(id: number): OdooPartner {
    return must(
      this.odoo.partners.find((partner) => partner.id === id),
      `partner ${id}`,
    );
  }

  isCustomer(partner: OdooPartner): boolean {
    return (
      partner.active &&
      (partner.isCompany || partner.customerRank > 0) &&
      partner.commercialPartnerId === partner.id
    );
  }

  customers(): OdooPartner[] {
    return this.odoo.partners.filter((partner) => this.isCustomer(partner));
  }

  /** The Odoo partner id of a customer of the dataset, by customer key. */
  customerId(key: HeroKey | string): number {
    const customer = must(
      this.dataset.customers.find((candidate) => candidate.key === key),
      `customer ${key}`,
    );
    return must(customer.presence.odoo, `${key} in Odoo`).partnerId;
  }

  contactsOf(customerId: number): OdooPartner[] {
    return this.odoo.partners.filter(
      (partner) => partner.commercialPartnerId === customerId && partner.id !== customerId && partner.active,
    );
  }

  orderTime(order: OdooSaleOrder): number {
    return instantToDate(order.dateOrder, this.asOf).getTime();
  }

  /** Orders of the company, optionally of one commercial partner, newest first. */
  orders(customerId?: number): OdooSaleOrder[] {
    return this.odoo.saleOrders
      .filter(
        (order) =>
          customerId === undefined || this.partner(order.partnerId).commercialPartnerId === customerId,
      )
      .sort((left, right) => this.orderTime(right) - this.orderTime(left) || right.id - left.id);
  }

  postedInvoices(customerId?: number): OdooInvoice[] {
    return this.odoo.invoices.filter(
      (invoice) =>
        invoice.moveType === 'out_invoice' &&
        invoice.state === 'posted' &&
        (customerId === undefined || invoice.commercialPartnerId === customerId),
    );
  }

  /** Open receivable invoices (any currency unless given), most overdue first. */
  openInvoices(customerId?: number, currencyId?: number): OdooInvoice[] {
    return this.postedInvoices(customerId)
      .filter(
        (invoice) =>
          (invoice.paymentState === 'not_paid' || invoice.paymentState === 'partial') &&
          (currencyId === undefined || invoice.currencyId === currencyId),
      )
      .sort((left, right) => left.invoiceDateDue - right.invoiceDateDue || left.id - right.id);
  }

  /** Open credit notes in the company currency. */
  openCredits(customerId: number): number {
    return sum(
      this.odoo.invoices
        .filter(
          (invoice) =>
            invoice.moveType === 'out_refund' &&
            invoice.state === 'posted' &&
            invoice.commercialPartnerId === customerId &&
            invoice.currencyId === this.companyCurrencyId &&
            (invoice.paymentState === 'not_paid' || invoice.paymentState === 'partial'),
        )
        .map((invoice) => invoice.amountResidual),
    );
  }

  /** Days past due of an invoice, as of the asOf day. */
  daysLate(invoice: OdooInvoice): number {
    return Math.max(0, -invoice.invoiceDateDue);
  }

  /** Aging in one currency (the company's by default) of one customer or of all. */
  aging(customerId?: number, currencyId = this.companyCurrencyId): AgingBuckets {
    const buckets: AgingBuckets = { current: 0, d1_30: 0, d31_60: 0, d61_90: 0, d90_plus: 0, total: 0 };
    for (const invoice of this.openInvoices(customerId, currencyId)) {
      const days = -invoice.invoiceDateDue;
      const residual = invoice.amountResidual;
      if (days <= 0) buckets.current += residual;
      else if (days <= 30) buckets.d1_30 += residual;
      else if (days <= 60) buckets.d31_60 += residual;
      else if (days <= 90) buckets.d61_90 += residual;
      else buckets.d90_plus += residual;
      buckets.total += residual;
    }
    return buckets;
  }

  overdue(customerId?: number, currencyId = this.companyCurrencyId): number {
    const buckets = this.aging(customerId, currencyId);
    return buckets.total - buckets.current;
  }

  product(code: string): OdooProduct {
    return must(
      this.odoo.products.find((product) => product.defaultCode === code),
      `product ${code}`,
    );
  }

  /** On hand and reserved of a product variant over internal locations. */
  stock(productId: number): { onHand: number; reserved: number } {
    const internal = new Set(
      this.odoo.locations.filter((location) => location.usage === 'internal').map((location) => location.id),
    );
    const quants = this.odoo.quants.filter(
      (quant) => quant.productId === productId && internal.has(quant.locationId),
    );
    return {
      onHand: sum(quants.map((quant) => quant.quantity)),
      reserved: sum(quants.map((quant) => quant.reservedQuantity)),
    };
  }
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** The two-letter substring found in the most names: a query that matches many rows. */
export function commonPair(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const name of names) {
    const lower = name.toLowerCase();
    const pairs = new Set<string>();
    for (let index = 0; index + 2 <= lower.length; index += 1) {
      const pair = lower.slice(index, index + 2);
      if (/^[a-z]{2}$/.test(pair)) pairs.add(pair);
    }
    for (const pair of pairs) counts.set(pair, (counts.get(pair) ?? 0) + 1);
  }
  const best = [...counts.entries()].sort(
    (left, right) => right[1] - left[1] || left[0].localeCompare(right[0]),
  )[0];
  return must(best, 'name with two letters')[0];
}
