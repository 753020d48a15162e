import { Account, AgingBuckets, Contact, Invoice, Money, model, Order, SourceRef } from '@switchboard/kit';
import { z } from 'zod';

/** Output shapes of the Odoo tools: the kit's common models plus the Odoo facts worth showing. */

export const MatchedBy = z
  .enum(['ref', 'email', 'domain', 'name'])
  .describe(
    'The strongest criterion this customer matched: ref (exact internal reference), email (a contact ' +
      'or the company has this exact address), domain (email domain or website), name (name contains the query).',
  );
export type MatchedBy = z.infer<typeof MatchedBy>;

export const CustomerSummary = Account.extend({
  ref: z.string().optional().describe("Odoo's internal reference of the customer (res_partner.ref), if set."),
  vat: z.string().optional().describe('Tax id (VAT number), if set.'),
  active: z.boolean().describe('False when the customer is archived in Odoo.'),
}).describe('An Odoo customer (a commercial partner: a company or an individual customer).');
export type CustomerSummary = z.infer<typeof CustomerSummary>;

export const CustomerMatch = CustomerSummary.extend({ matchedBy: MatchedBy }).describe(
  'A customer that matched the search.',
);
export type CustomerMatch = z.infer<typeof CustomerMatch>;

export const OrderInvoiceStatus = z
  .enum(['nothing_to_invoice', 'to_invoice', 'invoiced', 'upselling'])
  .describe('Invoicing progress of the order.');

export const OrderSummary = Order.extend({
  customerName: z.string().optional().describe('Name of the customer (commercial partner) of the order.'),
  untaxed: Money.describe('Total before taxes.'),
  tax: Money.describe('Taxes.'),
  invoiceStatus: OrderInvoiceStatus.optional(),
}).describe('A sales order (or quotation, when draft or sent) in Odoo.');
export type OrderSummary = z.infer<typeof OrderSummary>;

/** A figure of a product line; section and note lines carry none. */
const productFigure = (description: string) =>
  z.number().optional().describe(`${description} (product lines only).`);

export const OrderLine = model('One line of a sales order, in order.', {
  id: z.string().describe('Odoo id of the order line.'),
  lineType: z
    .enum(['product', 'section', 'note'])
    .describe('product lines carry quantities and amounts; section and note lines only structure the order.'),
  description: z.string().describe('Line description as printed on the order, or the section/note text.'),
  product: z
    .object({
      id: z.string().describe('Odoo product id (product_product.id).'),
      code: z.string().optional().describe('Internal product code (default_code), if set.'),
      name: z.string().describe('Product name.'),
    })
    .optional()
    .describe('The product sold; absent on section and note lines.'),
  quantity: productFigure('Ordered quantity'),
  unitPrice: productFigure('Unit price in the order currency'),
  discountPercent: productFigure('Discount in percent, 0-100'),
  subtotal: productFigure('Line amount before taxes'),
  total: productFigure('Line amount with taxes'),
  quantityDelivered: productFigure('Quantity delivered so far'),
  quantityInvoiced: productFigure('Quantity invoiced so far'),
});
export type OrderLine = z.infer<typeof OrderLine>;

export const OrderDetail = model('A sales order with its lines.', {
  order: OrderSummary,
  lines: z.array(OrderLine).describe('The order lines in their printed order.'),
  linesTruncated: z
    .boolean()
    .describe('True when the order has more lines than returned (the first 200 are).'),
});
export type OrderDetail = z.infer<typeof OrderDetail>;

export const InvoiceSummary = Invoice.extend({
  customerName: z.string().optional().describe('Name of the invoiced customer (commercial partner).'),
  origin: z.string().optional().describe('Source document, usually the sales order number (e.g. "S00042").'),
}).describe('A posted customer invoice in Odoo.');
export type InvoiceSummary = z.infer<typeof InvoiceSummary>;

export const CurrencyBalance = model(
  'Open invoices in a currency other than the company currency (not converted).',
  {
    currency: z.string().length(3).describe('ISO 4217 code of the invoices.'),
    receivable: z.number().describe('Open amount of invoices in this currency.'),
    overdue: z.number().describe('Overdue part of that amount.'),
  },
);
export type CurrencyBalance = z.infer<typeof CurrencyBalance>;

export const CustomerFinancials = model('Receivable figures of one customer.', {
  receivable: Money.describe(
    'Open receivable: amount still due on posted customer invoices (not paid or partly paid), in the company currency.',
  ),
  overdue: Money.describe('The part of receivable whose due date has passed.'),
  aging: AgingBuckets,
  unappliedCredits: Money.describe(
    'Open credit notes (posted, not yet applied) in the company currency. Reported apart, not subtracted from receivable.',
  ),
  otherCurrencies: z
    .array(CurrencyBalance)
    .describe('Open invoices in other currencies, which the company-currency figures above exclude.'),
});
export type CustomerFinancials = z.infer<typeof CustomerFinancials>;

export const CustomerDetail = model('An Odoo customer with contacts, receivable and last order.', {
  customer: CustomerSummary,
  resolvedFrom: z
    .object({
      contactId: z.string().describe('The id that was asked for.'),
      contactName: z.string().describe('Name of that contact.'),
    })
    .optional()
    .describe(
      'Present when the id asked for was a contact or address: the customer is its commercial partner.',
    ),
  contacts: z.array(Contact).describe('Active contacts and addresses of the customer, by name.'),
  contactsTruncated: z
    .boolean()
    .describe('True when the customer has more contacts than returned (the first 50 are).'),
  financials: CustomerFinancials,
  lastOrder: OrderSummary.optional().describe('The most recent order or quotation that is not cancelled.'),
});
export type CustomerDetail = z.infer<typeof CustomerDetail>;

export const AgingRow = model("One customer's receivable aging.", {
  customer: z
    .object({
      id: z.string().describe('Odoo id of the customer (commercial partner).'),
      name: z.string().describe('Customer name.'),
      source: SourceRef,
    })
    .describe('The customer.'),
  overdue: z.number().describe('Total overdue (every bucket except current).'),
  buckets: AgingBuckets,
});
export type AgingRow = z.infer<typeof AgingRow>;

export const ProductStock = model('Stock of one product variant, summed over internal locations.', {
  source: SourceRef,
  code: z.string().optional().describe('Internal product code (default_code), if set.'),
  name: z.string().describe('Product name.'),
  tracksStock: z
    .boolean()
    .describe('False for services and consumables, whose quantities Odoo does not track (they read 0).'),
  onHand: z.number().describe('Quantity on hand in internal (warehouse) locations.'),
  reserved: z.number().describe('Part of onHand reserved for pending deliveries.'),
  available: z.number().describe('onHand minus reserved.'),
});
export type ProductStock = z.infer<typeof ProductStock>;
